"""Callback data: short, versioned, parsed in one place.

Telegram accepts 1-64 bytes and python-telegram-bot does not check, so a long value only fails
when Telegram rejects the whole message. ``encode`` asserts the size; ``decode`` never raises,
so a button from an old message or forged data falls through to the "expired" answer.
Names (multi-byte in UTF-8) never go in here: only ids and short codes.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, fields
from functools import cache
from itertools import zip_longest
from typing import Any, ClassVar, Self, cast, get_args, get_type_hints

VERSION = "1"
MAX_BYTES = 64
_PART = re.compile(r"^[A-Za-z0-9_-]{1,40}$")

# Kinds of button (the first field). Each handler registers for its own prefix.
CONSENT = "cs"  # cs:1:y|n[:token]
REGISTRATION = "rg"  # rg:1:<request id>:k|o|x  (approve kader / approve opd / reject)
LANGUAGE = "lg"  # lg:1:id|en
ERASE = "er"  # er:1:y|n
# mt:1:dl | a:<role> | ok:<draft>:<version> | x  (/rapatbaru)
# mt:1:c|cx|cy|ck|mv:<meeting>  (close, ask to cancel, cancel, keep it, move)
# mt:1:my|mn:<draft>:<version>  (the move's preview: Ya, pindahkan / Tidak)
MEETING = "mt"
RSVP = "rv"  # rv:1:<invitation id>:h|w|t|s
BROADCAST = "sb"  # sb:1:a:<role>|k|kc:<org>|o|oc:<org>|send|cancel|r:<broadcast>
# ac:1:m:<meeting|0> | o:<org> | g:<group> | ok:<draft>:<version> | x  (/rtlbaru)
# ac:1:y|r|f:<report>  (accept, return, show the evidence of a Selesai report)
ACTION = "ac"
# tl:1:a:<action> | s:<draft>:<version>:b|j|s|k | n|e|ok:<draft>:<version> | x  (/tindaklanjut)
ACTION_REPORT = "tl"
# rk:1:m|n|d|k:<meeting id>  (show the recap, nudge the silent, the daftar hadir, the console)
# rk:1:p:<meeting id>:<page>  (the list of those who have not answered, a page of it)
RECAP = "rk"
SHEET = "lb"  # lb:1:<token>  (Simpan a sheet an admin sent as a document, after its check)


class CallbackTooLong(ValueError):
    pass


_MAX_ID = 2**63  # a database id or a version; forged data may hold any digits


def _number(text: str) -> int | None:
    if not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if value < _MAX_ID else None


def _encode(kind: str, *parts: object) -> str:
    texts = [str(p) for p in parts]
    for text in [kind, *texts]:
        if not _PART.match(text):
            raise ValueError(f"callback part {text!r} is not a short code")
    data = ":".join([kind, VERSION, *texts])
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise CallbackTooLong(data)
    return data


def _split(data: str | None) -> tuple[str, tuple[str, ...]] | None:
    """Our callback data as (kind, parts); anything else (old version, garbage) gives None."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    fields_ = data.split(":")
    if len(fields_) < 2 or fields_[1] != VERSION or not all(_PART.match(f) for f in fields_):
        return None
    return fields_[0], tuple(fields_[2:])


class CallbackData:
    """One kind of button: a frozen dataclass whose fields travel in order, after the prefix
    and (for a feature with several kinds of button) the step that names the kind.

    ``encode`` asserts Telegram's 64 bytes; ``decode`` never raises and gives None for data
    of another kind, a missing or extra part, or a number that is not one, so a button from
    an old message or forged data falls through to the "expired" answer. Fields are ints (ids,
    versions) or short codes; names never go in here (multi-byte in UTF-8).
    """

    PREFIX: ClassVar[str] = ""
    STEP: ClassVar[str] = ""

    def encode(self) -> str:
        values: list[object] = [getattr(self, f.name) for f in fields(self)]  # type: ignore[arg-type]
        while values and values[-1] in ("", None):  # optional trailing parts are left out
            values.pop()
        return _encode(self.PREFIX, *([self.STEP] if self.STEP else []), *values)

    @classmethod
    def decode(cls, data: str | None) -> Self | None:
        split = _split(data)
        if split is None or split[0] != cls.PREFIX:
            return None
        parts = list(split[1])
        if cls.STEP:
            if not parts or parts[0] != cls.STEP:
                return None
            parts = parts[1:]
        kinds = _field_kinds(cast(Any, cls))
        if len(parts) > len(kinds):
            return None
        values: dict[str, object] = {}
        for (name, is_number, required), part in zip_longest(kinds, parts):
            if part is None:
                if required:
                    return None
                continue
            value = _number(part) if is_number else part
            if value is None:
                return None
            values[name] = value
        return cls(**values)


@cache
def _field_kinds(cls: Any) -> tuple[tuple[str, bool, bool], ...]:
    """(name, is a number, required) per field, read once from the dataclass."""
    hints = get_type_hints(cls)
    return tuple(
        (f.name, int in (get_args(hints[f.name]) or (hints[f.name],)), f.default is MISSING)
        for f in fields(cls)
    )


def parse(data: str | None, *kinds: type[CallbackData]) -> CallbackData | None:
    """The first of ``kinds`` that reads ``data``, or None."""
    for kind in kinds:
        found = kind.decode(data)
        if found is not None:
            return found
    return None


def pattern(kind: str) -> str:
    """Regex for a CallbackQueryHandler of one prefix and this version."""
    return rf"^{re.escape(kind)}:{VERSION}(:|$)"


# --- registration and privacy --------------------------------------------------------------------


@dataclass(frozen=True)
class Consent(CallbackData):
    PREFIX = CONSENT
    answer: str  # y | n
    token: str = ""  # the one-tap registration link's token, when there was one


@dataclass(frozen=True)
class RegistrationDecision(CallbackData):
    PREFIX = REGISTRATION
    request_id: int
    decision: str  # k (approve as kader) | o (as OPD) | x (reject)


@dataclass(frozen=True)
class LanguageChoice(CallbackData):
    PREFIX = LANGUAGE
    code: str


@dataclass(frozen=True)
class EraseAnswer(CallbackData):
    PREFIX = ERASE
    answer: str  # y | n


# --- invitations and the recap -------------------------------------------------------------------


@dataclass(frozen=True)
class RsvpButton(CallbackData):
    PREFIX = RSVP
    invitation_id: int
    code: str  # h | w | t (the answers) | s (skip a step) | o (show the invitation again)


@dataclass(frozen=True)
class RecapShow(CallbackData):
    PREFIX, STEP = RECAP, "m"
    meeting_id: int


@dataclass(frozen=True)
class RecapNudge(CallbackData):
    PREFIX, STEP = RECAP, "n"
    meeting_id: int


@dataclass(frozen=True)
class RecapPending(CallbackData):
    PREFIX, STEP = RECAP, "p"
    meeting_id: int
    page: int


@dataclass(frozen=True)
class RecapDownload(CallbackData):
    PREFIX, STEP = RECAP, "d"
    meeting_id: int


@dataclass(frozen=True)
class RecapConsole(CallbackData):
    PREFIX, STEP = RECAP, "k"
    meeting_id: int


@dataclass(frozen=True)
class SheetSave(CallbackData):
    PREFIX = SHEET
    token: str


# --- /siaran -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiaranRole(CallbackData):
    PREFIX, STEP = BROADCAST, "a"
    role: str


@dataclass(frozen=True)
class SiaranKecamatanList(CallbackData):
    PREFIX, STEP = BROADCAST, "k"


@dataclass(frozen=True)
class SiaranOrgSearch(CallbackData):
    PREFIX, STEP = BROADCAST, "o"


@dataclass(frozen=True)
class SiaranKecamatan(CallbackData):
    PREFIX, STEP = BROADCAST, "kc"
    org_id: int


@dataclass(frozen=True)
class SiaranOrg(CallbackData):
    PREFIX, STEP = BROADCAST, "oc"
    org_id: int


@dataclass(frozen=True)
class SiaranSend(CallbackData):
    PREFIX, STEP = BROADCAST, "send"
    draft_id: int
    shown: int  # the draft's version + 1 when the preview was shown (1-based: never 0)


@dataclass(frozen=True)
class SiaranCancel(CallbackData):
    PREFIX, STEP = BROADCAST, "cancel"


@dataclass(frozen=True)
class SiaranRefresh(CallbackData):
    PREFIX, STEP = BROADCAST, "r"
    broadcast_id: int


# --- meetings: /rapatbaru, closing, cancelling and moving ----------------------------------------


@dataclass(frozen=True)
class MeetingDeadlineAtStart(CallbackData):
    PREFIX, STEP = MEETING, "dl"
    draft_id: int
    version: int


@dataclass(frozen=True)
class MeetingAudience(CallbackData):
    PREFIX, STEP = MEETING, "a"
    role: str
    draft_id: int
    version: int


@dataclass(frozen=True)
class MeetingConfirm(CallbackData):
    PREFIX, STEP = MEETING, "ok"
    draft_id: int
    shown: int  # the draft's version + 1 when the preview was shown


@dataclass(frozen=True)
class MeetingDrop(CallbackData):
    PREFIX, STEP = MEETING, "x"
    draft_id: int
    version: int


@dataclass(frozen=True)
class MeetingClose(CallbackData):
    PREFIX, STEP = MEETING, "c"
    meeting_id: int


@dataclass(frozen=True)
class MeetingAskCancel(CallbackData):
    PREFIX, STEP = MEETING, "cx"
    meeting_id: int


@dataclass(frozen=True)
class MeetingCancel(CallbackData):
    PREFIX, STEP = MEETING, "cy"
    meeting_id: int


@dataclass(frozen=True)
class MeetingKeep(CallbackData):
    """Tidak, under "Batalkan rapat ini?": the meeting stays as it is."""

    PREFIX, STEP = MEETING, "ck"
    meeting_id: int


@dataclass(frozen=True)
class MeetingMove(CallbackData):
    PREFIX, STEP = MEETING, "mv"
    meeting_id: int


@dataclass(frozen=True)
class MeetingMoveConfirm(CallbackData):
    PREFIX, STEP = MEETING, "my"
    draft_id: int
    version: int  # the draft's version when the preview was shown


@dataclass(frozen=True)
class MeetingMoveDrop(CallbackData):
    PREFIX, STEP = MEETING, "mn"
    draft_id: int
    version: int


# --- follow-up actions: /rtlbaru and the admins' check -------------------------------------------


@dataclass(frozen=True)
class ActionMeeting(CallbackData):
    PREFIX, STEP = ACTION, "m"
    meeting_id: int  # 0: not from a meeting
    version: int


@dataclass(frozen=True)
class ActionOwnerOrg(CallbackData):
    PREFIX, STEP = ACTION, "o"
    org_id: int
    version: int


@dataclass(frozen=True)
class ActionOwnerGroup(CallbackData):
    PREFIX, STEP = ACTION, "g"
    group: str
    version: int


@dataclass(frozen=True)
class ActionSave(CallbackData):
    PREFIX, STEP = ACTION, "ok"
    draft_id: int
    version: int


@dataclass(frozen=True)
class ActionDrop(CallbackData):
    PREFIX, STEP = ACTION, "x"
    draft_id: int
    version: int


@dataclass(frozen=True)
class ReportAccept(CallbackData):
    PREFIX, STEP = ACTION, "y"
    report_id: int


@dataclass(frozen=True)
class ReportReturn(CallbackData):
    PREFIX, STEP = ACTION, "r"
    report_id: int


@dataclass(frozen=True)
class ReportEvidence(CallbackData):
    PREFIX, STEP = ACTION, "f"
    report_id: int


# --- /tindaklanjut: writing a report -------------------------------------------------------------


@dataclass(frozen=True)
class ReportOpen(CallbackData):
    PREFIX, STEP = ACTION_REPORT, "a"
    action_id: int


@dataclass(frozen=True)
class ReportPage(CallbackData):
    PREFIX, STEP = ACTION_REPORT, "p"
    page: int  # 1-based


@dataclass(frozen=True)
class ReportStatus(CallbackData):
    PREFIX, STEP = ACTION_REPORT, "s"
    draft_id: int
    version: int
    code: str  # b | j | s | k


@dataclass(frozen=True)
class ReportSkipNote(CallbackData):
    PREFIX, STEP = ACTION_REPORT, "n"
    draft_id: int
    version: int


@dataclass(frozen=True)
class ReportEvidenceDone(CallbackData):
    PREFIX, STEP = ACTION_REPORT, "e"
    draft_id: int
    version: int


@dataclass(frozen=True)
class ReportSend(CallbackData):
    PREFIX, STEP = ACTION_REPORT, "ok"
    draft_id: int
    version: int


@dataclass(frozen=True)
class ReportDrop(CallbackData):
    PREFIX, STEP = ACTION_REPORT, "x"
    draft_id: int
    version: int
