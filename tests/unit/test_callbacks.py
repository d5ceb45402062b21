"""Typed callback data: every kind of button round-trips, stays under Telegram's 64 bytes, keeps
the wire format of buttons already sitting in people's chats, and garbage never raises."""

from __future__ import annotations

import pytest

from handlers import callbacks
from handlers.callbacks import CallbackData

EXAMPLES: list[CallbackData] = [
    callbacks.Consent("y", "tok_EN-123"),
    callbacks.Consent("n"),
    callbacks.RegistrationDecision(123456789, "k"),
    callbacks.LanguageChoice("en"),
    callbacks.EraseAnswer("y"),
    callbacks.RsvpButton(42, "w"),
    callbacks.RecapShow(5),
    callbacks.RecapNudge(5),
    callbacks.RecapPending(5, 3),
    callbacks.RecapDownload(5),
    callbacks.RecapConsole(5),
    callbacks.SheetSave("AbC-12_xyz0123456"),
    callbacks.SiaranRole("kader"),
    callbacks.SiaranKecamatanList(),
    callbacks.SiaranOrgSearch(),
    callbacks.SiaranKecamatan(7),
    callbacks.SiaranOrg(8),
    callbacks.SiaranSend(3, 2**62),
    callbacks.SiaranCancel(),
    callbacks.SiaranRefresh(11),
    callbacks.MeetingDeadlineAtStart(1, 2**62),
    callbacks.MeetingAudience("opd", 1, 2**62),
    callbacks.MeetingConfirm(1, 2**62),
    callbacks.MeetingDrop(1, 2**62),
    callbacks.MeetingClose(9),
    callbacks.MeetingAskCancel(9),
    callbacks.MeetingCancel(9),
    callbacks.MeetingMove(9),
    callbacks.ActionMeeting(0, 2**62),
    callbacks.ActionOwnerOrg(4, 2**62),
    callbacks.ActionOwnerGroup("camat", 2**62),
    callbacks.ActionSave(2, 2**62),
    callbacks.ActionDrop(2, 2**62),
    callbacks.ReportAccept(6),
    callbacks.ReportReturn(6),
    callbacks.ReportEvidence(6),
    callbacks.ReportOpen(12),
    callbacks.ReportPage(2),
    callbacks.ReportStatus(3, 2**62, "s"),
    callbacks.ReportSkipNote(3, 2**62),
    callbacks.ReportEvidenceDone(3, 2**62),
    callbacks.ReportSend(3, 2**62),
    callbacks.ReportDrop(3, 2**62),
]
KINDS = [type(example) for example in EXAMPLES]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: type(e).__name__)
def test_every_kind_round_trips_within_64_bytes_and_only_as_itself(example: CallbackData) -> None:
    data = example.encode()
    assert len(data.encode("utf-8")) <= callbacks.MAX_BYTES
    assert type(example).decode(data) == example
    assert callbacks.parse(data, *KINDS) == example  # no other kind reads it


def test_buttons_already_in_chats_keep_their_meaning() -> None:
    """Invitations, report notices and the admins' check stay in chats for weeks: the typed
    classes read the strings the earlier positional codec wrote."""
    assert callbacks.RsvpButton.decode("rv:1:42:h") == callbacks.RsvpButton(42, "h")
    assert callbacks.ReportOpen.decode("tl:1:a:12") == callbacks.ReportOpen(12)
    assert callbacks.ReportAccept.decode("ac:1:y:6") == callbacks.ReportAccept(6)
    assert callbacks.RegistrationDecision.decode("rg:1:7:x") == callbacks.RegistrationDecision(
        7, "x"
    )
    assert callbacks.RecapShow.decode("rk:1:m:5") == callbacks.RecapShow(5)
    assert callbacks.MeetingClose.decode("mt:1:c:9") == callbacks.MeetingClose(9)
    assert callbacks.Consent("y").encode() == "cs:1:y"


def test_too_long_is_refused_at_encoding() -> None:
    with pytest.raises(callbacks.CallbackTooLong):
        callbacks.MeetingAudience("a" * 40, 2**62, 2**62).encode()


def test_names_are_never_put_in_callback_data() -> None:
    with pytest.raises(ValueError):
        callbacks.ActionOwnerGroup("Sitti Aminah", 1).encode()


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        "",
        "x",
        "rg:2:1:k",  # another version
        "rg:1:<script>",
        "é" * 40,
        "cs:1:y:" + "a" * 80,  # past 64 bytes
        "tl:1:x",  # a draft button without its draft
        "mt:1:dl",
        "tl:1:a:99999999999999999999",  # past 64 bits
        "tl:1:a:-3",
        "rv:1:42:h:extra",  # one part too many
        "rv:1:abc:h",
        "ac:1:zz:1",  # an unknown step
    ],
)
def test_garbage_decodes_to_nothing(garbage: str | None) -> None:
    assert callbacks.parse(garbage, *KINDS) is None
