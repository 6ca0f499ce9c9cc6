"""JSON as the documents show it: keys in the order written, Decimals as numbers, naive UTC
datetimes in ISO 8601."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask.json.provider import DefaultJSONProvider


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


def iso(value: datetime | None, z: bool = False) -> str | None:
    """'2025-01-15T10:30:00' (SmartAIExam) or with a trailing Z (Backend, PN)."""
    if value is None:
        return None
    text = value.replace(microsecond=0).isoformat()
    return text + "Z" if z else text
