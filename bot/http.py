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
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_TIMEOUT = 5.0  # seconds, as HTTPXRequest
# Multipart uploads (charts, exports) may take longer on a slow line, as HTTPXRequest allows.
MEDIA_WRITE_TIMEOUT = 20.0


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

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._size),
                headers={"User-Agent": self.USER_AGENT},
                # HTTPS_PROXY / NO_PROXY from the environment, as httpx honours them: an office
                # network that reaches Telegram only through a proxy keeps working.
                trust_env=True,
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
        write = write_timeout
        if isinstance(write_timeout, DefaultValue):
            write = MEDIA_WRITE_TIMEOUT if files else self._write
        parts = [read, connect, pool, write]
        # aiohttp has no separate write or pool timeout: they bound the whole request instead.
        total = None if None in parts else sum(float(p) for p in parts)
        timeout = aiohttp.ClientTimeout(total=total, sock_connect=connect, sock_read=read)
        data: Any = None
        if request_data is not None:
            data = request_data.json_parameters
            if files:
                form = aiohttp.FormData()
                for name, value in data.items():
                    form.add_field(name, value)
                for name, (filename, content, mime) in files.items():
                    form.add_field(name, content, filename=filename, content_type=mime)
                data = form
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except (TimeoutError, asyncio.TimeoutError) as err:  # noqa: UP041 - aiohttp raises both
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err
