"""JSON as the documents show it: keys in the order written, Decimals as numbers, naive UTC
datetimes in ISO 8601.

Encoding goes through orjson, which does in C what the standard library does in Python (a tenth
of an answer sync's time in the application; bench/README.md). What orjson refuses and the
standard library takes (an integer beyond 64 bits) still goes the standard library's way.
Decoding stays with the standard library: orjson reads an integer beyond 64 bits as a float,
which would change what a client's oversized number means.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

OPTIONS = orjson.OPT_NON_STR_KEYS


class ExamhallJSONProvider(DefaultJSONProvider):
    sort_keys = False
    ensure_ascii = False

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        if isinstance(o, datetime):
            return o.isoformat()
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)

    def _fast(self, obj: Any, option: int = 0) -> bytes | None:
        try:
            return orjson.dumps(obj, default=self.default, option=OPTIONS | option)
        except (TypeError, orjson.JSONEncodeError):
            return None

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if not kwargs:  # no indent or separators asked for: orjson's compact form is Flask's
            data = self._fast(obj)
            if data is not None:
                return data.decode()
        return super().dumps(obj, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        pretty = (self.compact is None and self._app.debug) or self.compact is False
        if not pretty:
            data = self._fast(self._prepare_response_obj(args, kwargs), orjson.OPT_APPEND_NEWLINE)
            if data is not None:
                return self._app.response_class(data, mimetype=self.mimetype)
        return super().response(*args, **kwargs)


def iso(value: datetime | None, z: bool = False) -> str | None:
    """'2025-01-15T10:30:00' (SmartAIExam) or with a trailing Z (Backend, PN)."""
    if value is None:
        return None
    text = value.replace(microsecond=0).isoformat()
    return text + "Z" if z else text
