"""The one model layer, split by domain and re-exported here for Alembic and the services."""

from app.models.assistant import AssistantMessage, AssistantUsage
from app.models.attempts import Attempt, AttemptAllowance, QuestionResponse, Result
from app.models.auth import AccessRequest, LoginFailure, RefreshToken
from app.models.base import Base, utcnow
from app.models.chat import (
    ChatPresence,
    ChatSendClock,
    Connection,
    Conversation,
    ConversationMember,
    Message,
)
from app.models.discussion import DiscussionComment
from app.models.exams import Category, Exam, Question, Section, exam_co_owners
from app.models.generation import GenerationJob
from app.models.subjects import Enrollment, Subject, subject_exams
from app.models.tutor import PracticeTest, TutorMessage, TutorSession
from app.models.users import User, UserRole

__all__ = [
    "AccessRequest",
    "AssistantMessage",
    "AssistantUsage",
    "Attempt",
    "AttemptAllowance",
    "Base",
    "Category",
    "ChatPresence",
    "ChatSendClock",
    "Connection",
    "Conversation",
    "ConversationMember",
    "DiscussionComment",
    "Enrollment",
    "Exam",
    "GenerationJob",
    "LoginFailure",
    "Message",
    "PracticeTest",
    "Question",
    "QuestionResponse",
    "RefreshToken",
    "Result",
    "Section",
    "Subject",
    "TutorMessage",
    "TutorSession",
    "User",
    "UserRole",
    "exam_co_owners",
    "subject_exams",
    "utcnow",
]
