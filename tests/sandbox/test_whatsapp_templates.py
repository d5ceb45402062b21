"""Templates: Meta's approval rules, its checks on each send, quick replies and billing."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pywa_async import errors as wa_errors
from pywa_async.types import CallbackButton
from pywa_async.types.templates import (
    BodyText,
    HeaderText,
    QuickReplyButton,
    TemplateLanguage,
)

from sandbox import Sandbox, SandboxUsageError
from sandbox.whatsapp import WhatsAppNumber, WhatsAppUser
from tests.sandbox.conftest import REMINDER, Hook, parse_with_pywa

ID = TemplateLanguage.INDONESIAN
# pywa declares `params` in a way mypy reads as an instance method; the calls are right.
Header: Any = HeaderText
Body: Any = BodyText


def reminder_params(*body: str, payload: str | None = "rsvp:42:yes") -> list[Any]:
    params: list[Any] = [Header.params("Melati"), Body.params(*body)]
    if payload is not None:
        params.append(QuickReplyButton.params(callback_data=payload, index=0))
    return params


def variant(**changes: Any) -> dict[str, Any]:
    definition = copy.deepcopy(REMINDER)
    definition.update(changes)
    return definition


def body_only(text: str, example: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "BODY", "text": text}
    if example is not None:
        body["example"] = {"body_text": [example]}
    return {"name": "t", "language": "id", "category": "UTILITY", "components": [body], **extra}


@pytest.mark.parametrize(
    ("definition", "problem"),
    [
        (variant(name="Pengingat"), "lowercase"),
        (variant(language="indonesian"), "locale"),
        (variant(category="TRANSACTIONAL"), "category"),
        (body_only("{{1}} datang ya", ["Sitti"]), "start or end"),
        (body_only("Datang ya {{1}}", ["Sitti"]), "start or end"),
        (body_only("Halo {{1}} dan {{3}}.", ["a", "b"]), "no gaps"),
        (body_only("Halo {{1}}."), "example"),
        (body_only("Halo {{1}} {{2}}.", ["a"]), "example"),
        (body_only("x" * 1025), "limit is 1024"),
        (body_only("Halo {{nama}}.", ["a"]), "POSITIONAL"),
        (body_only("Halo {{ 1 }}.", ["a"]), "POSITIONAL"),
        ({"name": "t", "language": "id", "category": "UTILITY", "components": []}, "BODY"),
        (
            variant(
                components=[*REMINDER["components"][:1], {"type": "HEADER", "format": "IMAGE"}]
            ),
            "only one HEADER",
        ),
        (
            body_only(
                "Halo.",
                components=[{"type": "HEADER", "format": "IMAGE"}, {"type": "BODY", "text": "x"}],
            ),
            "TEXT headers",
        ),
        (
            body_only(
                "Halo.",
                components=[
                    {"type": "BODY", "text": "Halo."},
                    {
                        "type": "BUTTONS",
                        "buttons": [{"type": "URL", "text": "Buka", "url": "https://x.id"}],
                    },
                ],
            ),
            "not modelled",
        ),
        (
            body_only(
                "Halo.",
                components=[
                    {"type": "BODY", "text": "Halo."},
                    {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "x" * 26}]},
                ],
            ),
            "1..25",
        ),
    ],
)
def test_approval_follows_meta_rules(
    wsb: Sandbox, definition: dict[str, Any], problem: str
) -> None:
    with pytest.raises(SandboxUsageError, match=problem):
        wsb.whatsapp_number.approve_template(definition)


async def test_template_reaches_someone_who_never_wrote(
    wsb: Sandbox, wa: Any, biz: WhatsAppNumber
) -> None:
    rina = wsb.create_whatsapp_user("Rina", "+6281234500001")
    sent = await wa.send_template(
        rina.wa_id, "pengingat_posyandu", ID, reminder_params("Rina", "Senin", "08.00")
    )
    assert biz.calls[-1].response["messages"] == [{"id": sent.id, "message_status": "accepted"}]
    msg = await rina.next_message()
    assert msg.type == "template" and msg.template is not None
    assert (msg.template.name, msg.template.language, msg.template.params) == (
        "pengingat_posyandu",
        "id",
        ["Rina", "Senin", "08.00"],
    )
    assert msg.body == "Halo *Rina*, Posyandu buka Senin jam 08.00."
    assert msg.text == "Halo Rina, Posyandu buka Senin jam 08.00."
    assert (msg.header, msg.footer) == ("Posyandu Melati", "Pokjanal")
    assert msg.buttons == [["Hadir", "Tidak bisa"]]
    assert msg.button_ids == ["rsvp:42:yes", "Tidak bisa"]  # no payload: the text comes back
    assert (msg.pricing_category, msg.billable) == ("utility", True)  # outside the window
    assert not rina.window_open

    await rina.send_text("Siap")
    await wa.send_template(
        rina.wa_id, "pengingat_posyandu", ID, reminder_params("Rina", "Selasa", "09.00")
    )
    inside = await rina.next_message()
    assert (inside.pricing_category, inside.billable) == ("utility", False)
    status = biz.envelopes[-1].body["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert status["pricing"]["type"] == "free_customer_service"


@pytest.mark.parametrize(
    ("params", "error", "code"),
    [
        (reminder_params("Sitti", "Senin"), wa_errors.TemplateParamCountMismatch, 132000),
        ([Header.params("Melati")], wa_errors.TemplateParamCountMismatch, 132000),
        (reminder_params("Sitti", "Senin\nSelasa", "08.00"), wa_errors.WhatsAppError, 132018),
        (reminder_params("Sitti", "Senin\t", "08.00"), wa_errors.WhatsAppError, 132018),
        (reminder_params("Sitti", "Senin     pagi", "08.00"), wa_errors.WhatsAppError, 132018),
        (reminder_params("Sitti", "", "08.00"), wa_errors.MissingRequiredParameter, 131008),
        (reminder_params("Sitti", "x" * 1000, "08.00"), wa_errors.TemplateTextTooLong, 132005),
        (
            reminder_params("Sitti", "Senin", "08.00", payload=""),
            wa_errors.MissingRequiredParameter,
            131008,
        ),
    ],
)
async def test_template_send_errors(
    wa: Any, sitti: WhatsAppUser, params: list[Any], error: type[Exception], code: int
) -> None:
    with pytest.raises(error) as info:
        await wa.send_template(sitti.wa_id, "pengingat_posyandu", ID, params)
    assert getattr(info.value, "code", None) == code
    assert sitti.messages == []


async def test_template_names_languages_and_shapes(
    wsb: Sandbox, wa: Any, sitti: WhatsAppUser
) -> None:
    with pytest.raises(wa_errors.TemplateNotExists):
        await wa.send_template(sitti.wa_id, "tidak_ada", ID, [])
    with pytest.raises(wa_errors.TemplateNotExists):
        await wa.send_template(
            sitti.wa_id,
            "pengingat_posyandu",
            TemplateLanguage.ENGLISH,
            reminder_params("a", "b", "c"),
        )
    wsb.whatsapp_number.approve_template(body_only("Terima kasih sudah datang."))
    with pytest.raises(wa_errors.TemplateParamFormatMismatch):
        await wa.send_template(sitti.wa_id, "t", ID, [Header.params("x")])
    with pytest.raises(wa_errors.InvalidParameter):
        await wa.send_template(
            sitti.wa_id, "t", ID, [QuickReplyButton.params(callback_data="x", index=0)]
        )
    await wa.send_template(sitti.wa_id, "t", ID)
    assert [m.text for m in sitti.messages] == ["Terima kasih sudah datang."]


async def test_named_parameters(wsb: Sandbox, wa: Any, sitti: WhatsAppUser) -> None:
    wsb.whatsapp_number.approve_template(
        {
            "name": "jadwal",
            "language": "id",
            "category": "UTILITY",
            "parameter_format": "NAMED",
            "components": [
                {
                    "type": "BODY",
                    "text": "Halo {{nama}}, jadwal Anda {{hari}}.",
                    "example": {
                        "body_text_named_params": [
                            {"param_name": "nama", "example": "Sitti"},
                            {"param_name": "hari", "example": "Senin"},
                        ]
                    },
                }
            ],
        }
    )
    await wa.send_template(sitti.wa_id, "jadwal", ID, [Body.params(hari="Rabu", nama="Sitti")])
    assert (await sitti.next_message()).text == "Halo Sitti, jadwal Anda Rabu."
    with pytest.raises(wa_errors.TemplateParamFormatMismatch):
        await wa.send_template(sitti.wa_id, "jadwal", ID, [Body.params(nama="a", tanggal="b")])
    with pytest.raises(wa_errors.MissingRequiredParameter):
        await wa.send_template(sitti.wa_id, "jadwal", ID, [Body.params("a", "b")])


async def test_quick_reply_comes_back_as_button_message(
    wa: Any, biz: WhatsAppNumber, sitti: WhatsAppUser, hook: Hook
) -> None:
    sent = await wa.send_template(
        sitti.wa_id, "pengingat_posyandu", ID, reminder_params("Sitti", "Senin", "08.00")
    )
    await sitti.next_message()
    tap = await sitti.press("Hadir")
    assert tap["type"] == "button" and tap["button"] == {"payload": "rsvp:42:yes", "text": "Hadir"}
    assert tap["context"] == {"from": biz.display_phone_number, "id": sent.id}
    update = parse_with_pywa(wa, biz.envelopes[-1])
    assert isinstance(update, CallbackButton)
    assert (update.data, update.title, update.is_quick_reply) == ("rsvp:42:yes", "Hadir", True)
    assert update.reply_to_message is not None and update.reply_to_message.id == sent.id
    other = await sitti.press("Tidak bisa")
    assert other["button"] == {"payload": "Tidak bisa", "text": "Tidak bisa"}
    assert hook.values()[-1]["messages"][0]["id"] == other["id"]


async def test_marketing_templates_are_billed_even_inside_the_window(
    wsb: Sandbox, wa: Any, sitti: WhatsAppUser
) -> None:
    wsb.whatsapp_number.approve_template(
        {**body_only("Ada lomba balita sehat!"), "name": "lomba", "category": "MARKETING"}
    )
    await wa.send_template(sitti.wa_id, "lomba", ID)
    msg = await sitti.next_message()
    assert (msg.pricing_category, msg.billable) == ("marketing", True)
