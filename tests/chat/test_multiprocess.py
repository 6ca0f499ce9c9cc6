"""Chat across processes, as deployed: two `realtime` processes and one `web` process (real
gunicorn, started with the Procfile's options, on loopback) share the test PostgreSQL and
Redis. A message sent through REST on `web` reaches python-socketio clients connected to each
realtime process, and an event raised on one realtime process reaches clients on the other.

Runs with TEST_TARGET=services (CI), where Redis is there; skipped otherwise."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from app.auth import tokens
from app.extensions import db
from app.models import User
from tests.conftest import SERVICES

ROOT = Path(__file__).resolve().parents[2]
WAIT = 20
pytestmark = [pytest.mark.redis, pytest.mark.timeout(400)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn(port: int, *, realtime: bool) -> list[str]:
    """The Procfile's `web` and `realtime` command lines."""
    base = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    if realtime:
        return [
            *base,
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            "--threads",
            "100",
            "wsgi:app",
        ]
    return [*base, "--workers", "1", "wsgi:app"]  # WEB_CONCURRENCY=1: a small CI machine


@pytest.fixture
def processes(app, redis_url, tmp_path) -> Iterator[dict[str, str]]:
    if not (SERVICES and redis_url):
        pytest.skip("needs PostgreSQL and Redis (TEST_TARGET=services)")
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["TEST_DATABASE_URL"],
        "REDIS_URL": redis_url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "JWT_SECRET_KEY": app.config["JWT_SECRET_KEY"],
        "EXAMHALL_INSTANCE": str(tmp_path),
        "EXAMHALL_DEMO": "0",
        # A channel of this run's own: another run on the same Redis never hears these events.
        "SOCKETIO_CHANNEL": f"examhall-test-{uuid.uuid4().hex[:12]}",
        "LOG_LEVEL": "WARNING",
    }
    urls = {}
    procs = []
    for name, realtime in (("web", False), ("realtime1", True), ("realtime2", True)):
        port = free_port()
        with (tmp_path / f"{name}.log").open("w") as log:  # the child keeps its own handle
            procs.append(
                subprocess.Popen(
                    gunicorn(port, realtime=realtime),
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        urls[name] = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a loaded CI machine boots slowly
        for name, url in urls.items():
            while True:
                try:
                    if requests.get(url + "/health", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass  # still booting
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"{name} did not start:\n" + (tmp_path / f"{name}.log").read_text()
                    )
                time.sleep(0.2)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def connect_to(url: str, token: str) -> tuple[socketio.Client, queue.Queue]:
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    client = socketio.Client(reconnection=False)

    @client.on("*", namespace="/chat")
    def any_event(event: str, data: Any = None) -> None:
        events.put((event, data))

    client.connect(
        url,
        namespaces=["/chat"],
        auth={"token": token},
        transports=["websocket"],
        wait_timeout=WAIT,
    )
    return client, events


def expect(events: queue.Queue, name: str) -> Any:
    while True:
        try:
            event, data = events.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError(f"no {name!r} event arrived") from None
        if event == name:
            return data


def test_rest_message_on_web_reaches_clients_on_both_realtime_processes(
    app, processes, student, connect, group
):
    john, jane, ravi = student("john"), student("jane"), student("ravi")
    connect(john, jane)
    connect(john, ravi)
    physics = group(john, "Physics", [jane, ravi])
    with app.app_context():
        token = {
            u.username: tokens.issue_access(db.session.get(User, u.id)) for u in (john, jane, ravi)
        }

    jane_client, jane_events = connect_to(processes["realtime1"], token["jane"])
    ravi_client, ravi_events = connect_to(processes["realtime2"], token["ravi"])
    try:
        sent = requests.post(
            f"{processes['web']}/api/chat/messages/{physics}",
            json={"message": "Across processes"},
            headers={"Authorization": f"Bearer {token['john']}"},
            timeout=WAIT,
        )
        assert sent.status_code == 200, sent.text
        message_id = sent.json()["message"]["id"]
        for events in (jane_events, ravi_events):
            pushed = expect(events, "message")
            assert (pushed["id"], pushed["message"]) == (message_id, "Across processes")

        # An event raised in a handler on realtime1 reaches the client on realtime2.
        ack = jane_client.call("typing", {"conv_id": physics}, namespace="/chat", timeout=WAIT)
        assert ack == {"success": True}
        assert expect(ravi_events, "typing")["user_id"] == jane.id

        # Presence is shared: the web process sees both connections.
        status = requests.get(
            f"{processes['web']}/api/chat/online_status?ids={jane.id},{ravi.id},{john.id}",
            headers={"Authorization": f"Bearer {token['john']}"},
            timeout=WAIT,
        ).json()["status"]
        assert status == {str(jane.id): True, str(ravi.id): True, str(john.id): False}
    finally:
        jane_client.disconnect()
        ravi_client.disconnect()
    # Disconnections are handled by the realtime processes; wait for them before the tables
    # are emptied.
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        status = requests.get(
            f"{processes['web']}/api/chat/online_status?ids={jane.id},{ravi.id}",
            headers={"Authorization": f"Bearer {token['john']}"},
            timeout=WAIT,
        ).json()["status"]
        if not any(status.values()):
            break
        time.sleep(0.1)
    assert not any(status.values())
