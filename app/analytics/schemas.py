"""Shapes of the users-analytics endpoints, for the OpenAPI document. The query parameters are
taken as strings and checked in app.analytics.services, so the page and the JSON refuse bad
filters with the same message."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class StatsOut(BaseModel):
    success: bool
    total_users: int
    total_exams: int
    total_results: int
    total_responses: int


class DataQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    timePeriod: str | None = Field(
        default=None,
        description="all (default) | today | 7d | 30d | 90d | 365d | <days> | custom",
        examples=["30d"],
    )
    exam: str | None = Field(default=None, description="Exam id, or all", examples=["42"])
    startDate: str | None = Field(default=None, description="YYYY-MM-DD, local, included")
    endDate: str | None = Field(default=None, description="YYYY-MM-DD, local, included")


class DataOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    success: bool
    filters: dict[str, Any]
    summary: dict[str, Any]
    score_distribution: list[dict[str, Any]]
    top_performers: list[dict[str, Any]]
    exam_stats: list[dict[str, Any]]
    recent_activity: list[dict[str, Any]]


class ResultsQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    user: str | None = Field(default=None, description="User id, or part of a name or e-mail")
    exam: str | None = Field(default=None, description="Exam id, or all")
    dateFrom: str | None = Field(default=None, description="YYYY-MM-DD, local, included")
    dateTo: str | None = Field(default=None, description="YYYY-MM-DD, local, included")
    page: str | None = Field(default=None, examples=["1"])
    per_page: str | None = Field(default=None, description="1-100, default 20")
    partial: str | None = Field(default=None, description="1: only the table, as HTML")


class ResultsOut(BaseModel):
    success: bool
    results: list[dict[str, Any]]
    pagination: dict[str, Any]
    filters: dict[str, Any]


class ItemAnalysisOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    success: bool
    exam: dict[str, Any]
    summary: dict[str, Any]
    questions: list[dict[str, Any]]
