"""The layers of docs/ARCHITECTURE.md: the import-linter contracts hold, breaking one fails,
every app has its place in them, and the document names every hook and its handlers."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps

from yiji.core import hooks

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=where,
        env={"PYTHONPATH": str(where), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def _scratch_copy(tmp_path: Path) -> Path:
    """The project's Python modules and its contracts, in a folder of their own."""
    shutil.copytree(
        ROOT / "yiji",
        tmp_path / "yiji",
        ignore=lambda folder, names: [
            n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()
        ],
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_declared_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_core_importing_an_app_breaks_the_contracts(tmp_path):
    scratch = _scratch_copy(tmp_path)
    (scratch / "yiji/core/shortcut.py").write_text("from yiji.orders.models import Exam\n")
    result = _lint(scratch)
    assert result.returncode != 0
    assert "yiji.core is not allowed to import yiji.orders" in result.stdout


def test_a_cycle_between_two_modules_breaks_the_contracts(tmp_path):
    scratch = _scratch_copy(tmp_path)
    (scratch / "yiji/lab/first.py").write_text("from yiji.lab import second\n")
    (scratch / "yiji/lab/second.py").write_text("from yiji.lab import first\n")
    result = _lint(scratch)
    assert result.returncode != 0
    assert "No cycles are allowed in yiji.lab" in result.stdout


def test_every_app_has_one_place_in_the_layers():
    layers = next(c for c in _contracts() if c["id"] == "layers")["layers"]
    placed = [name.strip() for layer in layers for name in layer.replace(":", "|").split("|")]
    installed = [c.name for c in apps.get_app_configs() if c.name.startswith("yiji.")]
    assert sorted(set(installed) - set(placed)) == []
    assert len(placed) == len(set(placed))
    assert layers[-1] == "yiji.core"


def test_the_architecture_names_every_hook_and_handler():
    text = (ROOT / "docs/ARCHITECTURE.md").read_text()
    connected = hooks.connections()
    assert len(connected) >= 10
    for hook, handler in connected:
        rows = [line for line in text.splitlines() if line.startswith(f"| `{hook.name}`")]
        row = rows[0] if rows else ""
        assert f"`{handler}`" in row, f"{hook.name} → {handler} missing in ARCHITECTURE.md"
