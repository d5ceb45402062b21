"""The console's texts, English (plain text: the pages escape them)."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "konsol.name": "Secretariat console",
    "konsol.sign_out": "Sign out",
    "konsol.sign_in_title": "Sign in to the console",
    "konsol.sign_in_text": "This link is for you only and works once. Press Sign in to open the console.",
    "konsol.sign_in": "Sign in",
    "konsol.refused_title": "Cannot sign in",
    "konsol.refused.unknown": "This link is not known. Send /konsol to the bot for a new one.",
    "konsol.refused.used": "This link has been used already. Send /konsol to the bot for a new one.",
    "konsol.refused.expired": "This link has expired (it works for 10 minutes). Send /konsol to the bot for a new one.",
    "konsol.refused.not_admin": "The console is for the secretariat's admins only.",
    "konsol.too_many": "Too many sign-in attempts. Please try again in a minute.",
    "konsol.not_signed_in": "You are not signed in, or the session has ended. Send /konsol to the bot for a sign-in link.",
    "konsol.signed_out_title": "Signed out",
    "konsol.signed_out": "You have signed out of the console.",
    "konsol.home": "Home",
    "konsol.meetings": "Coming meetings",
    "konsol.no_meetings": "No meeting scheduled yet.",
    "konsol.funnel.invited": "Invited {count}",
    "konsol.funnel.delivered": "Delivered {count}",
    "konsol.funnel.answered": "Answered {count}",
    "konsol.funnel.checked_in": "Checked in {count}",
    "konsol.overdue": "Follow-ups past their due date",
    "konsol.overdue_count": "{count} follow-up(s)",
    "konsol.no_overdue": "Nothing is overdue.",
    "konsol.requests": "Registrations waiting for approval",
    "konsol.no_requests": "No request is waiting.",
    "konsol.link": "Sign-in link to the secretariat's console (valid 10 minutes, works once):\n{url}",
    "konsol.not_configured": "The console is not switched on on the server (POKJANAL_PUBLIC_URL is not set). Please ask whoever runs the server.",
}
CLI_TEXTS: dict[str, str] = {}
