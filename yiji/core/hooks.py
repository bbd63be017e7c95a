"""Hooks: the one way a lower app reaches the apps above it (docs/ARCHITECTURE.md).

An app never imports a higher one. Where its work must reach a higher app — a signed report
queues an HL7 message in `interop`, a handover lists the open work of the clinical apps — the
lower app declares a `Hook` in its `hooks.py` and calls it; the higher app connects a handler in
its `AppConfig.ready()`, where a reader finds every connection of that app in one place.

A hook is called synchronously, inside the caller's transaction: what a handler writes (an
outbox row, a forgotten roll-up day) commits or rolls back with the change that caused it, and
a handler's error is the caller's error. Handlers run in the order the apps are installed. A
call returns the handlers' answers, so a hook can also ask (each app adds its open items to a
handover) as well as tell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

REGISTRY: list[Hook] = []


class Hook:
    """A named point in a lower app's service where the apps above it take part."""

    def __init__(self, name: str, doc: str):
        self.name = name
        self.doc = doc
        self.handlers: list[Callable[..., Any]] = []
        REGISTRY.append(self)

    def connect(self, handler: Callable[..., Any]) -> None:
        if handler not in self.handlers:
            self.handlers.append(handler)

    def __call__(self, *args: Any, **kwargs: Any) -> list[Any]:
        return [handler(*args, **kwargs) for handler in self.handlers]

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self.handlers)} handlers>"


def connections() -> list[tuple[Hook, str]]:
    """Every hook with the dotted name of each connected handler (docs and their test)."""
    return [
        (hook, f"{handler.__module__}.{handler.__qualname__}")
        for hook in REGISTRY
        for handler in hook.handlers
    ]


@dataclass
class HomePanel:
    """A part of a person's home page: its template and context, lowest `order` first."""

    order: int
    template: str
    context: dict = field(default_factory=dict)


def queue_panel(order: int, title, url: str, open_label, tiles: list, rows: list = ()) -> HomePanel:
    """A role's own queue on its home page: counts as tiles (label, count, url, level: ""
    "warn" or "bad" when non-zero), optional rows (text, url, level), and the queue's page."""
    return HomePanel(order, "core/queue_panel.html", {
        "title": title, "url": url, "open_label": open_label, "tiles": tiles, "rows": list(rows),
    })  # fmt: skip


home_panels = Hook(
    "home panels",
    "A person's home page asks each app, (request) -> list[HomePanel], for the panels of the "
    "work that person's roles do: the leaders' cockpit, the desk, the rooms' queues, the "
    "reading list, a clinician's critical results; the role's own queue comes first.",
)
