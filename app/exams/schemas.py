"""Request and response shapes of the exam endpoints (000_…, "Admin JSON APIs"), for validation
and the OpenAPI document. The rules themselves are in app.exams.fields."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app.exams import fields as F
from app.users.sae_schemas import Pagination

Name = Annotated[
    str, BeforeValidator(F.name), Field(max_length=F.NAME_MAX, examples=["Physics Mock 1"])
]
Day = Annotated[
    date,
    BeforeValidator(F.day),
    Field(description="YYYY-MM-DD, institute timezone", examples=["2025-01-20"]),
]
Clock = Annotated[
    time,
    BeforeValidator(F.clock),
    Field(description="HH:MM, institute timezone", examples=["10:00"]),
]
OptionalDay = Annotated[
    date | None,
    BeforeValidator(F.optional_day),
    Field(description="YYYY-MM-DD, institute timezone; empty or null clears the end"),
]
OptionalClock = Annotated[
    time | None, BeforeValidator(F.optional_clock), Field(description="HH:MM, institute timezone")
]
Timestamp = Annotated[
    datetime | None,
    BeforeValidator(F.timestamp),
    Field(description="ISO 8601; without an offset it is UTC; null clears the end"),
]
Duration = Annotated[
    int,
    BeforeValidator(F.duration),
    Field(ge=1, le=F.DURATION_MAX, description="Minutes", examples=[180]),
]
Status = Annotated[Literal["draft", "published", "archived"], BeforeValidator(F.choice(F.STATUSES))]
Text = Annotated[str, BeforeValidator(F.text), Field(max_length=F.INSTRUCTIONS_MAX)]
PositiveMarks = Annotated[
    Decimal, BeforeValidator(F.positive_marks), Field(ge=0, le=1000, examples=[4])
]
NegativeMarks = Annotated[
    Decimal,
    BeforeValidator(F.negative_marks),
    Field(
        ge=0,
        le=1000,
        examples=[1],
        description="Marks deducted for a wrong answer, as a positive number: 1 means -1",
    ),
]
Attempts = Annotated[
    int,
    BeforeValidator(F.attempts),
    Field(ge=0, le=F.ATTEMPTS_MAX, description="0 = unlimited", examples=[1]),
]
ResultMode = Annotated[
    Literal["instant", "delayed", "manual"], BeforeValidator(F.choice(F.RESULT_MODES))
]
ResultDelay = Annotated[
    int,
    BeforeValidator(F.result_delay),
    Field(
        ge=0,
        le=F.RESULT_DELAY_MAX,
        description="Minutes after submission (delayed mode)",
        examples=[0],
    ),
]
CategoryId = Annotated[
    int | None,
    BeforeValidator(F.category_id),
    Field(description="null or empty: no category", examples=[3]),
]
Flag = Annotated[bool, BeforeValidator(F.flag)]


class ProctoringIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fullscreen_required: Flag | None = Field(None, description="The player asks for full screen")
    tab_switch_warnings: Flag | None = Field(
        None, description="Leaving the tab warns the student and is logged"
    )
    block_copy_paste: Flag | None = Field(
        None, description="Copy, cut and paste are disabled in the player"
    )


class ExamFieldsIn(BaseModel):
    """Every field is optional here: an edit changes only what it sends."""

    model_config = ConfigDict(extra="ignore")

    name: Name | None = None
    date: Day | None = None
    start_time: Clock | None = None
    end_date: OptionalDay = None
    end_time: OptionalClock = None
    ends_at: Timestamp = None
    duration: Duration | None = None
    status: Status | None = None
    instructions: Text | None = None
    positive_marks: PositiveMarks | None = None
    negative_marks: NegativeMarks | None = None
    max_attempts: Attempts | None = None
    result_mode: ResultMode | None = None
    result_delay: ResultDelay | None = None
    category_id: CategoryId = None
    shuffle_questions: Flag | None = None
    shuffle_options: Flag | None = None
    msq_partial_credit: Flag | None = Field(
        None, description="MSQ answers with some correct options earn part of the marks"
    )
    proctoring: ProctoringIn | None = None

    def sent(self) -> dict[str, Any]:
        """The fields the client sent, with their cleaned values."""
        return {k: getattr(self, k) for k in self.model_fields_set}


class ExamCreateIn(ExamFieldsIn):
    """Create: the schedule and the name have no sensible default."""

    name: Name
    date: Day
    start_time: Clock
    duration: Duration


class ExamsQuery(BaseModel):
    q: str = Field("", max_length=200, description="Matches the exam's name")
    status: Annotated[str | None, BeforeValidator(lambda v: None if F.blank(v) else v)] = Field(
        None, description="draft | published | archived"
    )
    page: Annotated[int | None, BeforeValidator(lambda v: None if F.blank(v) else v)] = Field(
        None, ge=1
    )
    per_page: Annotated[int | None, BeforeValidator(lambda v: None if F.blank(v) else v)] = Field(
        None, ge=1, le=100
    )


class ReleaseIn(BaseModel):
    released: Flag | None = Field(None, description="Set this value; omitted: toggle")


class DeleteIn(BaseModel):
    confirm_name: str | None = Field(
        None, description="If sent, must equal the exam's name (the page always sends it)"
    )


# Responses ----------------------------------------------------------------------------------


class Person(BaseModel):
    id: int
    username: str
    full_name: str


class CategoryRef(BaseModel):
    id: int
    name: str


class SectionOut(BaseModel):
    id: int
    name: str
    description: str
    position: int
    question_count: int


class ChecklistItem(BaseModel):
    key: str = Field(
        examples=["has_questions"], description="has_questions | answers_valid | schedule_valid"
    )
    label: str
    met: bool
    problems: list[str]


class ExamOut(BaseModel):
    id: int
    name: str
    instructions: str
    date: str | None = Field(description="Start date, institute timezone")
    start_time: str | None = Field(description="Start time HH:MM, institute timezone")
    end_date: str | None
    end_time: str | None
    starts_at: str | None = Field(description="UTC", examples=["2025-01-20T04:30:00"])
    ends_at: str | None = Field(description="UTC; null: no end")
    timezone: str = Field(examples=["Asia/Kolkata"])
    duration: int
    status: str
    positive_marks: float
    negative_marks: float
    max_attempts: int
    result_mode: str
    result_delay: int
    results_released: bool
    shuffle_questions: bool
    shuffle_options: bool
    msq_partial_credit: bool
    proctoring: dict[str, bool]
    category_id: int | None
    category: CategoryRef | None
    owner: Person | None
    co_owners: list[Person]
    question_count: int
    created_at: str
    updated_at: str


class ExamDetailOut(ExamOut):
    sections: list[SectionOut]
    checklist: list[ChecklistItem]
    can_publish: bool


class ExamCreateOut(BaseModel):
    success: bool = True
    message: str
    exam_id: int
    exam: ExamDetailOut


class ExamEditOut(BaseModel):
    success: bool = True
    message: str
    exam: ExamDetailOut


class ExamGetOut(BaseModel):
    success: bool = True
    exam: ExamDetailOut


class ExamsListOut(BaseModel):
    success: bool = True
    exams: list[ExamOut]
    pagination: Pagination
    counts: dict[str, int] = Field(description="Exams per status for this actor, and all")


class MessageOut(BaseModel):
    success: bool = True
    message: str


class ReleaseOut(BaseModel):
    success: bool = True
    released: bool
    message: str


# Sections and co-owners ---------------------------------------------------------------------


class SectionIn(BaseModel):
    name: Annotated[str, BeforeValidator(F.name)] = Field(
        max_length=F.NAME_MAX, examples=["Mechanics"]
    )
    description: Text = ""


class SectionEditIn(BaseModel):
    name: Annotated[str | None, BeforeValidator(F.name)] = Field(None, max_length=F.NAME_MAX)
    description: Text | None = None


class SectionMoveIn(BaseModel):
    direction: Literal["up", "down"] | None = Field(None, description="Move one place")
    order: list[int] | None = Field(
        None, description="Every section id of the exam, in the new order"
    )


class SectionsOut(BaseModel):
    success: bool = True
    message: str
    sections: list[SectionOut]


class CoOwnerIn(BaseModel):
    username: str = Field(min_length=1, max_length=80, examples=["ravi.teacher"])


class CoOwnersOut(BaseModel):
    success: bool = True
    message: str
    co_owners: list[Person]


class PublishOut(BaseModel):
    success: bool = True
    message: str
    exam: ExamDetailOut
