"""Keyboard builders: every button label comes from the catalogue, every callback from the codec."""

from __future__ import annotations

from telegram import (
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from handlers import callbacks
from handlers.i18n import LANGUAGES, t
from handlers.port import Keyboard
from models.messages import Button


def consent(lang: str, token: str | None = None) -> Keyboard:
    agree = callbacks.Consent("y", token or "").encode()
    return (
        (Button(t(lang, "privacy.agree"), agree),),
        (Button(t(lang, "privacy.decline"), callbacks.Consent("n").encode()),),
    )


def share_contact(lang: str) -> ReplyKeyboardMarkup:
    """Telegram's request-contact button: the only way to prove the number is the sender's."""
    button = KeyboardButton(t(lang, "register.contact_button"), request_contact=True)
    return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)


def registration_decision(lang: str, request_id: int) -> Keyboard:
    def button(key: str, code: str) -> Button:
        return Button(t(lang, key), callbacks.RegistrationDecision(request_id, code).encode())

    return (
        (button("admin.approve_kader", "k"), button("admin.approve_opd", "o")),
        (button("admin.reject", "x"),),
    )


def languages(lang: str) -> Keyboard:
    return (
        tuple(
            Button(
                ("✓ " if code == lang else "") + t(code, f"language.{code}"),
                callbacks.LanguageChoice(code).encode(),
            )
            for code in LANGUAGES
        ),
    )


def erase_confirm(lang: str) -> Keyboard:
    return (
        (
            Button(t(lang, "erase.yes"), callbacks.EraseAnswer("y").encode()),
            Button(t(lang, "erase.no"), callbacks.EraseAnswer("n").encode()),
        ),
    )
