"""holodeck's ``PlatoTileEmitter``, for code that calls it: with Bosun it sends nothing itself.

Bosun's server makes a tile of every checkpoint of a session's log (start, each task's start and
end, errors, emergence alerts, the end with its patterns and H¹ delta) and delivers it to its PLATO
server durably, in order, at least once (docs/TILES.md). Emitting them again from the client would
send each tile twice, so these methods are no-ops, with one exception: ``emit_session_error`` on a
session that is still live records an ``error`` event in its log, which the server turns into a
``[SESSION_ERROR]`` tile, as holodeck's emitter would have sent one. The emitter's ``plato_url`` and
``scout_room`` are ignored: the server's ``plato_url`` and the session's ``scout_room`` decide.

Example (holodeck's, unchanged but for the import)::

    from bosun.holodeck.plato_integration import PlatoTileEmitter
    emitter = PlatoTileEmitter(config.plato_url, config.scout_room)
    emitter.emit_session_start(session)     # the server already made this tile
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from ..client import Client
from ..errors import Conflict, NotFound

__all__ = ["PlatoTileEmitter"]

log = logging.getLogger("bosun.holodeck")


class PlatoTileEmitter:
    """Accepts holodeck's emitter calls; the Bosun server emits the tiles (see the module doc)."""

    def __init__(self, plato_url: str = "", scout_room: str = "", client: Optional[Client] = None) -> None:
        self.plato_url = plato_url
        self.scout_room = scout_room
        self._client = client

    def _bosun(self) -> Client:
        if self._client is None:
            self._client = Client()
        return self._client

    def emit_session_start(self, session: Any) -> None:
        """No-op: the server made the ``[SESSION_START]`` tile when the session started."""

    def emit_task_start(self, session_id: str, task_id: str, decision: Any = None) -> None:
        """No-op: the server makes ``[TASK_START]`` tiles (with the routing decision) as tasks are added."""

    def emit_task_end(self, session_id: str, task_id: str, outcome: Any = None) -> None:
        """No-op: the server makes ``[TASK_END]`` tiles as tasks complete."""

    def emit_session_end(self, session: Any, outcome: Any = None) -> None:
        """No-op: the server makes the ``[SESSION_END]`` tile (outcome, H¹ delta, patterns) at the end."""

    def emit_emergence_alert(self, *args: Any, **kwargs: Any) -> None:
        """No-op: the server makes ``[EMERGENCE ALERT]`` tiles as the fleet crosses its threshold."""

    def emit_session_error(self, session_id: str, error: str) -> bool:
        """Records ``error`` in the session's log (a ``[SESSION_ERROR]`` tile) while the session is live;
        returns whether it did. On an ended session it does nothing: the end already carries the error."""
        try:
            self._bosun().emit(session_id, "error", {"error": str(error)})
            return True
        except (Conflict, NotFound):
            log.debug("bosun.holodeck: session %s has ended; its error is in its end", session_id)
            return False
