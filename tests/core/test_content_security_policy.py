"""A Content-Security-Policy the pages keep (issue 24, point 7): scripts from Yiji's own
files or inline blocks carrying the response's nonce, and no inline event handlers anywhere
in the templates (they would be blocked)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "yiji" / "templates"


def test_every_page_gets_a_policy_and_its_inline_scripts_the_nonce(client_for, director):
    response = client_for(director).get("/quality/annual/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "script-src 'self' 'nonce-" in policy and "object-src 'none'" in policy
    inline = [  # data blocks (json_script) are not run, so need none
        attributes
        for attributes in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.text)
        if "application/json" not in attributes
    ]
    assert inline and all(f'nonce="{nonce}"' in attributes for attributes in inline)
    again = client_for(director).get("/quality/annual/")["Content-Security-Policy"]
    assert nonce not in again  # a new nonce for every response


def test_no_template_has_an_inline_event_handler_or_a_script_without_the_nonce():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+=\"", text), path
        for attributes in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", text):
            assert "csp_nonce" in attributes, path
