"""Chat fan-out: one group of N students, all connected live, messages sent through REST.

    .venv/bin/python bench/chat_fanout.py [--clients 200] [--messages 60] [--rate 5]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench] [--redis-url redis://127.0.0.1:6379/7]

Seeds N students in one group (straight into the database), starts Examhall's `realtime`
process as the Procfile does (gunicorn, one gthread worker, async_mode="threading"), and with
--redis-url a separate `web` process as well (REST there, the emit crosses Redis). N real
python-socketio clients connect over WebSocket with access tokens. Messages are then POSTed to
/api/chat/messages/<group> at `--rate` per second (each from a different member, so the
1-per-2-seconds limit never refuses one); every client records when each message arrives.
Delivery latency is measured from the moment the POST was sent.

In the same run, the same N clients against a bare python-socketio server under the same
gunicorn settings (bench/bare_socketio.py), messages sent as a Socket.IO event and broadcast to a
room: the floor that authentication, the database and HTTP are added to.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from auth import free_port, reset_postgres, wait_for

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = ROOT / ".venv" / "bin"


def realtime(app: str, port: int, env: dict[str, str], threads: int, cwd: Path) -> subprocess.Popen:
    """The Procfile's `realtime` command line, with the thread count as a parameter."""
    cmd = [
        str(VENV_BIN / "gunicorn"),
        "--workers",
        "1",
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app,
    ]
    return subprocess.Popen(cmd, env=env, cwd=cwd)


def web(port: int, env: dict[str, str], workers: int) -> subprocess.Popen:
    cmd = [
        str(VENV_BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "wsgi:app",
    ]
    return subprocess.Popen(cmd, env=env, cwd=ROOT)


def seed(env: dict[str, str], clients: int) -> tuple[int, list[str]]:
    """One group of `clients` students; returns (group id, access tokens)."""
    os.environ.update(env)
    from app import create_app  # noqa: PLC0415 - the app is imported once the env is set
    from app.auth.tokens import issue_access  # noqa: PLC0415
    from app.extensions import db  # noqa: PLC0415
    from app.models import Conversation, ConversationMember, User, UserRole  # noqa: PLC0415

    app = create_app()
    with app.app_context():
        users = []
        for i in range(clients):
            user = User(
                username=f"bench{i}", email=f"bench{i}@bench.example", full_name=f"Student {i}"
            )
            user.role_rows = [UserRole(role="student")]
            users.append(user)
        db.session.add_all(users)
        db.session.flush()
        group = Conversation(kind="group", name="Fan-out", created_by_id=users[0].id)
        group.members = [ConversationMember(user_id=u.id) for u in users]
        db.session.add(group)
        db.session.commit()
        return group.id, [issue_access(u) for u in users]


class Receivers:
    """N connected clients; arrival times of every `message` by its sequence number."""

    def __init__(self) -> None:
        self.clients: list[socketio.Client] = []
        self.arrivals: list[dict[int, float]] = []
        self.lock = threading.Lock()

    def connect(self, url: str, auths: list[dict | None]) -> None:
        for auth in auths:
            client = socketio.Client(reconnection=False)
            seen: dict[int, float] = {}

            def on_message(data, seen=seen):
                seen[int(str(data["message"]).split("#")[1])] = time.perf_counter()

            client.on("message", on_message, namespace="/chat")
            client.connect(
                url, namespaces=["/chat"], auth=auth, transports=["websocket"], wait_timeout=30
            )
            self.clients.append(client)
            self.arrivals.append(seen)

    def disconnect(self) -> None:
        for client in self.clients:
            client.disconnect()

    def wait(self, count: int, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if all(len(seen) >= count for seen in self.arrivals):
                return
            time.sleep(0.05)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(
    label: str,
    receivers: Receivers,
    send: Callable[[int], None],
    messages: int,
    rate: float,
) -> dict[str, float]:
    sent_at: dict[int, float] = {}
    start = time.perf_counter()
    for k in range(messages):
        due = start + k / rate
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        sent_at[k] = time.perf_counter()
        send(k)
    receivers.wait(messages, timeout=60)
    latencies = [
        (seen[k] - sent_at[k]) * 1000 for seen in receivers.arrivals for k in seen if k in sent_at
    ]
    expected = messages * len(receivers.arrivals)
    last = max((t for seen in receivers.arrivals for t in seen.values()), default=start)
    elapsed = last - start
    result = {
        "deliveries": len(latencies),
        "expected": expected,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "mean": statistics.fmean(latencies),
        "msg_per_s": messages / elapsed,
        "deliveries_per_s": len(latencies) / elapsed,
    }
    print(
        f"{label:<34} delivered {result['deliveries']}/{expected}  "
        f"p50 {result['p50']:.1f} ms  p95 {result['p95']:.1f} ms  p99 {result['p99']:.1f} ms  "
        f"{result['msg_per_s']:.1f} msg/s  {result['deliveries_per_s']:.0f} deliveries/s"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--messages", type=int, default=60)
    parser.add_argument("--rate", type=float, default=5.0, help="messages sent per second")
    parser.add_argument(
        "--threads", type=int, default=0, help="realtime gthread threads (default: clients + 50)"
    )
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    parser.add_argument("--redis-url", default=None, help="with it: a separate web process")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the servers on the way out
    threads = args.threads or args.clients + 50

    tmp = Path(tempfile.mkdtemp(prefix="examhall-chat-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    env = {
        "EXAMHALL_INSTANCE": str(tmp),
        "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": database_url,
        "EXAMHALL_DEMO": "0",
        "LOG_LEVEL": "WARNING",
        "SOCKETIO_CHANNEL": f"examhall-bench-{os.getpid()}",
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    full_env = os.environ | env
    if database_url.startswith("postgres"):
        reset_postgres(database_url)
    subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        check=True,
        env=full_env,
        cwd=ROOT,
        capture_output=True,
    )
    group_id, tokens = seed(env, args.clients + 1)
    sender_tokens, client_tokens = tokens, tokens[1:]

    rt_port, bare_port = free_port(), free_port()
    procs = [
        realtime("wsgi:app", rt_port, full_env, threads, ROOT),
        realtime("bare_socketio:app", bare_port, full_env, threads, ROOT / "bench"),
    ]
    rest_port = rt_port
    if args.redis_url:
        rest_port = free_port()
        procs.append(web(rest_port, full_env, int(os.environ.get("WEB_CONCURRENCY", "3"))))
    try:
        wait_for(f"http://127.0.0.1:{rt_port}/health", timeout=120)
        wait_for(f"http://127.0.0.1:{rest_port}/health", timeout=120)
        wait_for(f"http://127.0.0.1:{bare_port}/socket.io/?EIO=4&transport=polling", timeout=120)
        layout = "web + realtime over Redis" if args.redis_url else "one realtime process"
        db_name = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(
            f"{args.clients} clients in one group, {args.messages} messages at {args.rate}/s; "
            f"{layout}, gthread --threads {threads}, {db_name}; {os.cpu_count()} cores shared "
            "with the clients"
        )

        # The bare server first.
        bare = Receivers()
        bare.connect(f"http://127.0.0.1:{bare_port}", [None] * args.clients)
        sender = socketio.Client(reconnection=False)
        sender.connect(
            f"http://127.0.0.1:{bare_port}", namespaces=["/chat"], transports=["websocket"]
        )
        base = measure(
            "bare python-socketio broadcast",
            bare,
            lambda k: sender.emit("broadcast", {"message": f"bench #{k}"}, namespace="/chat"),
            args.messages,
            args.rate,
        )
        sender.disconnect()
        bare.disconnect()

        # Examhall: POST through REST, delivered to the group's room.
        ours = Receivers()
        t = time.perf_counter()
        ours.connect(f"http://127.0.0.1:{rt_port}", [{"token": tok} for tok in client_tokens])
        print(f"connected {args.clients} authenticated clients in {time.perf_counter() - t:.1f} s")
        session = requests.Session()
        url = f"http://127.0.0.1:{rest_port}/api/chat/messages/{group_id}"
        failures: list[int] = []

        def post(k: int) -> None:
            token = sender_tokens[k % len(sender_tokens)]
            response = session.post(
                url,
                json={"message": f"bench #{k}"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            if response.status_code != 200:
                failures.append(response.status_code)

        chat = measure("Examhall REST -> /chat room", ours, post, args.messages, args.rate)
        ours.disconnect()
        if failures:
            print(f"  {len(failures)} sends refused: {sorted(set(failures))}")
        print(
            f"ratio p50 {chat['p50'] / base['p50']:.1f}x, p99 {chat['p99'] / base['p99']:.1f}x "
            "the bare server's latency"
        )
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
