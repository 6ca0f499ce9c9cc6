"""Exam times: teachers type a date and a time on the institute's clock (INSTITUTE_TIMEZONE); the
database keeps naive UTC; JSON shows both. Converting in one place keeps pages and API agreeing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["INSTITUTE_TIMEZONE"])


def zone_label(at: datetime | None = None) -> str:
    """'Asia/Kolkata (UTC+05:30)', for labels next to time fields."""
    tz = zone()
    local = (at.replace(tzinfo=UTC) if at else datetime.now(UTC)).astimezone(tz)
    offset = local.strftime("%z")
    return f"{tz.key} (UTC{offset[:3]}:{offset[3:]})"


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped by a daylight-saving change."""


def to_utc(day: date, at: time) -> datetime:
    """Naive UTC for a local date and time. A time that does not exist on the institute's clock
    (the hour skipped when clocks go forward) is refused rather than silently moved."""
    tz = zone()
    local = datetime.combine(day, at).replace(tzinfo=tz)
    utc = local.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(f"{day} {at:%H:%M} does not exist in {tz.key}")
    return utc.replace(tzinfo=None)


def aware_to_utc(value: datetime) -> datetime:
    """An ISO timestamp from an API client: with an offset it is converted, without one it is
    taken as UTC (the form every SmartAIExam timestamp is shown in)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None, microsecond=0)


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(zone())


def local_date(value: datetime | None) -> str | None:
    local = to_local(value)
    return local.strftime("%Y-%m-%d") if local else None


def local_time(value: datetime | None) -> str | None:
    local = to_local(value)
    return local.strftime("%H:%M") if local else None
