"""A small closed-loop HTTP load generator: N threads, keep-alive connections, bounded by a
request count and a time limit. Good enough to compare two endpoints under the same server on
loopback; not a replacement for wrk."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def line(self) -> str:
        med = statistics.median(self.latencies) * 1000 if self.latencies else float("nan")
        return (
            f"{self.name:<34} {self.rps:>8.0f} req/s   p50 {med:6.2f} ms   p95 {self.pct(95):6.2f} ms"
            f"   p99 {self.pct(99):6.2f} ms   errors {self.errors}   statuses {dict(sorted(self.statuses.items()))}"
        )


Request = Callable[[], tuple[str, str, bytes | None, dict[str, str]]]


def run(
    name: str,
    base_url: str,
    make_request: Request,
    *,
    threads: int = 8,
    requests: int = 4000,
    seconds: float = 20.0,
) -> Result:
    url = urlsplit(base_url)
    result = Result(name)
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        local: list[float] = []
        statuses: dict[int, int] = {}
        errors = 0
        while time.perf_counter() < deadline:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            method, path, body, headers = make_request()
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                local.append(time.perf_counter() - start)
                statuses[resp.status] = statuses.get(resp.status, 0) + 1
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        conn.close()
        with lock:
            result.latencies.extend(local)
            result.errors += errors
            for k, v in statuses.items():
                result.statuses[k] = result.statuses.get(k, 0) + v

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    t0 = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    result.elapsed = time.perf_counter() - t0
    return result
