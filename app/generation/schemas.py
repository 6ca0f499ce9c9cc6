"""Request and response shapes of the AI command centre's endpoints (000_…, "AI Command
Centre")."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from app.generation.prompts import Counts

MODES = ("extract", "mine", "pure")
MAX_PER_TYPE = 20
MAX_TOTAL = 30
MAX_TOPIC = 200


def _blank(default: Any):
    def pick(value: Any) -> Any:
        return default if value is None or (isinstance(value, str) and not value.strip()) else value

    return pick


def _level(value: Any) -> Any:
    return value.strip().capitalize() if isinstance(value, str) else value


Count = Annotated[int, BeforeValidator(_blank(0)), Field(ge=0, le=MAX_PER_TYPE)]


class GenerateFields(BaseModel):
    """The documented multipart fields (the file, `pdf_file`, is read by the view)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    mode: Literal["extract", "mine", "pure"]
    exam_id: Annotated[Annotated[int, Field(gt=0)] | None, BeforeValidator(_blank(None))] = None
    difficulty: Annotated[
        Literal["Easy", "Medium", "Hard"],
        BeforeValidator(_blank("Medium")),
        BeforeValidator(_level),
    ] = "Medium"
    mcq_count: Count = 0
    msq_count: Count = 0
    numeric_count: Count = 0
    topic: Annotated[str, BeforeValidator(_blank("")), Field(max_length=MAX_TOPIC)] = ""

    @model_validator(mode="after")
    def _needs(self) -> GenerateFields:
        total = self.mcq_count + self.msq_count + self.numeric_count
        if total < 1:
            raise ValueError("ask for at least one question (mcq_count, msq_count, numeric_count)")
        if total > MAX_TOTAL:
            raise ValueError(f"at most {MAX_TOTAL} questions at once")
        if self.mode == "pure" and not self.topic:
            raise ValueError("topic is required for mode pure")
        return self

    @property
    def counts(self) -> Counts:
        return Counts(self.mcq_count, self.msq_count, self.numeric_count)

    @property
    def needs_pdf(self) -> bool:
        return self.mode in ("extract", "mine")


class GenerateForm(GenerateFields):
    """As documented: multipart/form-data; `pdf_file` is required for extract and mine."""

    pdf_file: bytes | None = Field(default=None, json_schema_extra={"format": "binary"})


class GeneratedQuestion(BaseModel):
    exam_id: int | None
    question_text: str
    question_type: Literal["MCQ", "MSQ", "NUMERIC"]
    option_a: str
    option_b: str
    option_c: str
    option_d: str
    correct_answer: str
    tolerance: float | None
    positive_marks: float | None
    negative_marks: float | None
    explanation: str
    difficulty: int
    topic: str


class DroppedItem(BaseModel):
    index: int
    question_text: str
    reason: str


class GenerateOut(BaseModel):
    success: bool
    count: int
    questions: list[GeneratedQuestion]
    dropped: list[DroppedItem]
    repaired: int


class QuestionsIn(BaseModel):
    """{ questions: [...] } in SmartAIExam's question fields (as /generate returns them);
    `exam_id` at the top is the target for items without their own."""

    questions: list[dict[str, Any]]
    exam_id: int | None = None


class SaveOut(BaseModel):
    success: bool
    count: int
