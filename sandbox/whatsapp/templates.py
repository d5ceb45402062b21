"""Message templates: Meta's approval rules on the definition, and its checks when one is sent.

A template is the only thing a business may send outside the 24-hour window, so bots lean on
them for reminders. Meta rejects a send whose parameters do not fit the approved definition
(wrong count, newlines, empty values) at once with an HTTP error, and the sandbox does the
same with the same codes. Definitions use Meta's creation JSON so the dictionaries a bot keeps
for `POST /<waba>/message_templates` can be approved here unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import SandboxUsageError
from sandbox.whatsapp.errors import GraphError, bad_param, invalid, missing
from sandbox.whatsapp.ids import new_template_id

CATEGORIES = frozenset({"UTILITY", "MARKETING", "AUTHENTICATION"})
MAX_BODY = 1024
MAX_HEADER = 60
MAX_FOOTER = 60
MAX_QUICK_REPLY = 25
MAX_QUICK_REPLIES = 10
_NAME = re.compile(r"[a-z0-9_]{1,512}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
_BRACES = re.compile(r"\{\{([^{}]*)\}\}")
_POSITIONAL = re.compile(r"[1-9][0-9]*")
_NAMED = re.compile(r"[a-z][a-z0-9_]*")
_BAD_PARAM = re.compile(r"[\n\t]| {5,}")


@dataclass
class TemplateText:
    """A header or body text with its variables, in order of first appearance."""

    text: str
    variables: list[str]

    def fill(self, values: dict[str, str]) -> str:
        return _BRACES.sub(lambda m: values[m.group(1)], self.text)


@dataclass
class ApprovedTemplate:
    id: str
    name: str
    language: str
    category: str
    parameter_format: str  # POSITIONAL | NAMED
    body: TemplateText
    header: TemplateText | None
    footer: str | None
    quick_replies: list[str]  # button texts; the index is the position in BUTTONS
    definition: dict[str, Any]


@dataclass
class RenderedTemplate:
    """A template send that passed every check, with what the person will read."""

    template: ApprovedTemplate
    body: str
    header: str | None
    body_params: list[str]
    header_params: list[str]
    payloads: list[str] = field(default_factory=list)


def _usage(name: str, problem: str) -> SandboxUsageError:
    return SandboxUsageError(f"Meta would not approve template {name!r}: {problem}")


def _text_part(
    name: str, component: dict[str, Any], kind: str, fmt: str, limit: int
) -> TemplateText:
    text = component.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _usage(name, f"{kind} needs a non-empty text")
    if len(text) > limit:
        raise _usage(name, f"{kind} text is {len(text)} characters, the limit is {limit}")
    if text.count("{{") != len(_BRACES.findall(text)) or "}}" in _BRACES.sub("", text):
        raise _usage(name, f"{kind} has malformed variable braces")
    variables: list[str] = []
    for raw in _BRACES.findall(text):
        pattern = _POSITIONAL if fmt == "POSITIONAL" else _NAMED
        if not pattern.fullmatch(raw):
            raise _usage(name, f"{kind} variable {{{{{raw}}}}} does not fit {fmt} parameters")
        if raw not in variables:
            variables.append(raw)
    if fmt == "POSITIONAL" and variables != [str(i) for i in range(1, len(variables) + 1)]:
        raise _usage(name, f"{kind} variables must be {{{{1}}}}..{{{{n}}}} in order, no gaps")
    stripped = text.strip()
    if kind == "BODY" and variables and (stripped.startswith("{{") or stripped.endswith("}}")):
        raise _usage(name, f"a variable may not stand at the very start or end of the {kind}")
    _check_examples(name, component, kind, fmt, variables)
    return TemplateText(text, variables)


def _check_examples(
    name: str, component: dict[str, Any], kind: str, fmt: str, variables: list[str]
) -> None:
    """Meta refuses templates with variables but no sample values for its reviewers."""
    if not variables:
        return
    example = component.get("example")
    key = f"{kind.lower()}_text" + ("_named_params" if fmt == "NAMED" else "")
    values = example.get(key) if isinstance(example, dict) else None
    if fmt == "NAMED":
        names = {v.get("param_name") for v in values or [] if isinstance(v, dict)}
        ok = names == set(variables)
    elif kind == "BODY":
        ok = isinstance(values, list) and len(values) == 1 and len(values[0]) == len(variables)
    else:
        ok = isinstance(values, list) and len(values) == len(variables)
    if not ok:
        raise _usage(name, f"{kind} has variables, so example.{key} needs one value each")


def approve(definition: dict[str, Any]) -> ApprovedTemplate:
    """Check a creation request as Meta's review would and return the approved template."""
    name = definition.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise _usage(str(name), "name must be lowercase letters, digits and underscores")
    language = definition.get("language")
    if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
        raise _usage(name, f"language {language!r} is not a locale code such as 'id' or 'en_US'")
    category = str(definition.get("category", "")).upper()
    if category not in CATEGORIES:
        raise _usage(name, f"category must be one of {sorted(CATEGORIES)}")
    fmt = str(definition.get("parameter_format", "POSITIONAL")).upper()
    if fmt not in ("POSITIONAL", "NAMED"):
        raise _usage(name, "parameter_format must be POSITIONAL or NAMED")
    components = definition.get("components")
    if not isinstance(components, list):
        raise _usage(name, "components must be a list")
    seen: dict[str, dict[str, Any]] = {}
    for component in components:
        kind = str(component.get("type", "")).upper() if isinstance(component, dict) else ""
        if kind not in ("HEADER", "BODY", "FOOTER", "BUTTONS"):
            raise _usage(name, f"component type {kind or component!r} is not modelled")
        if kind in seen:
            raise _usage(name, f"only one {kind} component is allowed")
        seen[kind] = component
    if "BODY" not in seen:
        raise _usage(name, "a BODY component is required")
    body = _text_part(name, seen["BODY"], "BODY", fmt, MAX_BODY)
    header = None
    if "HEADER" in seen:
        if str(seen["HEADER"].get("format", "")).upper() != "TEXT":
            raise _usage(name, "only TEXT headers are modelled by the sandbox")
        header = _text_part(name, seen["HEADER"], "HEADER", fmt, MAX_HEADER)
        if len(header.variables) > 1 or "\n" in header.text:
            raise _usage(name, "a HEADER has one line and at most one variable")
    footer = None
    if "FOOTER" in seen:
        footer = seen["FOOTER"].get("text")
        if not isinstance(footer, str) or not footer.strip() or len(footer) > MAX_FOOTER:
            raise _usage(name, f"FOOTER needs a text of 1..{MAX_FOOTER} characters")
        if "{{" in footer:
            raise _usage(name, "a FOOTER cannot have variables")
    quick_replies: list[str] = []
    if "BUTTONS" in seen:
        buttons = seen["BUTTONS"].get("buttons")
        if not isinstance(buttons, list) or not buttons:
            raise _usage(name, "BUTTONS needs a non-empty list of buttons")
        for button in buttons:
            kind = str(button.get("type", "")).upper() if isinstance(button, dict) else ""
            if kind != "QUICK_REPLY":
                raise _usage(name, f"button type {kind or button!r} is not modelled")
            text = button.get("text")
            if not isinstance(text, str) or not 1 <= len(text) <= MAX_QUICK_REPLY:
                raise _usage(name, f"quick reply text must have 1..{MAX_QUICK_REPLY} characters")
            quick_replies.append(text)
        if len(quick_replies) > MAX_QUICK_REPLIES:
            raise _usage(name, f"at most {MAX_QUICK_REPLIES} quick reply buttons")
        if len(set(quick_replies)) != len(quick_replies):
            raise _usage(name, "quick reply texts must be unique")
    return ApprovedTemplate(
        new_template_id(),
        name,
        language,
        category,
        fmt,
        body,
        header,
        footer,
        quick_replies,
        definition,
    )


def _param_values(
    tpl: ApprovedTemplate,
    part: TemplateText,
    component: dict[str, Any] | None,
    kind: str,
    warn: Callable[[str], None],
) -> dict[str, str]:
    params = [] if component is None else component.get("parameters", [])
    if not isinstance(params, list):
        raise bad_param(f"Param template['components'][{kind}]['parameters'] must be a list")
    if len(params) != len(part.variables):
        raise GraphError(
            400,
            132000,
            f"{kind}: number of localizable_params ({len(params)}) does not match the "
            f"expected number of params ({len(part.variables)})",
        )
    values: dict[str, str] = {}
    for position, param in enumerate(params):
        if not isinstance(param, dict):
            raise bad_param(f"{kind} parameter {position} must be a JSON object")
        extra = set(param) - {"type", "text", "parameter_name"}
        if extra:
            warn(f"whatsapp: unknown fields {sorted(extra)} in template {kind} parameter")
        ptype = param.get("type")
        if ptype != "text":
            if ptype in ("currency", "date_time"):
                warn(f"whatsapp: template parameter type {ptype!r} is not modelled")
            raise GraphError(
                400, 132012, f"{kind} parameter {position}: expected TEXT, got {ptype!r}"
            )
        text = param.get("text")
        if not isinstance(text, str):
            raise missing(f"{kind} parameter {position}: text")
        if not text.strip():
            raise missing(f"{kind} parameter {position}: text is empty")
        if _BAD_PARAM.search(text):
            raise GraphError(
                400,
                132018,
                "Param text cannot have new-line/tab characters or more than 4 consecutive spaces",
            )
        if tpl.parameter_format == "NAMED":
            pname = param.get("parameter_name")
            if not isinstance(pname, str):
                raise missing(f"{kind} parameter {position}: parameter_name")
            if pname not in part.variables or pname in values:
                raise GraphError(
                    400, 132012, f"{kind}: parameter_name {pname!r} does not fit the template"
                )
            values[pname] = text
        else:
            if "parameter_name" in param:
                warn("whatsapp: parameter_name sent for a POSITIONAL template; Meta ignores it")
            values[part.variables[position]] = text
    return values


def render(tpl: ApprovedTemplate, components: Any, warn: Callable[[str], None]) -> RenderedTemplate:
    """Check a send's components against the approved template and fill the text in."""
    if components is None:
        components = []
    if not isinstance(components, list):
        raise bad_param("Param template['components'] must be a list")
    by_kind: dict[str, dict[str, Any]] = {}
    payloads = list(tpl.quick_replies)  # a quick reply without payload echoes its text
    seen_buttons: set[int] = set()
    for component in components:
        if not isinstance(component, dict):
            raise bad_param("each template component must be a JSON object")
        kind = str(component.get("type", "")).lower()
        if kind in ("header", "body"):
            if kind in by_kind:
                raise bad_param(f"template has two {kind} components")
            by_kind[kind] = component
        elif kind == "button":
            index = _button_index(tpl, component, seen_buttons)
            payloads[index] = _payload(component, index)
        else:
            raise bad_param(f"template component type {component.get('type')!r} is not valid")
    if tpl.header is None and "header" in by_kind:
        raise GraphError(400, 132012, "header: the template has no header parameters")
    body_values = _param_values(tpl, tpl.body, by_kind.get("body"), "body", warn)
    header_text = None
    header_values: dict[str, str] = {}
    if tpl.header is not None:
        header_values = _param_values(tpl, tpl.header, by_kind.get("header"), "header", warn)
        header_text = tpl.header.fill(header_values)
    body = tpl.body.fill(body_values)
    if len(body) > MAX_BODY:
        raise GraphError(400, 132005, f"body is {len(body)} characters once filled in")
    return RenderedTemplate(
        tpl,
        body,
        header_text,
        [body_values[v] for v in tpl.body.variables],
        [header_values[v] for v in tpl.header.variables] if tpl.header else [],
        payloads,
    )


def _button_index(tpl: ApprovedTemplate, component: dict[str, Any], seen: set[int]) -> int:
    sub_type = str(component.get("sub_type", "")).lower()
    if sub_type != "quick_reply":
        raise bad_param(f"button sub_type {component.get('sub_type')!r} is not modelled")
    raw = component.get("index")
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).isdigit():
        raise missing("button component: index")
    index = int(raw)
    if index >= len(tpl.quick_replies):
        raise invalid(f"button at index {index} does not exist in template {tpl.name!r}")
    if index in seen:
        raise bad_param(f"two button components for index {index}")
    seen.add(index)
    return index


def _payload(component: dict[str, Any], index: int) -> str:
    params = component.get("parameters")
    if not isinstance(params, list) or len(params) != 1 or not isinstance(params[0], dict):
        raise missing(f"button {index}: parameters must hold one payload")
    param = params[0]
    if param.get("type") != "payload" or not isinstance(param.get("payload"), str):
        raise missing(f"button {index}: parameter of type 'payload' with a 'payload' string")
    payload: str = param["payload"]
    if not payload:
        raise missing(f"button {index}: payload is empty")
    return payload
