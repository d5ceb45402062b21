"""Meta's error codes, mapped to what the delivery engine does about them."""

from __future__ import annotations

import pytest
from pywa_async.errors import WhatsAppError

from scheduler.ports import Rejected, RetryLater, TooFast, Transient, Unreachable
from whatsapp.sender import WhatsAppSender


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (131026, Unreachable),  # undeliverable: the person's other channel, once
        (130429, RetryLater),  # the number's throughput: everything pauses
        (131056, TooFast),  # too many to one person: only that row waits
        (131000, Transient),  # something went wrong at Meta: retried with backoff
        (131009, Rejected),  # a parameter Meta refuses: retrying would not help
        (190, RetryLater),  # a wrong token: everything waits for the operator, nobody is failed
        (131045, RetryLater),  # the number's registration: not the recipient's fault
    ],
)
def test_error_codes(code: int, expected: type[Exception]) -> None:
    error = WhatsAppError.from_dict({"code": code, "message": "from Meta"})
    mapped = WhatsAppSender._mapped(error)
    assert type(mapped) is expected and str(code) in str(mapped)
