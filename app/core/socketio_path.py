"""Only Socket.IO's own path goes through python-engineio's WSGI middleware.

Flask-SocketIO puts that middleware in front of every request. For each one it copies the WSGI
environ and defines a small class (to hand gunicorn's socket to eventlet): about a thirtieth of an
exam-day answer sync, spent on requests that can never be Socket.IO (bench/README.md). Requests
for `/socket.io/` still take the middleware exactly as Flask-SocketIO set it up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


class SocketIOOnItsPath:
    def __init__(self, middleware: Any) -> None:
        self.middleware = middleware
        self.flask_app: Callable[..., Iterable[bytes]] = middleware.wsgi_app
        self.prefix: str = middleware.engineio_path

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if (environ.get("PATH_INFO") or "").startswith(self.prefix):
            return self.middleware(environ, start_response)
        return self.flask_app(environ, start_response)
