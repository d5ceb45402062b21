"""The parameter validator and check_object against bot-api.json."""

from __future__ import annotations

import pytest

from sandbox import ApiError, Schema, check_object
from sandbox.schema import Upload

SCHEMA = Schema.default()
SEND = SCHEMA.methods["sendmessage"]

MESSAGE = {
    "message_id": 1,
    "date": 1700000000,
    "chat": {"id": 7000000001, "type": "private", "first_name": "Sitti"},
    "from": {"id": 123456, "is_bot": True, "first_name": "Bot", "username": "x_bot"},
    "text": "halo",
}


def parse(
    raw: dict[str, object], method: str = "sendMessage", files: dict[str, Upload] | None = None
) -> dict[str, object]:
    spec = SCHEMA.method(method)
    assert spec is not None
    return SCHEMA.parse_params(spec, raw, files or {}).params


def test_method_lookup_is_case_insensitive() -> None:
    assert SCHEMA.method("SENDMESSAGE") is SEND
    assert SCHEMA.method("noSuchMethod") is None


def test_form_strings_are_coerced() -> None:
    params = parse(
        {
            "chat_id": "7000000001",
            "text": "123",
            "disable_notification": "true",
            "reply_markup": '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}',
        }
    )
    assert params["chat_id"] == 7000000001
    assert params["text"] == "123"
    assert params["disable_notification"] is True
    assert params["reply_markup"] == {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}


def test_json_values_are_accepted() -> None:
    params = parse(
        {"chat_id": 5, "text": "x", "entities": [{"type": "bold", "offset": 0, "length": 1}]}
    )
    assert params["entities"] == [{"type": "bold", "offset": 0, "length": 1}]


def test_chat_id_may_be_a_username_string() -> None:
    assert parse({"chat_id": "@channel", "text": "x"})["chat_id"] == "@channel"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"text": "x"}, "Bad Request: chat_id is empty"),
        ({"chat_id": "1"}, "Bad Request: message text is empty"),
        ({"chat_id": "1", "text": ""}, "Bad Request: message text is empty"),
        (
            {"chat_id": "1", "text": "x", "disable_notification": "maybe"},
            'Bad Request: field "disable_notification" must be of type Boolean',
        ),
        (
            {"chat_id": "1", "text": "x", "reply_markup": "{not json"},
            "Bad Request: can't parse reply keyboard markup JSON object",
        ),
        (
            {"chat_id": "1", "text": "x", "reply_markup": '{"inline_keyboard": [{"text": "A"}]}'},
            "Bad Request: can't parse reply keyboard markup: ",
        ),
        (
            {"chat_id": "1", "text": "x", "entities": '[{"type": "bold"}]'},
            "Bad Request: can't parse entities: entities[0].offset: required field missing",
        ),
        (
            {
                "chat_id": "1",
                "text": "x",
                "entities": '[{"type": "shiny", "offset": 0, "length": 1}]',
            },
            "Bad Request: can't parse entities: entities[0].type: 'shiny' is not one of",
        ),
        ({"chat_id": True, "text": "x"}, 'Bad Request: field "chat_id" must be of type'),
    ],
)
def test_invalid_parameters_are_400(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ApiError) as info:
        parse(raw)
    assert info.value.status == 400
    assert info.value.description.startswith(message), info.value.description


def test_wrong_integer_type() -> None:
    with pytest.raises(ApiError, match='field "message_id" must be of type Integer'):
        parse({"chat_id": "1", "message_id": "abc", "text": "x"}, "editMessageText")


def test_unknown_parameters_are_warnings() -> None:
    spec = SCHEMA.method("sendMessage")
    assert spec is not None
    parsed = SCHEMA.parse_params(spec, {"chat_id": "1", "text": "x", "colour": "red"}, {})
    assert "colour" not in parsed.params
    assert parsed.warnings == ["sendMessage: unknown parameter 'colour'"]


def test_unknown_nested_fields_are_warnings() -> None:
    spec = SCHEMA.method("sendMessage")
    assert spec is not None
    markup = '{"inline_keyboard": [[{"text": "A", "callback_data": "a", "colour": 1}]]}'
    parsed = SCHEMA.parse_params(spec, {"chat_id": "1", "text": "x", "reply_markup": markup}, {})
    assert len(parsed.warnings) == 1
    assert "colour" in parsed.warnings[0]


def test_union_reply_markup_picks_the_matching_type() -> None:
    for markup in (
        '{"keyboard": [["Ya", {"text": "Tidak"}]]}',
        '{"remove_keyboard": true}',
        '{"force_reply": true}',
    ):
        parse({"chat_id": "1", "text": "x", "reply_markup": markup})
    params = parse({"chat_id": "1", "text": "x", "reply_markup": '{"keyboard": [["Ya"]]}'})
    assert params["reply_markup"] == {"keyboard": [[{"text": "Ya"}]]}


def test_files_and_attach_references() -> None:
    upload = Upload(b"png", "a.png", "image/png")
    assert parse({"chat_id": "1"}, "sendPhoto", {"photo": upload})["photo"] is upload
    params = parse({"chat_id": "1", "photo": "attach://pic"}, "sendPhoto", {"pic": upload})
    assert params["photo"] is upload
    assert parse({"chat_id": "1", "photo": "AgADfileid"}, "sendPhoto")["photo"] == "AgADfileid"
    with pytest.raises(ApiError, match="there is no photo in the request"):
        parse({"chat_id": "1"}, "sendPhoto")


def test_check_object_accepts_a_valid_message() -> None:
    assert check_object("Message", MESSAGE) == []


def test_check_object_reports_every_kind_of_problem() -> None:
    bad = {**MESSAGE, "colour": "red", "date": "today"}
    del bad["chat"]
    problems = check_object("Message", bad)
    assert "Message.colour: unknown field of Message" in problems
    assert "Message.chat: required field missing" in problems
    assert "Message.date: expected Integer, got String" in problems


def test_check_object_nested_arrays_and_unions() -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}, {"text": 5}]]}
    problems = check_object("InlineKeyboardMarkup", markup)
    assert problems == [
        "InlineKeyboardMarkup.inline_keyboard[0][1].text: expected String, got Integer"
    ]
    update = {
        "update_id": 1,
        "callback_query": {
            "id": "1",
            "from": MESSAGE["from"],
            "chat_instance": "1",
            "data": "x",
            "message": MESSAGE,
        },
    }
    assert check_object("Update", update) == []


def test_check_object_subtype_discriminator() -> None:
    assert check_object("BotCommandScope", {"type": "chat", "chat_id": 1}) == []
    assert check_object("BotCommandScope", {"type": "default"}) == []
    assert check_object("BotCommandScope", {"type": "galaxy"}) != []
    assert (
        check_object("ChatMember", {"status": "kicked", "user": MESSAGE["from"], "until_date": 0})
        == []
    )


def test_check_object_rejects_null_and_bool_as_int() -> None:
    assert check_object("Message", {**MESSAGE, "text": None}) == [
        "Message.text: expected String, got null"
    ]
    assert check_object("Message", {**MESSAGE, "message_id": True}) != []
