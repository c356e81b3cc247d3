"""The Bosun client: every operation of the HTTP API (docs/API.md), in Python.

Example::

    import bosun

    client = bosun.Client()                      # BOSUN_URL / BOSUN_API_KEY, else http://127.0.0.1:7700
    s = client.create_session("research", "oracle1", tags=["h1"], profile="echo")
    seq = client.send(s.session_id, "input", {"question": 42})
    reply = client.poll(s.session_id, after=seq, wait=10)   # long-poll for the worker's answer
    for event in client.follow(s.session_id):               # every event, resuming across restarts
        print(event.seq, event.event_type, event.payload)
        if event.event_type == "output":
            client.end_session(s.session_id, "success")
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import logging
import os
import threading
import time
from typing import Any, Callable, Iterator, Optional, Sequence

from ._transport import Response, RetryPolicy, Transport, _error
from .errors import BosunError, ConnectionFailed, NotFound
from .models import (
    Agent,
    Event,
    FleetStatus,
    Page,
    PollResult,
    RoutingDecision,
    Session,
    Task,
    Tile,
    Webhook,
    WebhookDelivery,
)

log = logging.getLogger("bosun")

DEFAULT_URL = "http://127.0.0.1:7700"


def _opt(**fields: Any) -> dict[str, Any]:
    """A request body of the fields that were given (None means absent, as the API reads it)."""
    return {k: v for k, v in fields.items() if v is not None}


class Follower:
    """An iterator over a session's events as they are committed, over Server-Sent Events.

    It resumes after the last event it yielded (``Last-Event-ID``) whenever the connection drops or
    the server restarts, waiting between tries with capped exponential backoff and without a limit
    on tries by default, and stops after the ``session_ended`` event or on :meth:`close`.
    ``on_reconnect(attempt, error)`` is told before each wait, so a caller can say it is reconnecting.
    """

    def __init__(self, client: "Client", session_id: str, after: int, max_retries: Optional[int],
                 max_backoff: float, on_reconnect: Optional[Callable[[int, BaseException], None]],
                 read_timeout: float) -> None:
        self._client = client
        self._session_id = session_id
        self.last_seq = after
        self._max_retries = max_retries
        self._max_backoff = max_backoff
        self._on_reconnect = on_reconnect
        self._read_timeout = read_timeout
        self._closed = threading.Event()
        self._conn: Optional[http.client.HTTPConnection] = None
        self._done = False
        self._backoff_hint: Optional[float] = None
        self._gen = self._run()

    def __iter__(self) -> "Follower":
        return self

    def __next__(self) -> Event:
        return next(self._gen)

    def close(self) -> None:
        """Stops following; a blocked ``next()`` ends with StopIteration."""
        self._closed.set()
        conn = self._conn
        if conn is not None:
            try:
                conn.sock and conn.sock.shutdown(2)  # type: ignore[union-attr]
            except OSError:
                pass

    def __enter__(self) -> "Follower":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _run(self) -> Iterator[Event]:
        failures = 0
        while not self._closed.is_set() and not self._done:
            try:
                for event in self._stream():
                    failures = 0
                    yield event
                    if event.event_type == "session_ended":
                        self._done = True
                        return
                if self._closed.is_set():
                    return
                # The server closed the stream without session_ended (a restart, a drain): resume.
                raise ConnectionFailed("the server closed the event stream")
            except NotFound:
                raise
            except (BosunError, OSError, http.client.HTTPException) as e:
                if self._closed.is_set():
                    return
                if isinstance(e, BosunError) and not isinstance(e, ConnectionFailed) and (e.status or 0) < 500 \
                        and e.status != 429:
                    raise
                failures += 1
                if self._max_retries is not None and failures > self._max_retries:
                    raise
                if self._on_reconnect is not None:
                    self._on_reconnect(failures, e)
                else:
                    log.warning("bosun: event stream of %s interrupted (%s); reconnecting after seq %d",
                                self._session_id, e, self.last_seq)
                delay = min(self._max_backoff, 0.25 * (2 ** min(failures - 1, 10)))
                if self._backoff_hint is not None:
                    delay = min(self._max_backoff, max(delay, self._backoff_hint))
                if self._closed.wait(delay):
                    return

    def _stream(self) -> Iterator[Event]:
        t = self._client._transport
        conn = t.connect(self._read_timeout)
        self._conn = conn
        try:
            headers = t.headers({"Accept": "text/event-stream", "Last-Event-ID": str(self.last_seq)})
            path = t.path(f"/v1/sessions/{self._session_id}/events/stream")
            try:
                conn.request("GET", path, headers=headers)
                r = conn.getresponse()
            except (OSError, http.client.HTTPException) as e:
                raise ConnectionFailed(f"GET {path} failed: {e}") from e
            if r.status >= 400:
                raise _error(Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()))
            data: list[str] = []
            while not self._closed.is_set():
                raw = r.readline()
                if not raw:
                    return
                line = raw.decode("utf-8").rstrip("\r\n")
                if line == "":
                    if data:
                        event = Event.from_wire(json.loads("\n".join(data)))
                        if event.seq > self.last_seq:  # never repeat one already yielded
                            self.last_seq = event.seq
                            yield event
                    data = []
                elif line.startswith(":"):
                    continue
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip(" ") if line.startswith("data: ") else line[5:])
                elif line.startswith("retry:"):
                    try:
                        self._backoff_hint = int(line[6:].strip()) / 1000.0
                    except ValueError:
                        pass
        finally:
            self._conn = None
            conn.close()


class Client:
    """A client of one Bosun server.

    ``base_url`` and ``api_key`` default to the environment variables ``BOSUN_URL`` and
    ``BOSUN_API_KEY`` (else ``http://127.0.0.1:7700`` and no key). Errors are raised as
    :class:`bosun.BosunError` subclasses carrying the server's code.

    Every POST carries an ``Idempotency-Key`` (a random UUID per call, the same on its retries), so
    the server applies it once. Calls are retried on connection errors (also when the answer was
    lost), 429, 502/503/504/507 and a key still in progress, with exponential backoff and full
    jitter, honouring ``Retry-After``, for at most ``max_attempts`` attempts (default 5)::

        client = bosun.Client("http://127.0.0.1:7700", max_attempts=8)
        s = client.create_session("research", "oracle1")   # one session, however many attempts
    """

    def __init__(self, base_url: Optional[str] = None, api_key: Optional[str] = None, timeout: float = 30.0,
                 retry: Optional[RetryPolicy] = None, max_attempts: Optional[int] = None) -> None:
        url = base_url or os.environ.get("BOSUN_URL") or DEFAULT_URL
        key = api_key if api_key is not None else os.environ.get("BOSUN_API_KEY") or None
        policy = retry or RetryPolicy()
        if max_attempts is not None:
            policy = dataclasses.replace(policy, attempts=max_attempts)
        self._transport = Transport(url, key, timeout, policy)

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    def _json(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        return self._transport.call(method, path, body, query or None).json()

    # ---- sessions -------------------------------------------------------------------------------

    def create_session(self, name: str, agent_id: str, *, tags: Optional[Sequence[str]] = None,
                       metadata: Optional[dict[str, Any]] = None, profile: Optional[str] = None,
                       idle_timeout_seconds: Optional[int] = None, ttl_seconds: Optional[int] = None,
                       max_tasks: Optional[int] = None, task_timeout_seconds: Optional[int] = None,
                       scout_room: Optional[str] = None, emit_tiles: Optional[bool] = None,
                       sandbox: Optional[dict[str, Any]] = None) -> Session:
        """Creates a session (``POST /v1/sessions``); ``sandbox`` asks for settings within its profile."""
        body = _opt(name=name, agent_id=agent_id, tags=list(tags) if tags is not None else None,
                    metadata=metadata, profile=profile, idle_timeout_seconds=idle_timeout_seconds,
                    ttl_seconds=ttl_seconds, max_tasks=max_tasks, task_timeout_seconds=task_timeout_seconds,
                    scout_room=scout_room, emit_tiles=emit_tiles, sandbox=sandbox)
        return Session.from_wire(self._json("POST", "/v1/sessions", body))

    def list_sessions(self, *, status: Optional[str] = None, agent_id: Optional[str] = None,
                      tag: Optional[str] = None, profile: Optional[str] = None, outcome: Optional[str] = None,
                      name: Optional[str] = None, order: Optional[str] = None, limit: Optional[int] = None,
                      after: Optional[str] = None) -> Page[Session]:
        """One page of this tenant's sessions, newest first (``order="oldest"`` for oldest first).

        ``name`` matches any part of the name, case-sensitively and as plain text::

            failed = client.list_sessions(outcome="failed", name="nightly")
        """
        d = self._json("GET", "/v1/sessions", status=status, agent_id=agent_id, tag=tag, profile=profile,
                       outcome=outcome, name=name, order=order, limit=limit, after=after)
        return Page([Session.from_wire(s) for s in d["items"]], d.get("next_cursor"), d.get("has_more", False))

    def iter_sessions(self, **filters: Any) -> Iterator[Session]:
        """Every session matching the filters, page after page."""
        after = filters.pop("after", None)
        while True:
            page = self.list_sessions(after=after, **filters)
            yield from page.items
            if not page.has_more or page.next_cursor is None:
                return
            after = page.next_cursor

    def get_session(self, session_id: str) -> Session:
        return Session.from_wire(self._json("GET", f"/v1/sessions/{session_id}"))

    def end_session(self, session_id: str, outcome: str, error: Optional[str] = None) -> Session:
        """Ends a live session with ``outcome`` (``success``, ``failed``, ``timeout``, ``cancelled``)."""
        return Session.from_wire(self._json("POST", f"/v1/sessions/{session_id}/end", _opt(outcome=outcome, error=error)))

    def terminate(self, session_id: str, reason: Optional[str] = None) -> Session:
        """Terminates a session (idempotent): its worker is stopped and it ends ``cancelled``."""
        return Session.from_wire(self._json("POST", f"/v1/sessions/{session_id}/terminate", _opt(reason=reason)))

    def heartbeat(self, session_id: str) -> Session:
        return Session.from_wire(self._json("POST", f"/v1/sessions/{session_id}/heartbeat"))

    def logs(self, session_id: str, stream: str = "stdout", max_bytes: Optional[int] = None) -> str:
        """The tail of the worker's stdout or stderr."""
        r = self._transport.call("GET", f"/v1/sessions/{session_id}/logs", None,
                                 _opt(stream=stream, max_bytes=max_bytes))
        return r.body.decode("utf-8", "replace")

    # ---- events ---------------------------------------------------------------------------------

    def send(self, session_id: str, event_type: str, payload: Any) -> int:
        """Sends an event to the session's worker; returns its seq."""
        return int(self._json("POST", f"/v1/sessions/{session_id}/events",
                              {"event_type": event_type, "payload": payload})["seq"])

    def emit(self, session_id: str, event_type: str, payload: Any) -> int:
        """Records an event from an agent outside Bosun (direction ``out``); returns its seq."""
        return int(self._json("POST", f"/v1/sessions/{session_id}/emit",
                              {"event_type": event_type, "payload": payload})["seq"])

    def poll(self, session_id: str, after: int = 0, limit: Optional[int] = None,
             wait: Optional[float] = None) -> PollResult:
        """Events after ``after``; with ``wait`` seconds, a long-poll that returns as soon as one is
        committed (or the session ends)."""
        timeout = self._transport.timeout + (wait or 0)
        r = self._transport.call("GET", f"/v1/sessions/{session_id}/events", None,
                                 _opt(after=after, limit=limit, wait=wait), timeout=timeout)
        return PollResult.from_wire(r.json())

    def follow(self, session_id: str, after: int = 0, *, max_retries: Optional[int] = None,
               max_backoff: float = 5.0, on_reconnect: Optional[Callable[[int, BaseException], None]] = None,
               read_timeout: float = 60.0) -> Follower:
        """Follows the session's events over SSE from ``after``: see :class:`Follower`."""
        return Follower(self, session_id, after, max_retries, max_backoff, on_reconnect, read_timeout)

    # ---- tasks ----------------------------------------------------------------------------------

    def add_task(self, session_id: str, name: str, *, task_id: Optional[str] = None, data: Any = None,
                 priority: Optional[str] = None,
                 required_capabilities: Optional[Sequence[str]] = None) -> Task:
        body = _opt(task_id=task_id, name=name, data=data, priority=priority,
                    required_capabilities=list(required_capabilities) if required_capabilities is not None else None)
        return Task.from_wire(self._json("POST", f"/v1/sessions/{session_id}/tasks", body))

    def list_tasks(self, session_id: str, active: Optional[bool] = None) -> list[Task]:
        d = self._json("GET", f"/v1/sessions/{session_id}/tasks", active=active)
        return [Task.from_wire(t) for t in d["items"]]

    def get_task(self, session_id: str, task_id: str) -> Task:
        return Task.from_wire(self._json("GET", f"/v1/sessions/{session_id}/tasks/{task_id}"))

    def complete_task(self, session_id: str, task_id: str, outcome: str, *, duration_ms: Optional[int] = None,
                      result: Any = None, error: Optional[str] = None) -> Task:
        body = _opt(outcome=outcome, duration_ms=duration_ms, result=result, error=error)
        return Task.from_wire(self._json("POST", f"/v1/sessions/{session_id}/tasks/{task_id}/complete", body))

    # ---- fleet ----------------------------------------------------------------------------------

    def register_agent(self, agent_id: str, capabilities: Sequence[str]) -> Agent:
        return Agent.from_wire(self._json("POST", "/v1/agents",
                                          {"agent_id": agent_id, "capabilities": list(capabilities)}))

    def list_agents(self) -> list[Agent]:
        return [Agent.from_wire(a) for a in self._json("GET", "/v1/agents")["items"]]

    def get_agent(self, agent_id: str) -> Agent:
        return Agent.from_wire(self._json("GET", f"/v1/agents/{agent_id}"))

    def remove_agent(self, agent_id: str) -> None:
        self._transport.call("DELETE", f"/v1/agents/{agent_id}")

    def route(self, task_id: str, required_capabilities: Sequence[str], *,
              prefer_agents: Optional[Sequence[str]] = None, fallback: Optional[str] = None) -> RoutingDecision:
        """Routes a task to the agent whose link raises β₁ least (``POST /v1/route``)."""
        body = _opt(task_id=task_id, required_capabilities=list(required_capabilities),
                    prefer_agents=list(prefer_agents) if prefer_agents is not None else None, fallback=fallback)
        return RoutingDecision.from_wire(self._json("POST", "/v1/route", body))

    def stats(self) -> dict[str, Any]:
        """Exact counts of this tenant's sessions (``GET /v1/stats``): ``sessions`` by status,
        ``events``, and ``today``'s starts and ends by outcome and reason; and its unfinished
        ``tiles`` and ``webhooks`` deliveries (``pending``, ``rejected``, ``dead``), with each
        webhook's counts and receiver ``health`` in ``webhooks["targets"]``::

            print(client.stats()["sessions"]["running"], "running")
        """
        return self._json("GET", "/v1/stats")

    def fleet_status(self) -> FleetStatus:
        return FleetStatus.from_wire(self._json("GET", "/v1/fleet/status"))

    def fleet_reset(self) -> FleetStatus:
        return FleetStatus.from_wire(self._json("POST", "/v1/fleet/reset"))

    def h1_snapshot(self) -> dict[str, Any]:
        """The whole graph in one answer: status, agents and edges (the fleet-h1-router's shape)."""
        return dict(self._json("GET", "/v1/fleet/h1-snapshot"))

    # ---- tiles and webhooks -----------------------------------------------------------------------

    def session_tiles(self, session_id: str, after: Optional[str] = None, limit: Optional[int] = None) -> Page[Tile]:
        d = self._json("GET", f"/v1/sessions/{session_id}/tiles", after=after, limit=limit)
        return Page([Tile.from_wire(t) for t in d["items"]], d.get("next_cursor"), d.get("has_more", False))

    def list_tiles(self, state: Optional[str] = None, after: Optional[str] = None,
                   limit: Optional[int] = None) -> Page[Tile]:
        d = self._json("GET", "/v1/tiles", state=state, after=after, limit=limit)
        return Page([Tile.from_wire(t) for t in d["items"]], d.get("next_cursor"), d.get("has_more", False))

    def get_tile(self, tile_id: str) -> Tile:
        return Tile.from_wire(self._json("GET", f"/v1/tiles/{tile_id}"))

    def retry_tile(self, tile_id: str) -> Tile:
        return Tile.from_wire(self._json("POST", f"/v1/tiles/{tile_id}/retry"))

    def create_webhook(self, url: str, events: Sequence[str], secret: Optional[str] = None) -> Webhook:
        """Subscribes ``url``; the answer is the only one that shows the ``secret``."""
        return Webhook.from_wire(self._json("POST", "/v1/webhooks", _opt(url=url, events=list(events), secret=secret)))

    def list_webhooks(self) -> list[Webhook]:
        return [Webhook.from_wire(w) for w in self._json("GET", "/v1/webhooks")["items"]]

    def get_webhook(self, webhook_id: str) -> Webhook:
        return Webhook.from_wire(self._json("GET", f"/v1/webhooks/{webhook_id}"))

    def delete_webhook(self, webhook_id: str) -> None:
        self._transport.call("DELETE", f"/v1/webhooks/{webhook_id}")

    def webhook_deliveries(self, webhook_id: str, state: Optional[str] = None, after: Optional[str] = None,
                           limit: Optional[int] = None) -> Page[WebhookDelivery]:
        d = self._json("GET", f"/v1/webhooks/{webhook_id}/deliveries", state=state, after=after, limit=limit)
        return Page([WebhookDelivery.from_wire(x) for x in d["items"]], d.get("next_cursor"), d.get("has_more", False))

    def retry_webhook_delivery(self, webhook_id: str, delivery_id: str) -> WebhookDelivery:
        return WebhookDelivery.from_wire(
            self._json("POST", f"/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"))

    # ---- the server ---------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return dict(self._json("GET", "/healthz"))

    def ready(self) -> bool:
        """Whether the server is ready (``/readyz`` answers 200)."""
        try:
            self._transport.call("GET", "/readyz", retry=False)
            return True
        except BosunError:
            return False

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Blocks until the server is ready, or raises ConnectionFailed after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not self.ready():
            if time.monotonic() > deadline:
                raise ConnectionFailed(f"{self.base_url} was not ready within {timeout} s")
            time.sleep(0.1)
