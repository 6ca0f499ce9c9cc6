"""What the answer-sync hot path remembers between requests in one process: for a student's
open attempt, its id and its paper's layout. Both are fixed when the attempt starts, so a stale
entry can only point at an attempt that is no longer open, and the sync's own UPDATE (which
requires the attempt to be open) catches that and asks the database again."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

MAX_ENTRIES = 20_000


@dataclass(frozen=True)
class OpenAttempt:
    attempt_id: int
    layout: dict[str, dict[str, Any]]


_lock = threading.Lock()
_entries: OrderedDict[tuple[int, int], OpenAttempt] = OrderedDict()


def lookup(exam_id: int, user_id: int) -> OpenAttempt | None:
    with _lock:
        return _entries.get((exam_id, user_id))


def remember(exam_id: int, user_id: int, entry: OpenAttempt) -> OpenAttempt:
    with _lock:
        _entries[(exam_id, user_id)] = entry
        _entries.move_to_end((exam_id, user_id))
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return entry


def forget(exam_id: int, user_id: int) -> None:
    with _lock:
        _entries.pop((exam_id, user_id), None)


def clear() -> None:
    with _lock:
        _entries.clear()
