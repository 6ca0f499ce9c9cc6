"""The users-analytics filters: parsed and checked in one place, so the JSON endpoint and the
page refuse the same bad input with the same message, and every query gets a window already in
UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_

from app.core.errors import Invalid
from app.exams.access import manageable_exam
from app.exams.schedule import zone
from app.models import User, utcnow

# timePeriod values: a number of days back from now, "today" (since local midnight), or all.
PERIODS = {"all": None, "today": 0, "7d": 7, "30d": 30, "90d": 90, "365d": 365}
_DAYS = re.compile(r"^(\d{1,4})\s*(d|days?)?$")


@dataclass(frozen=True)
class Window:
    """A half-open UTC interval [start, end); None is unbounded."""

    start: datetime | None = None
    end: datetime | None = None

    def clause(self, column: Any) -> ColumnElement[bool]:
        parts = []
        if self.start is not None:
            parts.append(column >= self.start)
        if self.end is not None:
            parts.append(column < self.end)
        return and_(*parts) if parts else and_(True)


@dataclass(frozen=True)
class DataFilters:
    time_period: str = "all"
    exam_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    window: Window = Window()

    def echo(self) -> dict[str, Any]:
        return {
            "timePeriod": self.time_period,
            "exam": self.exam_id,
            "startDate": self.start_date.isoformat() if self.start_date else None,
            "endDate": self.end_date.isoformat() if self.end_date else None,
            "from": iso(self.window.start),
            "to": iso(self.window.end),
        }


@dataclass(frozen=True)
class ResultFilters:
    user: str = ""
    exam_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    per_page: int = 20

    def window(self) -> Window:
        return Window(_local_midnight(self.date_from), _day_after(self.date_to))

    def params(self) -> dict[str, Any]:
        """As the query string spells them, for links that keep the filters."""
        return {
            "user": self.user,
            "exam": self.exam_id or "",
            "dateFrom": self.date_from.isoformat() if self.date_from else "",
            "dateTo": self.date_to.isoformat() if self.date_to else "",
        }


def iso(value: datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat() if value else None


# Parsing ----------------------------------------------------------------------------------


def parse_date(name: str, value: str | None) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{name} must be a date as YYYY-MM-DD, not {value[:40]!r}") from None


def parse_exam(actor: User, value: str | None, name: str = "exam") -> int | None:
    """An exam filter: empty or "all" for every exam; otherwise an exam the actor manages
    (404 unknown, 403 another teacher's)."""
    value = (value or "").strip()
    if value.lower() in ("", "all"):
        return None
    if not value.isdigit():
        raise Invalid(f"{name} must be an exam id or 'all', not {value[:40]!r}")
    return manageable_exam(actor, int(value)).id


def parse_page(value: str | None, name: str = "page") -> int:
    value = (value or "").strip()
    if not value:
        return 1
    if not value.isdigit() or int(value) < 1:
        raise Invalid(f"{name} must be a whole number from 1, not {value[:40]!r}")
    return int(value)


def _local_midnight(day: date | None) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time()).replace(tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)


def _day_after(day: date | None) -> datetime | None:
    return _local_midnight(day + timedelta(days=1)) if day else None


def _check_order(first: date | None, last: date | None, names: tuple[str, str]) -> None:
    if first and last and first > last:
        raise Invalid(f"{names[0]} ({first}) is after {names[1]} ({last})")


def data_filters(
    actor: User,
    *,
    time_period: str | None = None,
    exam: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    now: datetime | None = None,
) -> DataFilters:
    """timePeriod is `all` (or empty), `today`, `7d`, `30d`, `90d`, `365d`, any number of days
    (`14`, `14d`), or `custom`; startDate/endDate (local dates, both included) narrow any of
    them, and `custom` needs at least one."""
    period = (time_period or "").strip().lower() or "all"
    start, end = parse_date("startDate", start_date), parse_date("endDate", end_date)
    _check_order(start, end, ("startDate", "endDate"))
    now = now or utcnow()
    if period in PERIODS:
        days = PERIODS[period]
    elif period == "custom":
        if not (start or end):
            raise Invalid("timePeriod=custom needs startDate or endDate")
        days = None
    elif match := _DAYS.match(period):
        days = int(match.group(1))
        if days < 1:
            raise Invalid("timePeriod must be at least 1 day")
        period = f"{days}d"
    else:
        raise Invalid(
            f"timePeriod must be all, today, 7d, 30d, 90d, 365d, a number of days or custom, "
            f"not {period[:40]!r}"
        )
    lower: datetime | None = None
    if days == 0:
        local_today = now.replace(tzinfo=UTC).astimezone(zone()).date()
        lower = _local_midnight(local_today)
    elif days:
        lower = now - timedelta(days=days)
    if start is not None:
        start_at = _local_midnight(start)
        lower = max(lower, start_at) if lower else start_at
    return DataFilters(
        time_period=period,
        exam_id=parse_exam(actor, exam),
        start_date=start,
        end_date=end,
        window=Window(lower, _day_after(end)),
    )


def result_filters(
    actor: User,
    *,
    user: str | None = None,
    exam: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    page: str | None = None,
    per_page: str | None = None,
) -> ResultFilters:
    first, last = parse_date("dateFrom", date_from), parse_date("dateTo", date_to)
    _check_order(first, last, ("dateFrom", "dateTo"))
    size = parse_page(per_page, "per_page") if per_page else 20
    if size > 100:
        raise Invalid("per_page must be at most 100")
    return ResultFilters(
        user=(user or "").strip()[:200],
        exam_id=parse_exam(actor, exam),
        date_from=first,
        date_to=last,
        page=parse_page(page),
        per_page=size,
    )
