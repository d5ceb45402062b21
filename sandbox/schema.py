"""The Bot API as data: strict validation of what comes in and of what goes out.

Telegram rejects malformed calls and never sends malformed objects; a sandbox that is
laxer than Telegram lets bugs through to production, so both directions are checked
against the official method/type tables in `bot-api.json`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.errors import bad_request

SCHEMA_PATH = Path(__file__).with_name("bot-api.json")
SCALARS = frozenset({"Integer", "Float", "Boolean", "String", "InputFile"})
_LITERAL = re.compile(r'(?:must be|always) [“"]?([\w-]+)[”"]?\s*$')
_QUOTED = re.compile(r'[“"]([a-z_]+)[”"]')
_INT = re.compile(r"-?\d{1,19}")
_BOOLS = {"true": True, "false": False, "1": True, "0": False}
# How Telegram names a JSON parameter in "can't parse ... JSON object" errors.
_JSON_LABELS = {"reply_markup": "reply keyboard markup", "caption_entities": "entities"}
# python-telegram-bot's `Defaults` inject these into every message call it builds, even
# methods without them (editMessageReplyMarkup gets parse_mode). Telegram ignores them, and
# they are not a bug of the bot, so they are dropped without a warning.
CLIENT_DEFAULTS = frozenset(
    {
        "parse_mode",
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "link_preview_options",
    }
)
_MISSING = {
    "text": "message text is empty",
    "chat_id": "chat_id is empty",
    "message_id": "message identifier is not specified",
    "callback_query_id": "query_id is empty",
    "file_id": "file_id is empty",
    "url": "url is empty",
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool
    literal: str | None = None
    choices: frozenset[str] | None = None


@dataclass(frozen=True)
class TypeSpec:
    name: str
    fields: Mapping[str, FieldSpec]
    subtypes: tuple[str, ...]


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: Mapping[str, FieldSpec]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class Problem:
    """One mismatch; `kind` separates tolerated unknown fields from hard errors."""

    path: str
    message: str
    kind: str  # "unknown" | "missing" | "type"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Upload:
    """A file that arrived as a multipart part; stands in for the InputFile type."""

    data: bytes
    filename: str | None = None
    content_type: str | None = None

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {len(self.data)} bytes, {self.content_type!r})"


@dataclass
class ParsedCall:
    params: dict[str, Any]
    warnings: list[str]
    ignored: list[str] = field(default_factory=list)


def _field(raw: Mapping[str, Any], in_subtype: bool) -> FieldSpec:
    desc = str(raw.get("description", ""))
    literal = None
    choices = None
    if in_subtype and raw["name"] in ("type", "status", "source"):
        match = _LITERAL.search(desc)
        literal = match.group(1) if match else None
    if literal is None and raw["name"] == "type" and ("can be" in desc or "one of" in desc):
        found = frozenset(_QUOTED.findall(desc))
        choices = found or None
    return FieldSpec(raw["name"], tuple(raw["types"]), bool(raw["required"]), literal, choices)


def _score(problems: Sequence[Problem]) -> tuple[int, int]:
    hard = sum(1 for p in problems if p.kind != "unknown")
    return hard, len(problems) - hard


def _type_label(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "Object"
    if value is None:
        return "null"
    return type(value).__name__


class Schema:
    """Lookup and validation over the Bot API tables."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.types: dict[str, TypeSpec] = {}
        for name, raw in data["types"].items():
            sub = bool(raw.get("subtype_of"))
            fields = {f["name"]: _field(f, sub) for f in raw.get("fields", [])}
            self.types[name] = TypeSpec(name, fields, tuple(raw.get("subtypes", ())))
        self.methods: dict[str, MethodSpec] = {}
        for name, raw in data["methods"].items():
            fields = {f["name"]: _field(f, False) for f in raw.get("fields", [])}
            spec = MethodSpec(name, fields, tuple(raw.get("returns", ())))
            self.methods[name.lower()] = spec

    @classmethod
    @functools.cache
    def default(cls) -> Schema:
        return cls(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))

    def method(self, name: str) -> MethodSpec | None:
        """Method names are case-insensitive on Telegram, so they are here."""
        return self.methods.get(name.lower())

    # ----------------------------------------------------------------- validation
    def check_object(self, type_name: str, obj: Any) -> list[str]:
        return [str(p) for p in self.check_value((type_name,), obj, type_name)]

    def check_value(self, types: Sequence[str], value: Any, path: str) -> list[Problem]:
        best: list[Problem] | None = None
        for type_name in types:
            problems = self._check_one(type_name, value, path)
            if not problems:
                return []
            if best is None or _score(problems) < _score(best):
                best = problems
        return best or []

    def _check_one(self, type_name: str, value: Any, path: str) -> list[Problem]:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return [Problem(path, f"expected {type_name}, got {_type_label(value)}", "type")]
            inner = (type_name[len("Array of ") :],)
            out: list[Problem] = []
            for i, item in enumerate(value):
                out.extend(self.check_value(inner, item, f"{path}[{i}]"))
            return out
        if type_name in SCALARS:
            return (
                []
                if _scalar_ok(type_name, value)
                else [Problem(path, f"expected {type_name}, got {_type_label(value)}", "type")]
            )
        spec = self.types.get(type_name)
        if spec is None:
            return [Problem(path, f"unknown type {type_name}", "type")]
        if spec.subtypes:
            return self.check_value(spec.subtypes, value, path)
        if not isinstance(value, dict):
            return [Problem(path, f"expected {type_name} object, got {_type_label(value)}", "type")]
        return self._check_fields(spec, value, path)

    def _check_fields(self, spec: TypeSpec, value: dict[str, Any], path: str) -> list[Problem]:
        out: list[Problem] = []
        for key in value:
            if key not in spec.fields:
                out.append(Problem(f"{path}.{key}", f"unknown field of {spec.name}", "unknown"))
        for f in spec.fields.values():
            if f.name not in value:
                if f.required:
                    out.append(Problem(f"{path}.{f.name}", "required field missing", "missing"))
                continue
            item = value[f.name]
            sub_path = f"{path}.{f.name}"
            out.extend(self.check_value(f.types, item, sub_path))
            if f.literal is not None and item != f.literal:
                out.append(Problem(sub_path, f"must be {f.literal!r}, got {item!r}", "type"))
            if f.choices is not None and isinstance(item, str) and item not in f.choices:
                out.append(Problem(sub_path, f"{item!r} is not one of the allowed values", "type"))
        return out

    # ----------------------------------------------------------------- inbound calls
    def parse_params(
        self,
        spec: MethodSpec,
        raw: Mapping[str, Any],
        files: Mapping[str, Upload],
    ) -> ParsedCall:
        """Coerce raw request values to their Bot API types, or raise a 400 like Telegram.

        Form and query values are strings (objects as JSON strings); JSON bodies carry
        native values; both are accepted. Unknown parameters are tolerated and reported
        as warnings.
        """
        params: dict[str, Any] = {}
        warnings: list[str] = []
        ignored: list[str] = []
        used_files: set[str] = set()
        for name, value in raw.items():
            f = spec.fields.get(name)
            if f is None:
                if name in CLIENT_DEFAULTS:
                    ignored.append(name)
                else:
                    warnings.append(f"{spec.name}: unknown parameter {name!r}")
                continue
            if value is None:
                continue
            params[name] = self._coerce(spec, f, value, files, used_files, warnings)
        for name, upload in files.items():
            f = spec.fields.get(name)
            if name in used_files:
                continue
            if f is not None and "InputFile" in f.types and name not in params:
                params[name] = upload
            elif f is None or name not in params:
                warnings.append(f"{spec.name}: unused file part {name!r}")
        for f in spec.fields.values():
            if f.required and (f.name not in params or params[f.name] == ""):
                raise bad_request(_missing_message(f))
        return ParsedCall(params, warnings, ignored)

    def _coerce(
        self,
        spec: MethodSpec,
        f: FieldSpec,
        value: Any,
        files: Mapping[str, Upload],
        used_files: set[str],
        warnings: list[str],
    ) -> Any:
        types = f.types
        object_types = [t for t in types if t not in SCALARS]
        if isinstance(value, str):
            if "InputFile" in types and value.startswith("attach://"):
                name = value[len("attach://") :]
                if name not in files:
                    raise bad_request(f"file part {name!r} referenced by {f.name} not found")
                used_files.add(name)
                return files[name]
            if "Integer" in types and _INT.fullmatch(value.strip()):
                return int(value)
            if "Float" in types and _is_float(value):
                return float(value)
            if "Boolean" in types and value.strip().lower() in _BOOLS:
                return _BOOLS[value.strip().lower()]
            if "String" in types:
                return value
            if not object_types:
                raise _wrong_type(f, value)
            try:
                parsed = json.loads(value)
            except ValueError:
                label = _JSON_LABELS.get(f.name, f.name)
                raise bad_request(f"can't parse {label} JSON object") from None
            return self._check_nested(spec, f, object_types, parsed, warnings)
        if isinstance(value, bool):
            if "Boolean" in types:
                return value
            raise _wrong_type(f, value)
        if isinstance(value, (int, float)):
            if isinstance(value, int) and "Integer" in types:
                return value
            if "Float" in types:
                return float(value)
            if "String" in types:  # Telegram stringifies numbers given for strings
                return str(value)
            raise _wrong_type(f, value)
        if isinstance(value, (list, dict)) and object_types:
            return self._check_nested(spec, f, object_types, value, warnings)
        raise _wrong_type(f, value)

    def _check_nested(
        self,
        spec: MethodSpec,
        f: FieldSpec,
        types: Iterable[str],
        value: Any,
        warnings: list[str],
    ) -> Any:
        if f.name == "reply_markup" and isinstance(value, dict):
            value = _normalize_reply_keyboard(value)
        problems = self.check_value(tuple(types), value, f.name)
        hard = [p for p in problems if p.kind != "unknown"]
        if hard:
            label = _JSON_LABELS.get(f.name, f.name)
            raise bad_request(f"can't parse {label}: {hard[0]}")
        warnings.extend(f"{spec.name}: {p}" for p in problems)
        return value


def _normalize_reply_keyboard(markup: dict[str, Any]) -> dict[str, Any]:
    """Telegram accepts plain strings as reply keyboard buttons; make them objects."""
    rows = markup.get("keyboard")
    if not isinstance(rows, list):
        return markup
    fixed = [
        [{"text": b} if isinstance(b, str) else b for b in row] if isinstance(row, list) else row
        for row in rows
    ]
    return {**markup, "keyboard": fixed}


def _scalar_ok(type_name: str, value: Any) -> bool:
    if type_name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "Float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if type_name == "Boolean":
        return isinstance(value, bool)
    if type_name == "String":
        return isinstance(value, str)
    return isinstance(value, Upload)


def _is_float(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _wrong_type(f: FieldSpec, value: Any) -> Exception:
    wanted = " or ".join(f.types)
    return bad_request(f'field "{f.name}" must be of type {wanted}, got {_type_label(value)}')


def _missing_message(f: FieldSpec) -> str:
    if f.name in _MISSING:
        return _MISSING[f.name]
    if "InputFile" in f.types:
        return f"there is no {f.name} in the request"
    return f"parameter {f.name!r} is required"


def check_object(type_name: str, obj: Any) -> list[str]:
    """Every problem that makes `obj` something Telegram would not send as `type_name`."""
    return Schema.default().check_object(type_name, obj)
