#!/usr/bin/env python3
"""
Holodeck session with PLATO checkpoint tiling.
Every session event emits a tile to the scout room.

holodeck-session-manager's "Full Example with PLATO Tiling", with only its import lines changed
(and the session id printed at the end, for the test that runs it).
"""
from bosun.holodeck import (
    SessionManager, SessionConfig, TaskOutcome, SessionOutcome
)
from bosun.holodeck.plato_integration import PlatoTileEmitter

config = SessionConfig(
    session_name="constraint-theory-research",
    agent_id="oracle1",
    tags=["research", "constraint-theory", "h1"],
    # PLATO integration
    plato_url="http://localhost:8848",
    scout_room="gc/research/scout-reports/holodeck-session",
    # H1 routing integration
    h1_router_enabled=True,
    h1_router_url="http://localhost:8902"
)

manager = SessionManager(config)
emitter = PlatoTileEmitter(config.plato_url, config.scout_room)

# Start session — emit SESSION_START tile
session = manager.start_session()
emitter.emit_session_start(session)

try:
    # Route tasks through H1 router
    for task_spec in [
        ("analyze-fleet-h1", ["research", "plato"]),
        ("compute-cohomology", ["compilation", "constraint-theory"]),
        ("write-findings", ["publishing"]),
    ]:
        task_id, caps = task_spec
        
        # H1-aware task routing
        decision = manager.route_task_h1(task_id, caps)
        
        # Emit task start tile
        emitter.emit_task_start(session.session_id, task_id, decision)
        
        # Do the work (simulated)
        import time
        time.sleep(0.1)
        
        # Complete task
        outcome = TaskOutcome.SUCCESS if task_id != "compute-cohomology" else TaskOutcome.FAILED
        session.complete_task(task_id, outcome, duration_ms=234)
        
        emitter.emit_task_end(session.session_id, task_id, outcome.value)
    
    # End session successfully
    session.end_session(SessionOutcome.SUCCESS)
    emitter.emit_session_end(session, SessionOutcome.SUCCESS)
    
except Exception as e:
    session.end_session(SessionOutcome.FAILED, error=str(e))
    emitter.emit_session_error(session.session_id, str(e))

print(session.session_id)
