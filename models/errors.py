"""Domain errors: things a user or an admin can get wrong, each with a stable code.

Presentation layers map the code to a message in the user's language; the domain never
formats user-visible text.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused an operation; ``code`` names the rule."""

    code: str = "domain_error"

    def __init__(self, detail: str = "", *, code: str | None = None) -> None:
        super().__init__(detail or self.code)
        if code is not None:
            self.code = code
        self.detail = detail


class InvalidPhone(DomainError):
    code = "invalid_phone"


class NotFound(DomainError):
    code = "not_found"


class NotAllowed(DomainError):
    code = "not_allowed"
