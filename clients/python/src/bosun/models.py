"""The objects of Bosun's HTTP API as typed, read-only values.

Each model holds the fields docs/API.md documents; a field the server sends that this version of
the SDK does not know yet is kept in ``extra`` rather than dropped, and ``raw`` is the object as
received.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Generic, Iterator, Mapping, Optional, TypeVar

T = TypeVar("T")
M = TypeVar("M", bound="Model")


@dataclass(frozen=True)
class Model:
    """Base of every API object: the known fields, the unknown ones in ``extra``, and ``raw``."""

    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False, kw_only=True)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False, kw_only=True)

    @classmethod
    def from_wire(cls: type[M], data: Mapping[str, Any]) -> M:
        names = {f.name for f in dataclasses.fields(cls)} - {"extra", "raw"}
        known = {k: v for k, v in data.items() if k in names}
        extra = {k: v for k, v in data.items() if k not in names}
        missing = [f.name for f in dataclasses.fields(cls)
                   if f.name in names and f.name not in known
                   and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        for name in missing:  # a field an older server does not send yet
            known[name] = None
        return cls(**known, extra=extra, raw=dict(data))


@dataclass(frozen=True)
class Session(Model):
    session_id: str
    name: str
    agent_id: str
    status: str
    tags: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    profile: Optional[str] = None
    outcome: Optional[str] = None
    reason: Optional[str] = None
    error: Optional[str] = None
    exit_code: Optional[int] = None
    created_at: Optional[str] = None
    started_at: Optional[str] = None
    ended_at: Optional[str] = None
    last_activity_at: Optional[str] = None
    expires_at: Optional[str] = None
    idle_timeout_seconds: Optional[int] = None
    ttl_seconds: Optional[int] = None
    max_tasks: Optional[int] = None
    task_timeout_seconds: Optional[int] = None
    workspace: Optional[str] = None
    duration_seconds: Optional[float] = None
    last_seq: int = 0
    tasks: dict[str, int] = field(default_factory=dict)
    scout_room: Optional[str] = None
    emit_tiles: Optional[bool] = None
    patterns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Task(Model):
    task_id: str
    session_id: str
    name: str
    status: str
    data: Any = None
    priority: str = "normal"
    required_capabilities: list[str] = field(default_factory=list)
    assigned_agent: Optional[str] = None
    created_at: Optional[str] = None
    started_at: Optional[str] = None
    ended_at: Optional[str] = None
    deadline_at: Optional[str] = None
    duration_ms: Optional[int] = None
    result: Any = None
    error: Optional[str] = None


@dataclass(frozen=True)
class Event(Model):
    seq: int
    direction: str
    event_type: str
    payload: Any = None
    created_at: Optional[str] = None


@dataclass(frozen=True)
class PollResult(Model):
    """A page of a session's log: ``next_cursor`` is the ``after`` of the next poll."""

    events: list[Event]
    next_cursor: int
    has_more: bool
    status: str

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> "PollResult":
        copy = dict(data)
        copy["events"] = [Event.from_wire(e) for e in data.get("events", [])]
        result = super().from_wire(copy)
        return dataclasses.replace(result, raw=dict(data))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing; pass ``next_cursor`` as ``after`` for the next one."""

    items: list[T]
    next_cursor: Optional[str]
    has_more: bool

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class Agent(Model):
    agent_id: str
    capabilities: list[str] = field(default_factory=list)
    load: int = 0
    registered_at: Optional[str] = None
    updated_at: Optional[str] = None
    last_seen_at: Optional[str] = None


@dataclass(frozen=True)
class RoutingDecision(Model):
    agent_id: str
    task_id: str
    h1_before: int
    h1_after: int
    confidence: float = 0.0
    emergence_risk: float = 0.0
    capability_match_score: float = 0.0
    reasoning: str = ""


@dataclass(frozen=True)
class FleetStatus(Model):
    agents: int
    tasks: int
    edges: int
    vertices: int
    h1: int
    components: int
    threshold: int
    margin: int
    emergence: bool
    laman_margin: Optional[int] = None
    laman_satisfied: Optional[bool] = None
    description: str = ""


@dataclass(frozen=True)
class Tile(Model):
    tile_id: str
    session_id: str
    seq: int
    kind: str
    state: str
    attempts: int = 0
    last_status: Optional[int] = None
    last_error: Optional[str] = None
    plato_id: Optional[str] = None
    next_attempt_at: Optional[str] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None
    delivered_at: Optional[str] = None
    tile: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Webhook(Model):
    webhook_id: str
    url: str
    events: list[str] = field(default_factory=list)
    created_at: Optional[str] = None
    secret: Optional[str] = None


@dataclass(frozen=True)
class WebhookDelivery(Model):
    delivery_id: str
    webhook_id: str
    session_id: str
    seq: int
    event_type: str
    state: str
    attempts: int = 0
    last_status: Optional[int] = None
    last_error: Optional[str] = None
    next_attempt_at: Optional[str] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None
    delivered_at: Optional[str] = None
    body: dict[str, Any] = field(default_factory=dict)
