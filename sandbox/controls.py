"""Buttons on the chat page that belong to whoever runs the sandbox, not to a chat: the demo's
"Buka konsol" (a link to the bot's own console) and "Maju 1 jam / 1 hari" (its clock moved
ahead, so reminders and nudges come while one watches). The sandbox only shows them and calls
back; it knows nothing of what they do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Control:
    name: str  # [a-z0-9-], the API's path part
    label: str
    href: str = ""  # a link opened in a new tab, or
    run: Callable[[], Awaitable[str]] | None = None  # an action; its answer is shown

    def json(self) -> dict[str, str]:
        return {"name": self.name, "label": self.label, "href": self.href}


class Controls:
    def __init__(self) -> None:
        self._items: dict[str, Control] = {}
        self.status: Callable[[], str] = lambda: ""  # a line shown under them (the demo's time)

    def add(self, control: Control) -> None:
        if not control.name.replace("-", "").isalnum() or bool(control.href) == bool(control.run):
            raise ValueError("a control has a plain name and either a link or an action")
        self._items[control.name] = control

    def get(self, name: str) -> Control | None:
        return self._items.get(name)

    def json(self) -> dict[str, object]:
        return {"controls": [c.json() for c in self._items.values()], "status": self.status()}
