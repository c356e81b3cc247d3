"""Bosun's Python SDK: a client of the Bosun HTTP API, and ``bosun.holodeck``, a drop-in for
holodeck-session-manager backed by a Bosun server.

Standard library only; Python 3.10 or newer. See clients/python/README.md.
"""

from ._transport import RetryPolicy
from .client import Client, Follower
from .errors import (
    BosunError,
    Conflict,
    ConnectionFailed,
    IdempotencyKeyInProgress,
    IdempotencyKeyReused,
    Internal,
    InvalidArgument,
    LimitReached,
    NoCapableAgent,
    NotFound,
    PayloadTooLarge,
    SessionsDisabled,
    Unauthenticated,
    Unavailable,
)
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

__version__ = "0.1.0"

__all__ = [
    "Agent", "BosunError", "Client", "Conflict", "ConnectionFailed", "Event", "FleetStatus", "Follower",
    "IdempotencyKeyInProgress", "IdempotencyKeyReused", "Internal", "InvalidArgument", "LimitReached", "NoCapableAgent", "NotFound", "Page", "PayloadTooLarge",
    "PollResult", "RetryPolicy", "RoutingDecision", "Session", "SessionsDisabled", "Task", "Tile",
    "Unauthenticated", "Unavailable", "Webhook", "WebhookDelivery", "__version__",
]
