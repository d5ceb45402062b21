"""The templates' parameters: one line each, and a long message in numbered parts, all of it."""

from __future__ import annotations

import re

from models.messages import Button, Rendered
from whatsapp.templates import BODIES, MESSAGE, NAME_MAX, PARAM_MAX, TemplateBook, calls_for


def _params(call: object) -> list[str]:
    body = call.components[0]  # type: ignore[attr-defined]
    return [p["text"] for p in body["parameters"]]


def test_a_long_broadcast_goes_whole_in_numbered_parts_within_metas_limits() -> None:
    lines = [f"Baris {n}: Posyandu Melati Baruga melaporkan SKDN bulan ini." for n in range(80)]
    text = "<b>Siaran</b>\n\n" + "\n".join(lines) + "\n\n\tAkhir     pesan."
    calls = calls_for(TemplateBook(), Rendered(text), language="id", body_name="Pokjanal " * 20)
    assert len(calls) > 1
    texts = [_params(call)[1] for call in calls]
    for n, part in enumerate(texts, 1):
        assert part.endswith(f"({n}/{len(calls)})")
        assert len(part) <= PARAM_MAX and not re.search(r"[\n\t]| {5,}", part)
    assert all(len(_params(call)[0]) <= NAME_MAX for call in calls)
    joined = " ".join(re.sub(r" \(\d+/\d+\)$", "", part) for part in texts)
    for n in range(80):
        assert f"Baris {n}:" in joined  # nothing lost
    assert joined.endswith("Akhir pesan.")
    body = BODIES[MESSAGE]["id"]
    assert len(body) + NAME_MAX + PARAM_MAX <= 1024  # Meta's body limit, parameters in


def test_an_invitation_uses_its_own_template_with_the_buttons_payloads() -> None:
    buttons = (
        (Button("Hadir", "rv:1:7:h"),),
        (Button("Diwakilkan", "rv:1:7:w"), Button("Tidak hadir", "rv:1:7:t")),
    )
    rendered = Rendered("x", buttons, template="invitation", params=("a", "b\nc", "d", "e", "f"))
    (call,) = calls_for(TemplateBook(), rendered, language="en", body_name="Pokjanal")
    assert (call.name, call.language) == ("pokjanal_undangan", "en")
    assert _params(call) == ["a", "b · c", "d", "e", "f"]
    payloads = [c["parameters"][0]["payload"] for c in call.components[1:]]
    assert payloads == ["rv:1:7:h", "rv:1:7:w", "rv:1:7:t"]
    # A language not approved falls back to the first approved one.
    (fallback,) = calls_for(TemplateBook(languages=("id",)), rendered, language="en", body_name="")
    assert fallback.language == "id"
