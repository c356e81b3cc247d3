"""HTTP for the client: JSON in and out, the error envelope, idempotency keys and safe retries.

Internal: the public surface is :class:`bosun.Client`.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import socket
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

from .errors import BosunError, ConnectionFailed, error_for

log = logging.getLogger("bosun")

# Statuses a retry can cure: the server was busy, restarting or briefly without its store.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504, 507})
# A 409 with this code: a request with the same Idempotency-Key is still being answered.
KEY_IN_PROGRESS = "IDEMPOTENCY_KEY_IN_PROGRESS"


@dataclass(frozen=True)
class RetryPolicy:
    """How a call is retried: ``attempts`` in all (the first included; 1 turns retrying off),
    backoff doubling from ``base`` up to ``cap`` seconds with full jitter, a server's
    ``Retry-After`` taking precedence (up to ``cap``).

    >>> client = bosun.Client("http://127.0.0.1:7700", retry=bosun.RetryPolicy(attempts=8))
    """

    attempts: int = 5
    base: float = 0.2
    cap: float = 5.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be >= 1, got {self.attempts}")

    def delay(self, attempt: int, retry_after: Optional[float]) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.cap)
        return random.uniform(0, min(self.cap, self.base * (2 ** attempt)))


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Transport:
    """One base URL, an optional API key, a timeout, and the retry policy."""

    def __init__(self, base_url: str, api_key: Optional[str], timeout: float, retry: RetryPolicy,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        parsed = urllib.parse.urlsplit(base_url.rstrip("/"))
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"base_url must be an http:// or https:// URL, got {base_url!r}")
        self.scheme = parsed.scheme
        self.host = parsed.hostname
        self.port = parsed.port or (443 if parsed.scheme == "https" else 80)
        self.prefix = parsed.path
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.retry = retry
        self._sleep = sleep

    def connect(self, timeout: Optional[float] = None) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return cls(self.host, self.port, timeout=self.timeout if timeout is None else timeout)

    def headers(self, extra: Optional[Mapping[str, str]] = None) -> dict[str, str]:
        h = {"Accept": "application/json", "User-Agent": "bosun-python/0.1.0"}
        if self.api_key:
            h["Authorization"] = f"Bearer {self.api_key}"
        if extra:
            h.update(extra)
        return h

    def path(self, path: str, query: Optional[Mapping[str, Any]] = None) -> str:
        full = self.prefix + path
        if query:
            pairs = [(k, _query_value(v)) for k, v in query.items() if v is not None]
            if pairs:
                full += "?" + urllib.parse.urlencode(pairs)
        return full

    def call(self, method: str, path: str, body: Any = None, query: Optional[Mapping[str, Any]] = None,
             retry: bool = True, timeout: Optional[float] = None) -> Response:
        """Sends one logical call, retrying what a retry can cure.

        A POST carries one ``Idempotency-Key`` (a random UUID) for all its attempts, so the server
        applies it once however many times it arrives and answers a repeat with the first answer.
        Every call is therefore retried on a connection failure (refused, reset, timed out, also
        after the request went out), on 429/502/503/504/507, and on a 409
        ``IDEMPOTENCY_KEY_IN_PROGRESS`` (the first attempt is still being answered), waiting the
        server's ``Retry-After`` when it sent one, else a full-jitter exponential backoff, for at
        most ``RetryPolicy.attempts`` attempts."""
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        extra = {"Content-Type": "application/json"} if data is not None else {}
        if method == "POST":
            extra["Idempotency-Key"] = str(uuid.uuid4())
        headers = self.headers(extra)
        target = self.path(path, query)
        attempts = self.retry.attempts if retry else 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self._once(method, target, data, headers, timeout)
            except ConnectionFailed:
                if last:
                    raise
                self._sleep(self.retry.delay(attempt, None))
                continue
            if response.status < 400:
                return response
            error = _error(response)
            if last or not _retryable(response.status, error):
                raise error
            log.debug("bosun: %s %s answered %s; retrying", method, path, response.status)
            self._sleep(self.retry.delay(attempt, error.retry_after))
        raise AssertionError("unreachable")

    def _once(self, method: str, target: str, data: Optional[bytes], headers: Mapping[str, str],
              timeout: Optional[float]) -> Response:
        conn = self.connect(timeout)
        try:
            try:
                conn.connect()
            except OSError as e:
                raise ConnectionFailed(f"{method} {self.base_url}{target} failed: {_describe(e)}", sent=False) from e
            conn.request(method, target, body=data, headers=dict(headers))
            r = conn.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        except (OSError, http.client.HTTPException) as e:
            raise ConnectionFailed(f"{method} {self.base_url}{target} failed: {_describe(e)}") from e
        finally:
            conn.close()


def _error(response: Response) -> BosunError:
    retry_after = _retry_after(response.headers.get("retry-after"))
    try:
        envelope = json.loads(response.body)["error"]
        return error_for(response.status, envelope.get("code"), envelope.get("message", ""),
                         envelope.get("details"), retry_after)
    except (ValueError, KeyError, TypeError, AttributeError):
        text = response.body.decode("utf-8", "replace").strip()[:200]
        return error_for(response.status, None, text or f"HTTP {response.status}", None, retry_after)


def _retryable(status: int, error: BosunError) -> bool:
    return status in RETRYABLE_STATUSES or (status == 409 and error.code == KEY_IN_PROGRESS)


def _retry_after(value: Optional[str]) -> Optional[float]:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _query_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _describe(e: BaseException) -> str:
    if isinstance(e, socket.timeout):
        return "timed out"
    return str(e) or type(e).__name__
