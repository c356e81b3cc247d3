"""A drop-in for holodeck-session-manager, backed by a Bosun server.

Change the import lines and nothing else::

    from bosun.holodeck import SessionManager, SessionConfig          # was: from holodeck_session_manager import ...

    config = SessionConfig(session_name="my-research-session", agent_id="oracle1", tags=["research"])
    manager = SessionManager(config)
    session = manager.start_session()
    task1 = session.add_task("analyze-h1-data", {"query": "what is H¹ emergence?"})
    task1.complete(success=True, duration_ms=2340)
    session.end_session(outcome="success")

Sessions, tasks, routing and the fleet's β₁ live in the Bosun server (``BOSUN_URL`` and
``BOSUN_API_KEY``, else ``http://127.0.0.1:7700``), so they are durable, shared by every process of
the fleet, and visible through Bosun's API, CLI and metrics. Where holodeck's behaviour depended on
settings that belong to the server in Bosun (the PLATO server, the H¹ router, the emergence offset),
the server's configuration decides; the fields are accepted so that existing code runs unchanged.
Tiles are emitted by the server itself at every checkpoint (see ``plato_integration``).
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Optional, Sequence, Union

from ..client import Client
from ..errors import BosunError, InvalidArgument, NotFound
from ..models import RoutingDecision, Session as WireSession, Task as WireTask

__all__ = [
    "EmergenceAlert", "RoutingDecision", "Session", "SessionConfig", "SessionManager", "SessionOutcome", "Task",
    "TaskOutcome", "TaskPriority",
]

log = logging.getLogger("bosun.holodeck")


class TaskOutcome(Enum):
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"
    TIMEOUT = "timeout"


class SessionOutcome(Enum):
    SUCCESS = "success"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"


class TaskPriority(Enum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"


@dataclass
class SessionConfig:
    """holodeck's ``SessionConfig``, every documented field with its default, plus where Bosun is.

    ``scout_room`` with ``/`` is tried as given; a server that refuses hierarchical rooms gets the
    same room with ``/`` replaced by ``.``, with a warning (never an error in your program).
    ``plato_url``, ``h1_router_enabled``, ``h1_router_url`` and ``emergence_threshold_offset`` are the
    server's settings in Bosun (docs/CONFIG.md): accepted here, decided there.
    """

    session_name: str
    agent_id: str
    tags: list[str] = field(default_factory=list)
    max_tasks: int = 50
    task_timeout_seconds: int = 300
    session_timeout_seconds: int = 3600
    plato_url: str = "http://localhost:8848"
    scout_room: str = ""
    emit_tiles: bool = True
    h1_router_enabled: bool = False
    h1_router_url: str = "http://localhost:8902"
    emergence_threshold_offset: int = -2
    on_task_complete: Optional[Callable[..., Any]] = None
    on_session_end: Optional[Callable[..., Any]] = None
    on_emergence_alert: Optional[Callable[..., Any]] = None
    # Bosun's own: the server (default BOSUN_URL, then http://127.0.0.1:7700), its key, a worker profile.
    bosun_url: Optional[str] = None
    api_key: Optional[str] = None
    profile: Optional[str] = None


@dataclass(frozen=True)
class EmergenceAlert:
    """β₁ crossed the emergence threshold (``h1 > threshold``) when ``task_id`` went to ``agent_id``."""

    h1: int
    threshold: int
    agent_id: Optional[str] = None
    task_id: Optional[str] = None
    session_id: Optional[str] = None
    vertices: Optional[int] = None
    edges: Optional[int] = None
    headline: str = ""


_ROOM_SEGMENT = re.compile(r"[^A-Za-z0-9._-]+")


def _value(x: Union[Enum, str]) -> str:
    return str(x.value if isinstance(x, Enum) else x).lower()


class Task:
    """A task of a session, as holodeck has it; its state is read from the server."""

    def __init__(self, session: "Session", wire: WireTask) -> None:
        self._session = session
        self._wire = wire

    @property
    def task_id(self) -> str:
        return self._wire.task_id

    @property
    def data(self) -> Any:
        return self._wire.data

    @property
    def priority(self) -> TaskPriority:
        return TaskPriority(self._wire.priority)

    @property
    def required_capabilities(self) -> list[str]:
        return list(self._wire.required_capabilities)

    @property
    def assigned_agent(self) -> Optional[str]:
        return self._wire.assigned_agent

    @property
    def status(self) -> str:
        return self._wire.status

    @property
    def outcome(self) -> Optional[TaskOutcome]:
        return None if self._wire.status == "running" else TaskOutcome(self._wire.status)

    @property
    def duration_ms(self) -> Optional[int]:
        return self._wire.duration_ms

    @property
    def result(self) -> Any:
        return self._wire.result

    @property
    def error(self) -> Optional[str]:
        return self._wire.error

    @property
    def is_active(self) -> bool:
        return self._wire.status == "running"

    def complete(self, success: bool = True, duration_ms: Optional[int] = None, result: Any = None,
                 error: Optional[str] = None, outcome: Union[TaskOutcome, str, None] = None) -> "Task":
        """Completes the task: ``success`` (or an explicit ``outcome``), with its duration."""
        chosen = outcome if outcome is not None else (TaskOutcome.SUCCESS if success else TaskOutcome.FAILED)
        done = self._session.complete_task(self.task_id, chosen, duration_ms=duration_ms, result=result, error=error)
        self._wire = done._wire
        return self

    def __repr__(self) -> str:
        return f"Task(task_id={self.task_id!r}, status={self.status!r})"


class Session:
    """A live Bosun session behind holodeck's ``Session`` API."""

    def __init__(self, manager: "SessionManager", wire: WireSession) -> None:
        self._manager = manager
        self._client = manager.client
        self._wire = wire
        self._watcher: Optional[_Watcher] = None
        self._warned_implicit = False

    @property
    def session_id(self) -> str:
        return self._wire.session_id

    @property
    def agent_id(self) -> str:
        return self._wire.agent_id

    @property
    def session_name(self) -> str:
        return self._wire.name

    @property
    def tags(self) -> list[str]:
        return list(self._wire.tags)

    @property
    def status(self) -> str:
        return self._wire.status

    @property
    def outcome(self) -> Optional[SessionOutcome]:
        return SessionOutcome(self._wire.outcome) if self._wire.outcome else None

    @property
    def scout_room(self) -> Optional[str]:
        return self._wire.scout_room

    @property
    def duration_seconds(self) -> float:
        """Seconds since the start, or the whole duration once ended (as the server measures it)."""
        self.refresh()
        return float(self._wire.duration_seconds or 0.0)

    @property
    def tasks(self) -> dict[str, Task]:
        """Every task of the session by id, in the order they were added."""
        return {t.task_id: Task(self, t) for t in self._client.list_tasks(self.session_id)}

    def refresh(self) -> "Session":
        self._wire = self._client.get_session(self.session_id)
        return self

    def add_task(self, task_id: str, data: Any = None, priority: Union[TaskPriority, str] = TaskPriority.NORMAL,
                 required_capabilities: Optional[Sequence[str]] = None) -> Task:
        """Adds a running task; with routing on in the server, it is routed to an agent as it is added."""
        wire = self._client.add_task(self.session_id, task_id, task_id=task_id, data=data if data is not None else {},
                                     priority=_value(priority), required_capabilities=required_capabilities)
        return Task(self, wire)

    def complete_task(self, task_id: str, outcome: Union[TaskOutcome, str], duration_ms: Optional[int] = None,
                      result: Any = None, error: Optional[str] = None) -> Task:
        """Completes a task with ``outcome``. A task that was only routed (``route_task_h1``) and never
        added is added first, so that its completion is recorded as holodeck would record it."""
        try:
            wire = self._client.complete_task(self.session_id, task_id, _value(outcome), duration_ms=duration_ms,
                                              result=result, error=error)
        except NotFound:
            if not self._warned_implicit:
                log.info("bosun.holodeck: task %r was completed without being added to session %s; "
                         "adding it so that its outcome is recorded", task_id, self.session_id)
                self._warned_implicit = True
            self._client.add_task(self.session_id, task_id, task_id=task_id, data={})
            wire = self._client.complete_task(self.session_id, task_id, _value(outcome), duration_ms=duration_ms,
                                              result=result, error=error)
        return Task(self, wire)

    def get_task(self, task_id: str) -> Optional[Task]:
        """The task, or None when the session has no such task."""
        try:
            return Task(self, self._client.get_task(self.session_id, task_id))
        except NotFound:
            return None

    def get_active_tasks(self) -> list[Task]:
        return [Task(self, t) for t in self._client.list_tasks(self.session_id, active=True)]

    def end_session(self, outcome: Union[SessionOutcome, str] = SessionOutcome.SUCCESS,
                    error: Optional[str] = None) -> "Session":
        """Ends the session; its running tasks are cancelled. When callbacks are set, returns after
        ``on_session_end`` has run (or after 10 s, if the event stream is slow)."""
        self._wire = self._client.end_session(self.session_id, _value(outcome), error=error)
        if self._watcher is not None:
            self._watcher.join(10.0)
        return self

    def __repr__(self) -> str:
        return f"Session(session_id={self.session_id!r}, agent_id={self.agent_id!r}, status={self.status!r})"


class _Watcher(threading.Thread):
    """Feeds a session's callbacks from its event stream (task_completed, session_ended,
    emergence_alert), on its own thread, resuming across server restarts."""

    def __init__(self, session: Session, config: SessionConfig) -> None:
        super().__init__(name=f"bosun-holodeck-{session.session_id}", daemon=True)
        self._session = session
        self._config = config
        self._follower = session._client.follow(session.session_id, after=0)

    def run(self) -> None:
        try:
            for event in self._follower:
                self._dispatch(event.event_type, event.payload if isinstance(event.payload, dict) else {})
        except BosunError as e:
            log.warning("bosun.holodeck: stopped watching session %s: %s", self._session.session_id, e)

    def stop(self) -> None:
        self._follower.close()

    def _dispatch(self, event_type: str, payload: dict[str, Any]) -> None:
        c = self._config
        if event_type == "task_completed" and c.on_task_complete is not None:
            task = self._session.get_task(str(payload.get("task_id")))
            if task is not None:
                _call(c.on_task_complete, task)
        elif event_type == "session_ended" and c.on_session_end is not None:
            _call(c.on_session_end, self._session.refresh())
        elif event_type == "emergence_alert" and c.on_emergence_alert is not None:
            _call(c.on_emergence_alert, _alert_from(payload, self._session.session_id))


def _call(callback: Callable[..., Any], arg: Any) -> None:
    try:
        callback(arg)
    except Exception:  # a user's callback must not stop the stream that feeds the others
        log.exception("bosun.holodeck: a callback raised")


def _alert_from(payload: dict[str, Any], session_id: Optional[str]) -> EmergenceAlert:
    return EmergenceAlert(h1=int(payload.get("h1", 0)), threshold=int(payload.get("threshold", 0)),
                          agent_id=payload.get("agent_id"), task_id=payload.get("task_id"),
                          session_id=payload.get("session_id", session_id), vertices=payload.get("vertices"),
                          edges=payload.get("edges"), headline=str(payload.get("headline", "")))


class SessionManager:
    """holodeck's ``SessionManager``: starts sessions and routes tasks, through a Bosun server."""

    def __init__(self, config: SessionConfig, client: Optional[Client] = None) -> None:
        self.config = config
        self.client = client or Client(config.bosun_url, config.api_key)
        self.sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def start_session(self) -> Session:
        """Creates and starts a session from the config (its timeouts, task cap, room and tags)."""
        c = self.config
        ttl = int(c.session_timeout_seconds)
        room = c.scout_room or None
        fields: dict[str, Any] = dict(
            tags=list(c.tags), ttl_seconds=ttl, idle_timeout_seconds=min(ttl, 86400), max_tasks=c.max_tasks,
            task_timeout_seconds=c.task_timeout_seconds, emit_tiles=c.emit_tiles, profile=c.profile)
        try:
            wire = self.client.create_session(c.session_name, c.agent_id, scout_room=room, **fields)
        except InvalidArgument as e:
            if room is None or e.field != "scout_room":
                raise
            flat = ".".join(s for s in (_ROOM_SEGMENT.sub("-", part) for part in room.split("/")) if s)
            warnings.warn(f"bosun.holodeck: the server refused scout_room {room!r} ({e.message}); "
                          f"using {flat!r} instead", RuntimeWarning, stacklevel=2)
            log.warning("bosun.holodeck: scout_room %r refused by the server; using %r", room, flat)
            wire = self.client.create_session(c.session_name, c.agent_id, scout_room=flat, **fields)
        session = Session(self, wire)
        if c.on_task_complete or c.on_session_end or c.on_emergence_alert:
            session._watcher = _Watcher(session, c)
            session._watcher.start()
        with self._lock:
            self.sessions[session.session_id] = session
        return session

    def route_task_h1(self, task_id: str, required_capabilities: Sequence[str],
                      prefer_agents: Optional[Sequence[str]] = None) -> RoutingDecision:
        """Routes a task to the agent whose link raises the fleet's β₁ least, and links it.

        The decision has ``agent_id``, ``h1_before``, ``h1_after``, ``emergence_risk``, ``confidence``
        and ``reasoning``. When the link carries β₁ over the threshold, ``on_emergence_alert`` is called.
        """
        decision = self.client.route(task_id, required_capabilities, prefer_agents=prefer_agents)
        if decision.emergence_risk > 0 and self.config.on_emergence_alert is not None:
            status = self.client.fleet_status()
            if decision.h1_before <= status.threshold < decision.h1_after:  # a crossing, as the server counts one
                _call(self.config.on_emergence_alert, EmergenceAlert(
                    h1=decision.h1_after, threshold=status.threshold, agent_id=decision.agent_id, task_id=task_id,
                    vertices=status.vertices, edges=status.edges,
                    headline=f"[EMERGENCE ALERT] β₁={decision.h1_after} > threshold={status.threshold}"))
        return decision

    def get_h1_status(self) -> dict[str, Any]:
        """The fleet's H¹ status: Bosun's fields (``h1``, ``threshold``, ``emergence``, ...) and the
        fleet-h1-router's names for them (``h1_dimension``, ``n_agents``, ``emergence_detected``, ...)."""
        s = self.client.fleet_status()
        out = dict(s.raw)
        out.update(h1_dimension=s.h1, n_agents=s.agents, n_tasks=s.tasks, n_edges=s.edges, n_vertices=s.vertices,
                   n_components=s.components, emergence_detected=s.emergence)
        return out

    def get_session(self, session_id: str) -> Session:
        with self._lock:
            known = self.sessions.get(session_id)
        return known.refresh() if known is not None else Session(self, self.client.get_session(session_id))

    def close(self) -> None:
        """Stops the callbacks' event streams (sessions stay as they are in the server)."""
        with self._lock:
            sessions = list(self.sessions.values())
        for s in sessions:
            if s._watcher is not None:
                s._watcher.stop()
