"""bosun.Client against a real Bosun server."""

from __future__ import annotations

import threading
import uuid

import pytest

import bosun


def _name() -> str:
    return "py-" + uuid.uuid4().hex[:8]


def test_health_reports_the_version(client: bosun.Client) -> None:
    h = client.health()
    assert h["status"] == "ok"
    assert h["version"]
    assert client.ready()


def test_session_lifecycle_with_every_create_field(client: bosun.Client) -> None:
    s = client.create_session(_name(), "oracle1", tags=["research", "h1"], metadata={"team": "a", "n": 1},
                              idle_timeout_seconds=120, ttl_seconds=600, max_tasks=7, task_timeout_seconds=30,
                              scout_room="research.sessions", emit_tiles=False)
    assert s.status == "running"
    assert s.tags == ["research", "h1"]
    assert s.metadata == {"team": "a", "n": 1}
    assert (s.idle_timeout_seconds, s.ttl_seconds, s.max_tasks, s.task_timeout_seconds) == (120, 600, 7, 30)
    assert s.scout_room == "research.sessions"
    assert s.emit_tiles is False

    got = client.get_session(s.session_id)
    assert got.session_id == s.session_id and got.name == s.name
    assert s.session_id in [x.session_id for x in client.iter_sessions(agent_id="oracle1", tag="h1")]

    ended = client.end_session(s.session_id, "success")
    assert (ended.status, ended.outcome, ended.reason) == ("ended", "success", "completed")
    # Terminate is idempotent on an ended session; a write to it is a conflict.
    assert client.terminate(s.session_id).status == "ended"
    with pytest.raises(bosun.Conflict) as e:
        client.emit(s.session_id, "note", {})
    assert e.value.code == "CONFLICT" and e.value.status == 409


def test_unknown_fields_of_the_server_are_kept_not_dropped(client: bosun.Client) -> None:
    s = client.create_session(_name(), "a1")
    assert s.raw["session_id"] == s.session_id
    wire_fields = set(s.raw)
    model_fields = {f for f in s.__dataclass_fields__ if f not in ("extra", "raw")}
    # Whatever the server sends is either a field of the model or kept in extra.
    assert wire_fields <= model_fields | set(s.extra)
    client.terminate(s.session_id)


def test_errors_carry_the_servers_code_and_field(client: bosun.Client) -> None:
    with pytest.raises(bosun.NotFound) as nf:
        client.get_session("sess_" + "0" * 26)
    assert nf.value.code == "NOT_FOUND"
    with pytest.raises(bosun.InvalidArgument) as bad:
        client.create_session(_name(), "a1", idle_timeout_seconds=5)
    assert bad.value.field == "idle_timeout_seconds"
    assert "idle_timeout_seconds" in bad.value.message


def test_send_and_long_poll_the_workers_answer(client: bosun.Client) -> None:
    s = client.create_session(_name(), "a1", profile="echo")
    seq = client.send(s.session_id, "input", {"question": 42, "big": 12345678901234567890})
    answers = []
    after = seq
    while not answers:
        r = client.poll(s.session_id, after=after, wait=20)
        after = r.next_cursor
        answers = [e for e in r.events if e.direction == "out"]
    assert answers[0].payload is not None
    assert r.status in ("running", "creating")
    client.terminate(s.session_id, reason="done")


def test_follow_yields_every_event_once_in_order_and_stops_at_the_end(client: bosun.Client) -> None:
    s = client.create_session(_name(), "a1")
    for i in range(5):
        client.emit(s.session_id, "step", {"i": i})
    seen = []
    follower = client.follow(s.session_id)
    for event in follower:
        seen.append(event)
        if event.event_type == "step" and event.payload == {"i": 4}:
            client.end_session(s.session_id, "success")
    seqs = [e.seq for e in seen]
    assert seqs == list(range(1, len(seqs) + 1))
    assert seen[0].event_type == "session_started" and seen[-1].event_type == "session_ended"


def test_tasks_add_list_get_complete(client: bosun.Client) -> None:
    s = client.create_session(_name(), "a1")
    t = client.add_task(s.session_id, "analyze", task_id="t1", data={"q": 1}, priority="high",
                        required_capabilities=[])
    assert (t.task_id, t.status, t.priority, t.data) == ("t1", "running", "high", {"q": 1})
    assert [x.task_id for x in client.list_tasks(s.session_id, active=True)] == ["t1"]
    done = client.complete_task(s.session_id, "t1", "success", duration_ms=12, result={"ok": True})
    assert (done.status, done.duration_ms, done.result) == ("success", 12, {"ok": True})
    assert client.list_tasks(s.session_id, active=True) == []
    assert client.get_task(s.session_id, "t1").status == "success"
    with pytest.raises(bosun.Conflict):
        client.complete_task(s.session_id, "t1", "failed")
    client.end_session(s.session_id, "success")


def test_agents_routing_and_fleet(client: bosun.Client) -> None:
    a, b = "py-agent-" + uuid.uuid4().hex[:6], "py-agent-" + uuid.uuid4().hex[:6]
    client.register_agent(a, ["py-cap-x"])
    client.register_agent(b, ["py-cap-y"])
    assert {a, b} <= {x.agent_id for x in client.list_agents()}
    d = client.route("py-task-" + uuid.uuid4().hex[:6], ["py-cap-y"])
    assert d.agent_id == b and d.capability_match_score == 1.0
    with pytest.raises(bosun.NoCapableAgent):
        client.route("py-task-" + uuid.uuid4().hex[:6], ["nobody-has-this"], fallback="error")
    status = client.fleet_status()
    assert status.agents >= 2 and status.h1 >= 0
    assert "edges" in client.h1_snapshot()
    client.remove_agent(a)
    with pytest.raises(bosun.NotFound):
        client.get_agent(a)


def test_tiles_are_listed_for_a_session(client: bosun.Client) -> None:
    s = client.create_session(_name(), "a1")
    client.end_session(s.session_id, "success")
    kinds: list[str] = []
    for _ in range(200):  # tiles are made a moment after their event is committed
        kinds = [t.kind for t in client.session_tiles(s.session_id)]
        if "session_end" in kinds:
            break
        client.poll(s.session_id, after=0, wait=0.05)
    assert kinds[0] == "session_start" and kinds[-1] == "session_end"


def test_webhook_to_a_private_target_is_refused_naming_the_field(client: bosun.Client) -> None:
    with pytest.raises(bosun.InvalidArgument) as e:
        client.create_webhook("http://127.0.0.1:9/hook", ["session_ended"])
    assert e.value.field == "url"


def test_follow_outlives_a_server_restart(restartable) -> None:
    c = bosun.Client(restartable.url)
    s = c.create_session(_name(), "a1")
    c.emit(s.session_id, "before", {})
    seen: list[bosun.Event] = []
    reconnects: list[int] = []
    got_before = threading.Event()

    def follow() -> None:
        for e in c.follow(s.session_id, on_reconnect=lambda n, err: reconnects.append(n), max_backoff=0.5):
            seen.append(e)
            if e.event_type == "before":
                got_before.set()

    t = threading.Thread(target=follow, daemon=True)
    t.start()
    assert got_before.wait(60)
    restartable.stop()
    restartable.start()
    c.emit(s.session_id, "after", {})
    c.end_session(s.session_id, "success")
    t.join(120)
    assert not t.is_alive(), "the follower did not see the end"
    assert reconnects, "the follower was not told it was reconnecting"
    assert [e.seq for e in seen] == list(range(1, len(seen) + 1))
    assert [e.event_type for e in seen] == ["session_started", "before", "after", "session_ended"]


def test_list_filters_order_and_stats(client: bosun.Client) -> None:
    tag = "filters-" + uuid.uuid4().hex[:8]
    before = client.stats()
    first = client.create_session(name=tag + "-build", agent_id="oracle1")
    second = client.create_session(name=tag + "-test", agent_id="oracle1")
    client.end_session(second.session_id, "failed", error="red")
    newest = [s.session_id for s in client.list_sessions(name=tag).items]
    oldest = [s.session_id for s in client.list_sessions(name=tag, order="oldest").items]
    assert newest == [second.session_id, first.session_id]
    assert oldest == [first.session_id, second.session_id]
    assert [s.session_id for s in client.list_sessions(name=tag, outcome="failed").items] == [second.session_id]
    after = client.stats()
    assert after["today"]["started"] - before["today"]["started"] == 2
    assert after["sessions"]["ended"] - before["sessions"]["ended"] == 1
    with pytest.raises(bosun.BosunError) as e:
        client.list_sessions(order="sideways")
    assert e.value.field == "order"
