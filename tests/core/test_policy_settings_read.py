"""Every policy setting is read by the code it describes: a setting that changes nothing
misleads the director who sets it. The test fails when a setting is added that nothing reads."""

from __future__ import annotations

from pathlib import Path

from yiji.core.policy_catalogue import SETTINGS

ROOT = Path(__file__).resolve().parents[2] / "yiji"
# Families whose keys the code builds from a value (f"stf.post_requirements_{post}").
BUILT = ("stf.post_requirements_", "crit.lab_")


def _sources() -> str:
    return "\n".join(
        path.read_text(encoding="utf-8")
        for path in ROOT.rglob("*")
        if path.suffix in (".py", ".html")
        and path.name != "policy_catalogue.py"
        and "migrations" not in path.parts
    )


def test_every_setting_is_read_somewhere():
    text = _sources()
    unread = {s.key for s in SETTINGS if s.key not in text and not s.key.startswith(BUILT)}
    assert unread == set()
