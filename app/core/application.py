"""The Flask class Examhall runs on.

Flask asks `inspect.iscoroutinefunction` of every hook and view it calls, on every request: eleven
times for an answer sync, about a twentieth of its time in the application (bench/README.md).
Examhall has no async views, and the answer for a given function never changes, so it is
remembered. Anything async would still be wrapped, exactly as Flask does it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask

MAX_REMEMBERED = 4096  # hooks and views are a few hundred; after_this_request makes new ones


class Examhall(Flask):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync_lock = threading.Lock()
        self._sync_callables: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            return self._sync_callables[func]
        except (KeyError, TypeError):  # TypeError: an unhashable callable
            pass
        result = super().ensure_sync(func)
        with self._sync_lock:
            if len(self._sync_callables) >= MAX_REMEMBERED:
                self._sync_callables.clear()
            with contextlib.suppress(TypeError):
                self._sync_callables[func] = result
        return result
