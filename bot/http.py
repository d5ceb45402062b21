"""python-telegram-bot's requests over aiohttp instead of httpx.

python-telegram-bot lets the HTTP client be swapped (``BaseRequest``). Under the bot's load
(bench/updates.py) httpx spent about half of the process's CPU on sending replies, much of it
in httpcore scanning its pooled connections on every request; measured alone, a request with
16 in flight cost 1.8 ms of CPU through httpx and 0.2 ms through aiohttp, which the project
already uses for its webhook endpoint and the sandbox. Same wire format, same errors
(``TimedOut``, ``NetworkError``), same default timeouts as ``HTTPXRequest``.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from typing import Any

import aiohttp
import certifi
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

DEFAULT_TIMEOUT = 5.0  # seconds, as HTTPXRequest
# aiohttp has no write timeout: an upload (a chart, an export, evidence passed on) is bounded
# as a whole instead, generously: 20 MB at 100 KB/s takes 200 s on a slow line.
UPLOAD_TOTAL_SECONDS = 300.0
_UNSAFE_IN_FILENAME = re.compile(r'[\x00-\x1f\x7f"\\]')


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        *,
        connection_pool_size: int = 8,
        read_timeout: float | None = DEFAULT_TIMEOUT,
        connect_timeout: float | None = DEFAULT_TIMEOUT,
        write_timeout: float | None = DEFAULT_TIMEOUT,
        pool_timeout: float | None = 10.0,
    ) -> None:
        self._size = connection_pool_size
        self._read = read_timeout
        self._connect = connect_timeout
        self._write = write_timeout
        self._pool = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, tuple[URL | None, aiohttp.BasicAuth | None]] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                # Mozilla's certificates (certifi), as httpx uses: a host without a system CA
                # store (a bare container) still reaches Telegram.
                connector=aiohttp.TCPConnector(
                    limit=self._size, ssl=ssl.create_default_context(cafile=certifi.where())
                ),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read = self._read if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool if isinstance(pool_timeout, DefaultValue) else pool_timeout
        # As httpx: a transfer that keeps moving never times out (a 20 MB evidence photo on a
        # slow line), a stalled read or connect does. Waiting for a free connection counts in
        # ``connect``. Only an upload has an overall bound, aiohttp having no write timeout.
        timeout = aiohttp.ClientTimeout(
            total=UPLOAD_TOTAL_SECONDS if files else None,
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=read,
        )
        data: Any = None
        if request_data is not None:
            data = request_data.json_parameters
            if files:
                # quote_fields=False: Telegram shows a percent-encoded file name literally
                # ("Laporan%20kegiatan.pdf"); the raw UTF-8 name is what httpx sent.
                form = aiohttp.FormData(quote_fields=False)
                for name, value in data.items():
                    form.add_field(name, value)
                for name, (filename, content, mime) in files.items():
                    safe = _UNSAFE_IN_FILENAME.sub("_", filename)
                    form.add_field(name, content, filename=safe, content_type=mime)
                data = form
        proxy, proxy_auth = self._proxy_for(url)
        try:
            async with self._session.request(
                method, url, data=data, timeout=timeout, proxy=proxy, proxy_auth=proxy_auth
            ) as response:
                return response.status, await response.read()
        except (TimeoutError, asyncio.TimeoutError) as err:  # noqa: UP041 - aiohttp raises both
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err

    def _proxy_for(self, url: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
        """HTTPS_PROXY / NO_PROXY from the environment, as httpx honours them, looked up once per
        host (aiohttp's own ``trust_env`` does it on every request, in a thread, and cost more
        CPU than the request)."""
        parsed = URL(url)
        key = f"{parsed.scheme}://{parsed.host}"
        if key not in self._proxies:
            try:
                self._proxies[key] = get_env_proxy_for_url(parsed)
            except LookupError:
                self._proxies[key] = (None, None)
        return self._proxies[key]
