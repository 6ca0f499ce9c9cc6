"""Request and response shapes of SmartAIExam's question endpoints (000_…, "Admin JSON APIs"),
for the OpenAPI document and for the few inputs that are not a question.

A question itself is validated by `app.questions.validation.clean` (one rule set for the API,
the pages and every import format), so the question models here describe the body for readers
of the API document; the views parse question bodies leniently and hand them to the services.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):  # pydantic's lax int takes true as 1; an id never is one
        raise ValueError("Input should be a valid integer")
    return value


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


Id = Annotated[int, BeforeValidator(_no_bool), Field(gt=0, examples=[42])]
OptionText = Annotated[str | None, Field(None, examples=["$\\large \\frac{1}{2}mv^2$"])]
Number = float | str | None


class QuestionFieldsIn(BaseModel):
    """One question. Options: `option_a`..`option_h` (blank = absent, no gaps) or an `options`
    list, not both. `correct_answer`: a letter for MCQ ("A"), letters for MSQ ("A,C" or
    ["A","C"]), a number for NUMERIC. Blank marks mean the exam's default; marks are
    non-negative, `negative_marks` being what a wrong answer deducts."""

    question_text: str = Field(examples=["A block of mass $\\large m$ slides..."])
    question_type: Literal["MCQ", "MSQ", "NUMERIC"] = "MCQ"
    option_a: OptionText = None
    option_b: OptionText = None
    option_c: OptionText = None
    option_d: OptionText = None
    option_e: OptionText = None
    option_f: OptionText = None
    option_g: OptionText = None
    option_h: OptionText = None
    options: list[str] | None = Field(None, description="Instead of option_a..option_h")
    correct_answer: str | list[str] | float = Field(examples=["A"])
    tolerance: Number = Field(None, description="NUMERIC: absolute tolerance, default 0")
    image_path: str | None = Field(
        None,
        description="https URL, a path on this site, or a Google Drive share link "
        "(stored as the direct image URL). `image_url` is accepted too.",
    )
    positive_marks: Number = Field(None, examples=[4.0])
    negative_marks: Number = Field(None, examples=[1.0])
    explanation: str = ""
    topic: str = ""
    subtopic: str = ""
    difficulty: int = Field(3, ge=1, le=5)
    source: str = ""
    tags: list[str] | str = Field(default_factory=list, description="A list, or 'a; b'")
    section_id: int | None = None
    set_number: int = Field(1, ge=1)


class QuestionIn(QuestionFieldsIn):
    exam_id: int = Field(examples=[42])


class QuestionEditIn(QuestionFieldsIn):
    """A partial update: every field is optional and fields left out keep their value."""

    exam_id: int | None = Field(None, description="Another exam you manage moves the question")
    question_text: str | None = None  # type: ignore[assignment]
    correct_answer: str | list[str] | float | None = None  # type: ignore[assignment]


class ExamRef(BaseModel):
    exam_id: Id


class QuestionOut(BaseModel):
    id: int
    exam_id: int
    question_text: str
    option_a: str | None
    option_b: str | None
    option_c: str | None
    option_d: str | None
    option_e: str | None
    option_f: str | None
    option_g: str | None
    option_h: str | None
    options: list[str]
    correct_answer: str
    question_type: str
    tolerance: float | None
    image_path: str | None
    positive_marks: float | None = Field(description="null: the exam's default")
    negative_marks: float | None = Field(description="null: the exam's default")
    explanation: str
    topic: str
    subtopic: str
    difficulty: int
    source: str
    tags: list[str]
    section_id: int | None
    set_number: int
    position: int
    created_at: str
    updated_at: str


class QuestionEnvelope(BaseModel):
    success: bool = True
    question: QuestionOut


class SuccessOut(BaseModel):
    success: bool = True


class DeleteMultipleIn(BaseModel):
    ids: list[Id] = Field(min_length=1, max_length=1000, examples=[[1, 2, 3]])


class DeleteMultipleOut(BaseModel):
    success: bool = True
    deleted: int


class BatchAddIn(BaseModel):
    exam_id: int = Field(examples=[42])
    questions: list[QuestionFieldsIn] = Field(min_length=1, max_length=2000)


class BatchAddBody(BaseModel):
    """What the view parses: the items are validated by the question rules, not here."""

    exam_id: Id
    questions: list[Any]


class BatchAddOut(BaseModel):
    success: bool = True
    inserted: int
    questions: list[QuestionOut]


class RowError(BaseModel):
    row: int = Field(description="CSV: spreadsheet row, header = 1; GIFT/Aiken: line number")
    reason: str


class PreviewQuestion(BaseModel):
    row: int
    question_text: str
    question_type: str
    options: list[str]
    correct_answer: str
    tolerance: float | None
    image_path: str | None
    positive_marks: float | None
    negative_marks: float | None
    explanation: str
    topic: str
    subtopic: str
    difficulty: int
    source: str
    tags: list[str]
    section_id: int | None
    set_number: int


class ImportCsvForm(BaseModel):
    file: bytes = Field(description="The CSV file (UTF-8; header row required)")
    exam_id: int
    preview: bool = Field(False, description="1: check only, write nothing")


class ImportCsvFields(BaseModel):
    exam_id: Id
    preview: Annotated[bool | None, BeforeValidator(_blank_to_none)] = False


class ImportCsvOut(BaseModel):
    success: bool = True
    preview: bool = False
    inserted: int
    skipped: int
    valid: int | None = Field(None, description="preview=1: rows that would be inserted")
    errors: list[RowError]
    ignored_columns: list[str]
    questions: list[PreviewQuestion] | None = Field(None, description="preview=1 only")


class ImportForm(BaseModel):
    format: Literal["csv", "gift", "aiken"] = "csv"
    mode: Literal["preview", "commit"] = "preview"
    exam_id: int | None = Field(None, description="Required unless committing a token")
    file: bytes | None = Field(None, description="preview; or commit in one step")
    token: str | None = Field(None, description="commit: the preview's token")


class ImportFields(BaseModel):
    format: Literal["csv", "gift", "aiken"] = "csv"
    mode: Literal["preview", "commit"] = "preview"
    exam_id: Annotated[Id | None, BeforeValidator(_blank_to_none)] = None
    token: Annotated[str | None, BeforeValidator(_blank_to_none)] = None


class ImportPreviewOut(BaseModel):
    success: bool = True
    mode: Literal["preview"] = "preview"
    exam_id: int
    format: str
    valid: int
    skipped: int
    questions: list[PreviewQuestion]
    errors: list[RowError]
    ignored_columns: list[str]
    token: str
    expires_in: int = 3600


class ImportCommitOut(BaseModel):
    success: bool = True
    mode: Literal["commit"] = "commit"
    exam_id: int
    format: str
    inserted: int
    skipped: int
    errors: list[RowError]
    ignored_columns: list[str]
