"""Error types shared by the sandbox modules.

`ApiError` is what the Bot API answers with; `SandboxBug` marks a broken promise of the
sandbox itself (an object it emits does not match the schema) so tests can tell the two apart.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answer of the Bot API, shaped exactly like Telegram's JSON body."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    return ApiError(403, f"Forbidden: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


class SandboxBug(AssertionError):
    """The sandbox was about to emit an object Telegram would never send."""


class SandboxUsageError(RuntimeError):
    """A test or the demo asked the user-playing API for something impossible."""
