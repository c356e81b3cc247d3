"""bosun.holodeck, the drop-in for holodeck-session-manager, against a real Bosun server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path


import bosun
from bosun.holodeck import (
    SessionConfig,
    SessionManager,
    SessionOutcome,
    TaskOutcome,
    TaskPriority,
)
from bosun.holodeck.plato_integration import PlatoTileEmitter

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SRC = Path(__file__).resolve().parents[1] / "src"


def _run_example(name: str, url: str) -> str:
    env = dict(os.environ, BOSUN_URL=url, PYTHONPATH=str(SRC))
    r = subprocess.run([sys.executable, "-W", "always", str(EXAMPLES / name)], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip().splitlines()[-1], r.stderr  # type: ignore[return-value]


def test_session_config_has_every_documented_field_and_default() -> None:
    c = SessionConfig(session_name="s", agent_id="a")
    assert (c.tags, c.max_tasks, c.task_timeout_seconds, c.session_timeout_seconds) == ([], 50, 300, 3600)
    assert (c.plato_url, c.scout_room, c.emit_tiles) == ("http://localhost:8848", "", True)
    assert (c.h1_router_enabled, c.h1_router_url, c.emergence_threshold_offset) == (False, "http://localhost:8902", -2)
    assert (c.on_task_complete, c.on_session_end, c.on_emergence_alert) == (None, None, None)
    assert [o.value for o in TaskOutcome] == ["success", "failed", "cancelled", "timeout"]
    assert [o.value for o in SessionOutcome] == ["success", "failed", "timeout", "cancelled"]


def test_quickstart_example_runs_unchanged_but_for_its_import(server) -> None:
    session_id, _ = _run_example("holodeck_quickstart.py", server.url)
    c = bosun.Client(server.url)
    s = c.get_session(session_id)
    assert (s.status, s.outcome, s.name, s.agent_id) == ("ended", "success", "my-research-session", "oracle1")
    tasks = {t.task_id: t for t in c.list_tasks(session_id)}
    assert tasks["analyze-h1-data"].status == "success" and tasks["analyze-h1-data"].duration_ms == 2340
    assert tasks["analyze-h1-data"].data == {"query": "what is H¹ emergence?"}
    assert tasks["write-report"].status == "cancelled"  # still running at the end


def test_plato_tiling_example_runs_unchanged_but_for_its_imports(server) -> None:
    c = bosun.Client(server.url)
    # The agents the example routes to, registered beforehand as its fleet would have them.
    c.register_agent("scout", ["research", "plato"])
    c.register_agent("compiler", ["compilation", "constraint-theory"])
    c.register_agent("writer", ["publishing"])
    session_id, stderr = _run_example("holodeck_plato_tiling.py", server.url)
    s = c.get_session(session_id)
    assert (s.status, s.outcome) == ("ended", "success"), s.error  # the example's except branch did not run
    # The server's default room rule (plato_room_names: strict) refuses `/`, as the deployed PLATO
    # servers cannot take it: the drop-in used the flat room and said so, without failing the program.
    assert s.scout_room == "gc.research.scout-reports.holodeck-session"
    assert "scout_room" in stderr and "RuntimeWarning" in stderr
    tasks = {t.task_id: t.status for t in c.list_tasks(session_id)}
    assert tasks == {"analyze-fleet-h1": "success", "compute-cohomology": "failed", "write-findings": "success"}
    edges = c.h1_snapshot()["edges"]
    assert ["scout", "analyze-fleet-h1"] in edges and ["compiler", "compute-cohomology"] in edges


def test_the_api_of_session_and_task(server) -> None:
    manager = SessionManager(SessionConfig(session_name="api", agent_id="oracle1", tags=["t"], max_tasks=5,
                                           task_timeout_seconds=60, session_timeout_seconds=120,
                                           bosun_url=server.url))
    session = manager.start_session()
    assert session.session_id.startswith("sess_") and session.agent_id == "oracle1"
    t = session.add_task("critical-fix", {"issue": "memory leak"}, priority=TaskPriority.HIGH)
    assert t.priority is TaskPriority.HIGH and t.is_active
    session.add_task("compile-code", required_capabilities=["compilation", "llvm"])
    assert [x.task_id for x in session.get_active_tasks()] == ["critical-fix", "compile-code"]
    done = session.complete_task("critical-fix", TaskOutcome.SUCCESS, duration_ms=1234, result={"patterns_found": 5})
    assert done.outcome is TaskOutcome.SUCCESS and done.result == {"patterns_found": 5}
    session.complete_task(task_id="compile-code", outcome=TaskOutcome.FAILED, duration_ms=5000,
                          error="Compilation failed: missing dependency")
    assert session.get_task("compile-code").error == "Compilation failed: missing dependency"
    assert session.get_task("nope") is None
    assert list(session.tasks) == ["critical-fix", "compile-code"]
    assert session.duration_seconds >= 0.0
    session.end_session(SessionOutcome.SUCCESS)
    assert session.outcome is SessionOutcome.SUCCESS
    status = manager.get_h1_status()
    assert status["h1_dimension"] == status["h1"] and "n_agents" in status and "emergence" in status


def test_callbacks_are_fed_from_the_sessions_event_stream(server) -> None:
    completed: list[str] = []
    ended = threading.Event()
    ended_sessions: list[str] = []

    def on_end(s) -> None:
        ended_sessions.append(s.session_id)
        ended.set()

    manager = SessionManager(SessionConfig(session_name="cb", agent_id="oracle1", bosun_url=server.url,
                                           on_task_complete=lambda t: completed.append(t.task_id),
                                           on_session_end=on_end))
    session = manager.start_session()
    session.add_task("a").complete(success=True, duration_ms=1)
    session.add_task("b").complete(success=False, duration_ms=2)
    session.end_session(SessionOutcome.SUCCESS)
    # end_session returns once on_session_end has run: no waiting needed here.
    assert ended.is_set() and ended_sessions == [session.session_id]
    assert completed == ["a", "b"]


def test_emergence_alert_callback_on_a_crossing(server) -> None:
    c = bosun.Client(server.url)
    c.fleet_reset()
    for agent in list(c.list_agents()):
        c.remove_agent(agent.agent_id)
    c.fleet_reset()
    alerts = []
    manager = SessionManager(SessionConfig(session_name="em", agent_id="o", bosun_url=server.url,
                                           on_emergence_alert=alerts.append))
    cap = "em-" + uuid.uuid4().hex[:6]
    agents = ["e1", "e2", "e3", "e4"]
    for agent in agents:
        c.register_agent(agent, [cap])
    # Every agent linked to each of three tasks: K(4,3) has β₁ = 12 − 7 + 1 = 6 > V − 2 = 5, so the
    # graph crosses into emergence on the way there, on exactly one of these routes.
    for task in ("em-a", "em-b", "em-c"):
        for agent in agents:
            manager.route_task_h1(task, [cap], prefer_agents=[agent])
    assert alerts, "β₁ never crossed the threshold"
    assert len(alerts) == 1
    a = alerts[0]
    assert a.h1 > a.threshold and a.agent_id in agents
    c.fleet_reset()


def test_plato_tile_emitter_sends_nothing_and_records_errors_of_live_sessions(server) -> None:
    c = bosun.Client(server.url)
    s = c.create_session("emitter", "o")
    emitter = PlatoTileEmitter("http://localhost:8848", "room", client=c)
    emitter.emit_session_start(s)
    emitter.emit_task_start(s.session_id, "t", None)
    emitter.emit_task_end(s.session_id, "t", "success")
    assert emitter.emit_session_error(s.session_id, "boom") is True
    events = c.poll(s.session_id).events
    assert [e.event_type for e in events] == ["session_started", "error"]
    assert events[-1].payload == {"error": "boom"}
    c.end_session(s.session_id, "failed", error="boom")
    assert emitter.emit_session_error(s.session_id, "late") is False
