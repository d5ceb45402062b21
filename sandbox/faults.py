"""Switchable failures, so retry and timeout paths of the bot get exercised.

`fail` answers an error without executing the call (the request was lost);
`delay` by default executes the call and then holds the answer (the response was lost:
the client times out although the message was delivered, the case that produces
duplicate messages in bots that blindly retry).
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus


@dataclass
class Fault:
    kind: str  # "fail" | "delay"
    method: str | None  # lower-case method name, None for every method
    times: int | None  # None: until cleared
    status: int = 502
    description: str | None = None
    retry_after: int | None = None
    seconds: float = 0.0
    execute: bool = True
    hits: int = 0

    def matches(self, method: str) -> bool:
        return self.method is None or self.method == method.lower()

    def body(self) -> dict[str, object]:
        desc = self.description
        if desc is None:
            if self.status == 429:
                desc = f"Too Many Requests: retry after {self.retry_after or 1}"
            else:
                try:
                    desc = HTTPStatus(self.status).phrase
                except ValueError:
                    desc = "Error"
        out: dict[str, object] = {"ok": False, "error_code": self.status, "description": desc}
        if self.status == 429 or self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after or 1}
        return out


class Faults:
    def __init__(self) -> None:
        self.active: list[Fault] = []

    def fail(
        self,
        method: str | None = None,
        status: int = 502,
        times: int | None = 1,
        description: str | None = None,
        retry_after: int | None = None,
    ) -> Fault:
        """Answer `status` instead of executing the next `times` matching calls."""
        fault = Fault("fail", _norm(method), times, status, description, retry_after)
        self.active.append(fault)
        return fault

    def delay(
        self,
        method: str | None = None,
        seconds: float = 10.0,
        times: int | None = 1,
        execute: bool = True,
    ) -> Fault:
        """Hold the answer of the next `times` matching calls for `seconds`.

        With execute=False the held call has no effect and finally answers 504.
        """
        fault = Fault("delay", _norm(method), times, seconds=seconds, execute=execute)
        self.active.append(fault)
        return fault

    def clear(self) -> None:
        self.active.clear()

    def take(self, method: str) -> tuple[Fault | None, Fault | None]:
        """Consume the first matching failure and the first matching delay."""
        failure = self._take("fail", method)
        delay = self._take("delay", method) if failure is None else None
        return failure, delay

    def _take(self, kind: str, method: str) -> Fault | None:
        for fault in self.active:
            if fault.kind == kind and fault.matches(method):
                fault.hits += 1
                if fault.times is not None and fault.hits >= fault.times:
                    self.active.remove(fault)
                return fault
        return None


def _norm(method: str | None) -> str | None:
    return method.lower() if method else None
