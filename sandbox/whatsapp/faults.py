"""Switchable WhatsApp failures, so a bot's error paths run before production finds them.

Two kinds, as on Meta: a send that is accepted (HTTP 200 with a wamid) and then fails by a
status webhook (`fail_next`: the person never sees it), and an API call answered with an
error right away (`fail_next_call`), or answered late (`delay_next_call`, the response was
lost: the bot times out although the message went out).
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.whatsapp.errors import GraphError

# The HTTP status Meta pairs with a code when a test does not say.
_HTTP_STATUS = {190: 401, 130429: 429, 131000: 500, 131016: 503, 4: 429, 80007: 429}


@dataclass
class SendFault:
    wa_id: str
    code: int
    times: int | None
    details: str | None = None
    hits: int = 0


@dataclass
class CallFault:
    kind: str  # "fail" | "delay"
    endpoint: str | None  # "messages" | "media" | None for every call
    times: int | None
    code: int = 131000
    http_status: int = 500
    details: str | None = None
    seconds: float = 0.0
    execute: bool = True
    hits: int = 0

    def error(self) -> GraphError:
        return GraphError(self.http_status, self.code, self.details)


class WhatsAppFaults:
    def __init__(self) -> None:
        self.sends: list[SendFault] = []
        self.calls: list[CallFault] = []

    def fail_next(
        self, wa_id: str, code: int = 131026, times: int | None = 1, details: str | None = None
    ) -> SendFault:
        """The next `times` sends to `wa_id` are accepted, then fail by status with `code`."""
        fault = SendFault(wa_id, code, times, details)
        self.sends.append(fault)
        return fault

    def fail_next_call(
        self,
        code: int = 130429,
        http_status: int | None = None,
        times: int | None = 1,
        details: str | None = None,
        endpoint: str | None = None,
    ) -> CallFault:
        """Answer the next `times` API calls (optionally only `messages` or `media`) with
        Meta's error `code` instead of executing them."""
        status = http_status if http_status is not None else _HTTP_STATUS.get(code, 400)
        fault = CallFault("fail", endpoint, times, code, status, details)
        self.calls.append(fault)
        return fault

    def delay_next_call(
        self,
        seconds: float = 10.0,
        execute: bool = True,
        times: int | None = 1,
        endpoint: str | None = None,
    ) -> CallFault:
        """Hold the answer of the next `times` calls; with execute=False they have no
        effect and finally answer 500, like a request lost on the way."""
        fault = CallFault("delay", endpoint, times, seconds=seconds, execute=execute)
        self.calls.append(fault)
        return fault

    def clear(self) -> None:
        self.sends.clear()
        self.calls.clear()

    def take_send(self, wa_id: str) -> SendFault | None:
        for fault in self.sends:
            if fault.wa_id == wa_id:
                fault.hits += 1
                if fault.times is not None and fault.hits >= fault.times:
                    self.sends.remove(fault)
                return fault
        return None

    def take_call(self, endpoint: str) -> CallFault | None:
        for fault in self.calls:
            if fault.endpoint is None or fault.endpoint == endpoint:
                fault.hits += 1
                if fault.times is not None and fault.hits >= fault.times:
                    self.calls.remove(fault)
                return fault
        return None
