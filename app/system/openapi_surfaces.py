"""What the OpenAPI document says about each surface: its name, its title and its error
envelope (the shapes app/core/envelopes.py produces), documented as every operation's `default`
response."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from app.core.surfaces import Surface

SURFACE_NAMES: dict[Surface, str] = {
    Surface.SMARTAIEXAM_AUTH: "SmartAIExam",
    Surface.SMARTAIEXAM: "SmartAIExam",
    Surface.ADAPTIVE: "AdaptiveTest",
    Surface.PN: "PN Academy",
    Surface.BACKEND: "Backend",
    Surface.PROCTORX: "ProctorX",
    Surface.WEB: "Web",
}
SURFACE_TITLES: dict[Surface, str] = {
    Surface.SMARTAIEXAM_AUTH: "SmartAIExam v1.1, JWT auth (/api/auth/*)",
    Surface.SMARTAIEXAM: "SmartAIExam v1.1: exams, player, chat, discussion, assistant, admin",
    Surface.ADAPTIVE: "AdaptiveTest v0.2: question banks, adaptive sessions, review workflow",
    Surface.PN: "PN Academy (/api/v1/*): assessments, students, test codes, files, reports",
    Surface.BACKEND: "Backend: subjects, enrollment, tutor chat, analytics, system",
    Surface.PROCTORX: "ProctorX: sign-up and token auth",
    Surface.WEB: "Web pages",
}


# Each surface's error envelope (app/core/envelopes.py), documented as the `default` response.
class SmartAIExamAuthError(BaseModel):
    status: Literal["error"] = "error"
    message: str


class SmartAIExamError(BaseModel):
    success: Literal[False] = False
    message: str
    errors: dict[str, str] | None = None


class AdaptiveError(BaseModel):
    error: str


class PnError(BaseModel):
    error: str
    details: Any = None


class BackendValidationItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class BackendError(BaseModel):
    detail: str | list[BackendValidationItem]


class ProctorXError(BaseModel):
    ok: Literal[False] = False
    error: str


ERROR_MODELS: dict[Surface, type[BaseModel]] = {
    Surface.SMARTAIEXAM_AUTH: SmartAIExamAuthError,
    Surface.SMARTAIEXAM: SmartAIExamError,
    Surface.ADAPTIVE: AdaptiveError,
    Surface.PN: PnError,
    Surface.BACKEND: BackendError,
    Surface.PROCTORX: ProctorXError,
}
