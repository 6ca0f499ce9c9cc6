"""The one model layer, split by domain and re-exported here for Alembic and the services."""

from app.models.attempts import Attempt, AttemptAllowance, QuestionResponse, Result
from app.models.auth import AccessRequest, LoginFailure, RefreshToken
from app.models.base import Base, utcnow
from app.models.exams import Category, Exam, Question, Section, exam_co_owners
from app.models.generation import GenerationJob
from app.models.users import User, UserRole

__all__ = [
    "AccessRequest",
    "Attempt",
    "AttemptAllowance",
    "Base",
    "Category",
    "Exam",
    "GenerationJob",
    "LoginFailure",
    "Question",
    "QuestionResponse",
    "RefreshToken",
    "Result",
    "Section",
    "User",
    "UserRole",
    "exam_co_owners",
    "utcnow",
]
