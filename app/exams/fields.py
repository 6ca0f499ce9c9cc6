"""Field validators for exam input, each with a message a teacher can act on.

The same rules serve JSON from API clients and forms from the pages (where every value arrives
as a string), so each validator takes what either sends and returns the cleaned value. They
raise PydanticCustomError so the message reaches the envelope and the form without pydantic's
"Value error, " prefix.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic_core import PydanticCustomError

NAME_MAX = 200
INSTRUCTIONS_MAX = 20_000
DURATION_MAX = 1440  # minutes: one day
MARKS_MAX = Decimal(1000)
ATTEMPTS_MAX = 1000
RESULT_DELAY_MAX = 525_600  # minutes: one year
STATUSES = ("draft", "published", "archived")
RESULT_MODES = ("instant", "delayed", "manual")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"0", "false", "off", "no", ""}


def fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("invalid", message)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail("Enter a name.")
    value = value.strip()
    if len(value) > NAME_MAX:
        raise fail(f"Use at most {NAME_MAX} characters.")
    return value


def text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise fail("Enter text.")
    if len(value) > INSTRUCTIONS_MAX:
        raise fail(f"Use at most {INSTRUCTIONS_MAX} characters.")
    return value


def day(value: Any) -> date:
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise fail("Enter a date as YYYY-MM-DD.")


def clock(value: Any) -> time:
    if isinstance(value, str) and _TIME.match(value.strip()):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            pass
    raise fail("Enter a time as HH:MM (24-hour).")


def optional_day(value: Any) -> date | None:
    return None if blank(value) else day(value)


def optional_clock(value: Any) -> time | None:
    return None if blank(value) else clock(value)


def timestamp(value: Any) -> datetime | None:
    if blank(value):
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
    raise fail("Enter an ISO 8601 date and time, e.g. 2025-01-20T13:00:00 (UTC) or with an offset.")


def whole(value: Any, low: int, high: int, message: str) -> int:
    """A whole number from JSON (7, 7.0) or a form ("7"); booleans are not numbers."""
    if isinstance(value, bool):
        raise fail(message)
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"[+-]?\d+", value):
            raise fail(message)
        value = int(value)
    elif isinstance(value, float):
        if not value.is_integer():
            raise fail(message)
        value = int(value)
    if not isinstance(value, int) or not low <= value <= high:
        raise fail(message)
    return value


def duration(value: Any) -> int:
    return whole(
        value, 1, DURATION_MAX, f"Enter a whole number of minutes from 1 to {DURATION_MAX}."
    )


def attempts(value: Any) -> int:
    return whole(
        value, 0, ATTEMPTS_MAX, f"Enter a whole number from 0 to {ATTEMPTS_MAX} (0 = unlimited)."
    )


def result_delay(value: Any) -> int:
    return whole(
        value, 0, RESULT_DELAY_MAX, f"Enter a whole number of minutes from 0 to {RESULT_DELAY_MAX}."
    )


def _marks(value: Any, message: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise fail(message)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise fail(message) from None
    if not number.is_finite() or not 0 <= number <= MARKS_MAX:
        raise fail(message)
    if number != number.quantize(Decimal("0.01")):
        raise fail("Use at most 2 decimal places.")
    return number.quantize(Decimal("0.01"))


def positive_marks(value: Any) -> Decimal:
    return _marks(value, "Enter marks from 0 to 1000.")


def negative_marks(value: Any) -> Decimal:
    return _marks(
        value,
        "Enter the marks deducted for a wrong answer as a number from 0 to 1000 "
        "(1 means one mark is taken off).",
    )


def choice(options: tuple[str, ...]) -> Any:
    def check(value: Any) -> str:
        if isinstance(value, str) and value.strip().lower() in options:
            return value.strip().lower()
        raise fail("Choose " + ", ".join(options[:-1]) + " or " + options[-1] + ".")

    return check


def category_id(value: Any) -> int | None:
    if blank(value):
        return None
    return whole(value, 1, 2**31 - 1, "Choose a category by its id.")


def flag(value: Any) -> bool:
    """true/false from JSON; on/1/true and off/0/false (or empty) from forms."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise fail("Use true or false.")
