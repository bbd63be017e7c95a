"""The rule registry: every RULES.md ID in code, and `implemented` only with code and tests."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import Client

from yiji.core import rulebook

RULES_MD = Path(__file__).resolve().parents[2] / "docs" / "RULES.md"


def _documented():
    return re.findall(r"\| ([A-Z]{3}-\d+) \| (.+?) \| (.+?) \|", RULES_MD.read_text())


def test_every_rule_of_rules_md_is_in_code_in_order():
    documented = [rule_id for rule_id, _text, _kind in _documented()]
    assert [rule.id for rule in rulebook.all_rules()] == documented


def test_kinds_text_and_sources_match_rules_md():
    by_id = rulebook.rules_by_id()
    for rule_id, text, kind in _documented():
        rule = by_id[rule_id]
        assert rule.en == text.strip()
        assert set(rule.kinds) == set(re.findall(r"block|remind|record|measure", kind))
        assert rule.zh and set(rule.sources) <= set(rulebook.SOURCES)


def test_rules_json_lists_every_id_with_a_status(db):
    out = StringIO()
    call_command("rules", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [row["id"] for row in rows] == [r for r, _t, _k in _documented()]
    assert {row["status"] for row in rows} <= {"implemented", "planned"}


def test_implemented_means_a_service_function_and_a_test_naming_the_id(db):
    rows = {row.rule.id: row for row in rulebook.statuses()}
    for row in rows.values():
        if row.status == "implemented":
            assert row.functions and row.tests
    assert rows["ORD-7"].status == "implemented"
    assert "yiji.core.services.open_patient_record" in rows["ORD-7"].functions
    assert any("test_every_view_of_a_patient_record_is_logged" in t for t in rows["ORD-7"].tests)
    assert all(rows[f"LAB-{n}"].status == "implemented" for n in range(1, 6))


def test_a_function_alone_does_not_make_a_rule_implemented(tmp_path):
    (tmp_path / "test_x.py").write_text(
        "import pytest\n@pytest.mark.rules('SCH-1')\ndef test_a():\n    pass\n"
        "class TestB:\n    @pytest.mark.rules('SCH-2', 'SCH-3')\n    def test_b(self):\n"
        "        pass\n"
    )
    (tmp_path / "test_y.py").write_text(
        "import pytest\npytestmark = [pytest.mark.django_db, pytest.mark.rules('LAB-1')]\n"
        "def test_c():\n    pass\n"
    )
    found = rulebook.tests_naming_rules(tmp_path)
    assert set(found) == {"SCH-1", "SCH-2", "SCH-3", "LAB-1"}
    assert found["LAB-1"] == [f"{tmp_path.name}/test_y.py::test_c"]
    assert found["SCH-2"] == [f"{tmp_path.name}/test_x.py::TestB::test_b"]


def test_carries_out_refuses_an_unknown_rule_id():
    import pytest

    with pytest.raises(KeyError):
        rulebook.carries_out("XYZ-1")(lambda: None)


def test_the_rules_page_shows_every_rule_to_any_staff_member(clerk, client_for):
    response = client_for(clerk).get("/rules/")
    assert response.status_code == 200
    for rule in rulebook.all_rules():
        assert f'id="{rule.id}"' in response.text
    implemented = client_for(clerk).get("/rules/", {"status": "implemented"})
    assert 'id="ORD-7"' in implemented.text and 'id="LAB-5"' in implemented.text
    planned = client_for(clerk).get("/rules/", {"status": "planned"})
    assert 'id="ORD-7"' not in planned.text


def test_the_rules_page_needs_login(db):
    assert Client().get("/rules/").status_code == 302
