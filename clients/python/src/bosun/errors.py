"""Errors raised by the Bosun client, one class per stable error code of the HTTP API.

Every error the server answers carries a ``code`` (``NOT_FOUND``, ``CONFLICT``, ...), a human
``message`` and ``details`` (``details["field"]`` names the offending field of a bad request)::

    try:
        client.get_session("sess_missing")
    except bosun.NotFound as e:
        print(e.code, e.message)          # NOT_FOUND no session sess_missing
"""

from __future__ import annotations

from typing import Any, Mapping, Optional


class BosunError(Exception):
    """An error answered by the Bosun server (or met on the way to it)."""

    def __init__(
        self,
        code: str,
        message: str,
        status: Optional[int] = None,
        details: Optional[Mapping[str, Any]] = None,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.details: dict[str, Any] = dict(details or {})
        self.retry_after = retry_after

    @property
    def field(self) -> Optional[str]:
        """The request field the server named, for ``INVALID_ARGUMENT`` and the like."""
        value = self.details.get("field")
        return value if isinstance(value, str) else None


class InvalidArgument(BosunError):
    """400: malformed JSON, an unknown field, a wrong type or a value out of range."""


class Unauthenticated(BosunError):
    """401: a missing or unknown API key."""


class SessionsDisabled(BosunError):
    """403: the server runs with ``sessions_enabled=false``."""


class NotFound(BosunError):
    """404: no such session, task, agent, tile, webhook or delivery for this tenant."""


class Conflict(BosunError):
    """409: the write does not fit the current state (an ended session, a completed task, ...)."""


class NoCapableAgent(Conflict):
    """409: routing found no agent with every required capability and ``fallback`` is not ``any``."""


class IdempotencyKeyReused(BosunError):
    """422: the ``Idempotency-Key`` was already used on this route with a different body.

    The client makes a new key for every logical call, so this means two different calls were
    given the same key by hand."""


class IdempotencyKeyInProgress(Conflict):
    """409: a request with the same ``Idempotency-Key`` is still being answered; retried by the
    client after ``retry_after``."""


class PayloadTooLarge(BosunError):
    """413: a payload over ``max_message_bytes`` or a body over ``max_request_bytes``."""


class LimitReached(BosunError):
    """429: a cap or rate limit; ``retry_after`` says when to try again, where the server said."""


class Unavailable(BosunError):
    """503 (or 507): the store or a runtime is unavailable, or the disk is full."""


class Internal(BosunError):
    """500: a bug in the server."""


class ConnectionFailed(BosunError):
    """The server could not be reached, or the connection broke before an answer arrived.

    ``sent`` is False when the request never left (the connection was refused): nothing happened on
    the server. When True, the server may have acted on it."""

    def __init__(self, message: str, sent: bool = True) -> None:
        super().__init__("CONNECTION_FAILED", message)
        self.sent = sent


_BY_CODE: dict[str, type[BosunError]] = {
    "INVALID_ARGUMENT": InvalidArgument,
    "UNAUTHENTICATED": Unauthenticated,
    "SESSIONS_DISABLED": SessionsDisabled,
    "NOT_FOUND": NotFound,
    "CONFLICT": Conflict,
    "NO_CAPABLE_AGENT": NoCapableAgent,
    "IDEMPOTENCY_KEY_REUSED": IdempotencyKeyReused,
    "IDEMPOTENCY_KEY_IN_PROGRESS": IdempotencyKeyInProgress,
    "PAYLOAD_TOO_LARGE": PayloadTooLarge,
    "LIMIT_REACHED": LimitReached,
    "UNAVAILABLE": Unavailable,
    "INTERNAL": Internal,
}

_BY_STATUS: dict[int, type[BosunError]] = {
    400: InvalidArgument,
    401: Unauthenticated,
    403: SessionsDisabled,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    415: InvalidArgument,
    422: InvalidArgument,
    429: LimitReached,
    503: Unavailable,
    507: Unavailable,
}


def error_for(
    status: int,
    code: Optional[str],
    message: str,
    details: Optional[Mapping[str, Any]] = None,
    retry_after: Optional[float] = None,
) -> BosunError:
    """The exception for an error answer: by its code, else by its HTTP status."""
    cls = _BY_CODE.get(code or "") or _BY_STATUS.get(status) or (Internal if status >= 500 else BosunError)
    return cls(code or f"HTTP_{status}", message, status, details, retry_after)
