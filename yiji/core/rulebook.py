"""The rule registry: every RULES.md ID in code, and which service function carries it out.

A service function declares the rules it carries out with `@carries_out("ORD-1")`; tests prove
a rule with `@pytest.mark.rules("ORD-1")`. A rule is `implemented` only when both exist.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from yiji.core.rulebook_data import RULES, Rule


class RuleKind(models.TextChoices):
    BLOCK = "block", _("Block")
    REMIND = "remind", _("Remind")
    RECORD = "record", _("Record")
    MEASURE = "measure", _("Measure")


SOURCES = {
    "imaging": ("医学影像科工作制度", "Medical imaging department regulations"),
    "medtech": ("医技科室规章制度", "Medical-technology department regulations"),
}

CHAPTERS = {
    "ORD": ("申请单与登记", "Requisitions and check-in"),
    "SCH": ("预约", "Appointments"),
    "EXM": ("检查", "Exams"),
    "RPT": ("报告", "Reports"),
    "CNF": ("集体阅片与会诊", "Collective reading and consultation"),
    "QLT": ("质量", "Quality"),
    "EQP": ("设备、物资与消毒", "Equipment, supplies and disinfection"),
    "RAD": ("辐射防护", "Radiation safety"),
    "ARC": ("资料", "Archive and data"),
    "STF": ("人员与行政", "People and administration"),
    "INC": ("差错事故", "Errors and accidents"),
    "LAB": ("检验科", "Clinical laboratory"),
}


@dataclass
class Implementation:
    functions: list[str] = field(default_factory=list)


_IMPLEMENTATIONS: dict[str, Implementation] = {}

F = TypeVar("F", bound=Callable)


def carries_out(*rule_ids: str) -> Callable[[F], F]:
    """Mark a service function as the place where these rules are carried out."""

    def mark(func: F) -> F:
        for rule_id in rule_ids:
            if rule_id not in rules_by_id():
                raise KeyError(f"{rule_id} is not a rule of RULES.md")
            name = f"{func.__module__}.{func.__qualname__}"
            _IMPLEMENTATIONS.setdefault(rule_id, Implementation()).functions.append(name)
        return func

    return mark


def all_rules() -> tuple[Rule, ...]:
    return RULES


def rules_by_id() -> dict[str, Rule]:
    return {rule.id: rule for rule in all_rules()}


def get_rule(rule_id: str) -> Rule:
    return rules_by_id()[rule_id]


def implementing_functions(rule_id: str) -> list[str]:
    _load_services()
    impl = _IMPLEMENTATIONS.get(rule_id)
    return list(impl.functions) if impl else []


@functools.cache
def _load_services() -> None:
    """Import every module of Yiji's apps so their @carries_out marks are registered (once:
    a module imported stays imported)."""
    import pkgutil
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("yiji."):
            continue
        for module in pkgutil.iter_modules([config.path]):
            if module.name not in ("migrations", "management", "admin", "tests"):
                import_module(f"{config.name}.{module.name}")


TESTS_DIR = Path(__file__).resolve().parents[2] / "tests"


def tests_naming_rules(tests_dir: Path = TESTS_DIR) -> dict[str, list[str]]:
    """Test node IDs per rule, read from `@pytest.mark.rules(...)` marks in the test sources.
    Each file is parsed once until it changes, so the rules page does not re-read them all."""
    found: dict[str, list[str]] = {}
    if not tests_dir.is_dir():
        return found
    for path in sorted(tests_dir.rglob("test_*.py")):
        stat = path.stat()
        relative = path.relative_to(tests_dir.parent).as_posix()
        for rule_id, node_id in _rules_in_file(path, relative, stat.st_mtime_ns, stat.st_size):
            found.setdefault(rule_id, []).append(node_id)
    return found


@functools.lru_cache(maxsize=2048)
def _rules_in_file(path: Path, relative: str, mtime_ns: int, size: int) -> tuple:
    """(rule ID, test node ID) pairs of one test file; cached by its modification time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    whole_module = _marked_rules_of_module(tree)
    pairs = []
    for node, owner in _test_functions(tree):
        node_id = f"{relative}::{owner}{node.name}"
        marked = _marked_rules(node) | _marked_rules_of_class(tree, owner) | whole_module
        pairs.extend((rule_id, node_id) for rule_id in sorted(marked))
    return tuple(pairs)


def _test_functions(tree: ast.Module):
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            yield node, ""
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name.startswith("test"):
                    yield item, f"{node.name}::"


def _marked_rules(node: ast.AST) -> set[str]:
    ids: set[str] = set()
    for decorator in getattr(node, "decorator_list", []):
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "rules"
        ):
            ids.update(
                arg.value
                for arg in decorator.args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            )
    return ids


def _marked_rules_of_module(tree: ast.Module) -> set[str]:
    """`pytestmark = pytest.mark.rules(...)` (alone or in a list) marks every test of a module."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            value = node.value
            marks = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
            return _marked_rules(ast.FunctionDef(name="", decorator_list=marks))
    return set()


def _marked_rules_of_class(tree: ast.Module, owner: str) -> set[str]:
    if not owner:
        return set()
    name = owner.removesuffix("::")
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return _marked_rules(node)
    return set()


@dataclass
class RuleStatus:
    rule: Rule
    functions: list[str]
    tests: list[str]

    @property
    def implemented(self) -> bool:
        return bool(self.functions) and bool(self.tests)

    @property
    def status(self) -> str:
        return "implemented" if self.implemented else "planned"

    def as_json(self) -> dict:
        """The rule and its status as `yiji rules --json` and `GET /api/rules` give them."""
        rule = self.rule
        return {
            "id": rule.id,
            "kinds": list(rule.kinds),
            "zh": rule.zh,
            "en": rule.en,
            "sources": list(rule.sources),
            "default_zh": rule.default_zh,
            "default_en": rule.default_en,
            "status": self.status,
            "functions": self.functions,
            "tests": self.tests,
        }


def statuses() -> list[RuleStatus]:
    tests = tests_naming_rules()
    return [
        RuleStatus(rule, implementing_functions(rule.id), tests.get(rule.id, []))
        for rule in all_rules()
    ]


class RuleViolation(Exception):
    """An action refused because it breaks a rule; the message quotes the rule ID.

    `overridable` says whether a permitted role may go ahead with a written reason.
    """

    def __init__(
        self,
        rule_id: str,
        zh: str,
        en: str,
        *,
        field: str = "",
        overridable: bool = False,
        data: dict | None = None,
    ):
        if rule_id not in rules_by_id():
            raise KeyError(f"{rule_id} is not a rule of RULES.md")
        super().__init__(f"{rule_id}: {en}")
        self.rule_id = rule_id
        self.zh = zh
        self.en = en
        self.field = field
        self.overridable = overridable
        self.data = data or {}

    @property
    def message(self) -> str:
        english = (get_language() or "zh-hans").startswith("en")
        return f"[{self.rule_id}] {self.en}" if english else f"【{self.rule_id}】{self.zh}"

    def as_json(self) -> dict:
        return {
            "detail": "rule",
            "rule": self.rule_id,
            "field": self.field,
            "message_zh": self.zh,
            "message_en": self.en,
            "overridable": self.overridable,
            **({"data": self.data} if self.data else {}),
        }


def record_refusal(violation: RuleViolation, actor=None, channel: str = "web", where: str = ""):
    """Keep a refusal for the compliance counts. Called where the refusal reaches the person
    or system that asked (view, API, HL7, DICOM), after the refused change rolled back."""
    from yiji.core.models import Refusal

    user = actor if getattr(actor, "is_authenticated", False) else None
    return Refusal.objects.create(
        rule=violation.rule_id,
        actor=user,
        channel=channel,
        message=violation.zh[:300],
        where=where[:200],
    )
