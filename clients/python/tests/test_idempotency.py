"""Idempotency keys and safe retries of bosun.Client: against a scripted fake for the failures a real
server cannot be made to produce on demand, and against a real server behind a proxy that loses the
first answer."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import uuid
from typing import Callable, Iterator

import pytest

import bosun


class _Fake:
    """A loopback HTTP server answering POSTs from a script; it records each request's headers."""

    def __init__(self, script: Callable[[int, http.server.BaseHTTPRequestHandler], None]) -> None:
        self.seen: list[dict[str, str]] = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.seen.append({k.lower(): v for k, v in self.headers.items()})
                script(len(fake.seen) - 1, self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _answer(h: http.server.BaseHTTPRequestHandler, status: int, body: object, **headers: str) -> None:
    data = json.dumps(body).encode()
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(data)))
    for k, v in headers.items():
        h.send_header(k.replace("_", "-"), v)
    h.end_headers()
    h.wfile.write(data)


def _drop(h: http.server.BaseHTTPRequestHandler) -> None:
    h.close_connection = True
    h.connection.shutdown(socket.SHUT_RDWR)


_UNAVAILABLE = {"error": {"code": "UNAVAILABLE", "message": "store unreachable", "details": {}}}


def _client(url: str, slept: list[float], **kwargs: object) -> bosun.Client:
    """A client whose retry waits are recorded instead of slept."""
    c = bosun.Client(url, **kwargs)  # type: ignore[arg-type]
    c._transport._sleep = slept.append
    return c


@pytest.fixture()
def no_sleep() -> list[float]:
    return []


def test_a_post_keeps_one_key_over_its_retries_and_the_next_call_gets_a_new_one(no_sleep: list[float]) -> None:
    def script(n: int, h: http.server.BaseHTTPRequestHandler) -> None:
        if n == 0:
            _answer(h, 503, _UNAVAILABLE, Retry_After="2")
        elif n == 1:
            _drop(h)  # the request went out, the answer never came
        else:
            _answer(h, 202, {"seq": 7})

    fake = _Fake(script)
    try:
        c = _client(fake.url, no_sleep)
        assert c.send("sess_1", "input", {"q": 1}) == 7
        keys = [s["idempotency-key"] for s in fake.seen]
        assert len(keys) == 3 and len(set(keys)) == 1
        uuid.UUID(keys[0])
        assert no_sleep[0] == 2.0, "Retry-After is honoured"
        c.send("sess_1", "input", {"q": 1})
        assert fake.seen[3]["idempotency-key"] != keys[0], "a new logical call, a new key"
    finally:
        fake.close()


def test_a_key_in_progress_is_retried_and_attempts_are_bounded(no_sleep: list[float]) -> None:
    in_progress = {"error": {"code": "IDEMPOTENCY_KEY_IN_PROGRESS", "message": "in use",
                             "details": {"field": "Idempotency-Key", "retry_after_seconds": 1}}}
    fake = _Fake(lambda n, h: _answer(h, 409, in_progress, Retry_After="1") if n == 0 else _answer(h, 202, {"seq": 3}))
    try:
        assert _client(fake.url, no_sleep).emit("sess_1", "echo", {}) == 3
    finally:
        fake.close()

    fake = _Fake(lambda n, h: _answer(h, 503, _UNAVAILABLE))
    try:
        with pytest.raises(bosun.Unavailable):
            _client(fake.url, no_sleep, max_attempts=3).emit("sess_1", "echo", {})
        assert len(fake.seen) == 3
    finally:
        fake.close()


def test_backoff_is_full_jitter_within_the_exponential_bound() -> None:
    p = bosun.RetryPolicy(attempts=5, base=0.1, cap=1.0)
    for attempt, bound in [(0, 0.1), (1, 0.2), (3, 0.8), (6, 1.0)]:
        delays = [p.delay(attempt, None) for _ in range(200)]
        assert all(0 <= d <= bound for d in delays)
    assert p.delay(0, 0.5) == 0.5
    with pytest.raises(ValueError):
        bosun.RetryPolicy(attempts=0)


class _AnswerDroppingProxy:
    """Forwards to the real server; the first ``drops`` connections lose their answer: the request
    is forwarded, the server answers (its effect committed), and the client's connection is closed
    without a byte of it."""

    def __init__(self, target_port: int, drops: int) -> None:
        self.target_port = target_port
        self.drops = drops
        self.dropped = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            drop = self.drops > 0
            self.drops -= 1
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, drop), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, drop: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if drop:
                    self.dropped += 1
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self) -> None:
        self.listener.close()


@pytest.fixture()
def lossy(server) -> Iterator[_AnswerDroppingProxy]:
    p = _AnswerDroppingProxy(server.port, drops=1)
    yield p
    p.close()


def test_a_create_whose_answer_is_lost_makes_exactly_one_session(server, lossy: _AnswerDroppingProxy) -> None:
    name = "py-lost-" + uuid.uuid4().hex[:8]
    s = bosun.Client(lossy.url, retry=bosun.RetryPolicy(attempts=5, base=0.05, cap=0.5)).create_session(name, "a1")
    assert lossy.dropped == 1, "the first answer was lost"
    direct = bosun.Client(server.url)
    mine = [x for x in direct.list_sessions(limit=1000).items if x.name == name]
    assert [x.session_id for x in mine] == [s.session_id]


def test_the_server_replays_a_repeat_and_refuses_a_reused_key(server) -> None:
    import http.client

    def post(key: str, body: dict) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            conn.request("POST", "/v1/sessions", body=json.dumps(body),
                         headers={"Content-Type": "application/json", "Idempotency-Key": key})
            r = conn.getresponse()
            return r.status, json.loads(r.read()), r.getheader("Idempotent-Replayed") or ""
        finally:
            conn.close()

    key = str(uuid.uuid4())
    body = {"name": "py-" + uuid.uuid4().hex[:8], "agent_id": "a1"}
    first = post(key, body)
    again = post(key, body)
    assert first[0] == again[0] == 201
    assert again[1] == first[1] and again[2] == "true" and first[2] == ""
    status, err, _ = post(key, {**body, "name": "other"})
    assert status == 422 and err["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    with pytest.raises(bosun.IdempotencyKeyReused):
        raise bosun.errors.error_for(422, "IDEMPOTENCY_KEY_REUSED", "reused")
