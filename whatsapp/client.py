"""The Cloud API client: pywa's async ``WhatsApp``, pointed at the configured Graph host.

pywa hard-codes ``https://graph.facebook.com`` into the httpx session it is given; we own that
session, so after pywa has set it up we point it at ``POKJANAL_WHATSAPP_API_URL`` (the sandbox
in tests and the demo, Meta in production). One client per process: it keeps the session's
connections.
"""

from __future__ import annotations

import httpx
from pywa_async import WhatsApp

API_VERSION = "22.0"
# Meta answers in well under a second; a long upload (an export) gets longer.
TIMEOUT = httpx.Timeout(30.0, connect=10.0, write=120.0)


def make_client(*, phone_id: str, token: str, api_url: str) -> WhatsApp:
    session = httpx.AsyncClient(timeout=TIMEOUT)
    client = WhatsApp(
        phone_id=phone_id,
        token=token,
        session=session,
        api_version=float(API_VERSION),
        validate_updates=False,  # our webhook checks signatures and parses envelopes
    )
    session.base_url = httpx.URL(f"{api_url.rstrip('/')}/v{API_VERSION}")
    return client


async def close_client(client: WhatsApp) -> None:
    session = client.api._session  # the AsyncClient we gave it
    await session.aclose()
