"""Demo data for `make run`: enough to sign in as every role and see an exam."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.core import roles as R
from app.extensions import db
from app.models import Category, Enrollment, Exam, Question, Section, Subject, User, utcnow
from app.users.services import create_user


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    roles: tuple[str, ...]
    full_name: str


DEMO_ACCOUNTS = (
    DemoAccount("admin", "admin-demo-pass", (R.ADMIN,), "Asha Admin"),
    DemoAccount("teacher", "teacher-demo-pass", (R.TEACHER,), "Tarun Teacher"),
    DemoAccount("student1", "student-demo-pass", (R.STUDENT,), "Sita Student"),
    DemoAccount("student2", "student-demo-pass", (R.STUDENT,), "Ravi Student"),
    DemoAccount("student3", "student-demo-pass", (R.STUDENT,), "Meera Student"),
)


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def seed() -> list[DemoAccount]:
    users = {
        a.username: create_user(
            username=a.username,
            email=f"{a.username}@example.com",  # .local is refused as a special-use domain
            password=a.password,
            roles=a.roles,
            full_name=a.full_name,
        )
        for a in DEMO_ACCOUNTS
    }
    category = Category(name="Physics")
    db.session.add(category)
    exam = Exam(
        name="Mechanics practice test",
        instructions="Answer every question. Wrong answers cost one mark.",
        category=category,
        starts_at=utcnow() - timedelta(hours=1),
        ends_at=utcnow() + timedelta(days=30),
        duration_minutes=30,
        status="published",
        positive_marks=Decimal("4"),
        negative_marks=Decimal("1"),
        max_attempts=3,
        owner=users["teacher"],
    )
    section = Section(name="Kinematics", position=1, exam=exam)
    exam.questions = [
        Question(
            section=section,
            position=1,
            question_type="MCQ",
            text=r"A body starts from rest with acceleration $a = 2\,\mathrm{m/s^2}$. Its speed after 5 s is:",
            options=["5 m/s", "10 m/s", "20 m/s", "25 m/s"],
            correct_answer="B",
            explanation=r"$v = u + at = 0 + 2 \times 5 = 10$ m/s.",
            topic="Kinematics",
            difficulty=1,
        ),
        Question(
            section=section,
            position=2,
            question_type="MSQ",
            text="Which of these are vector quantities?",
            options=["Velocity", "Speed", "Force", "Mass"],
            correct_answer="A,C",
            explanation="Velocity and force have direction.",
            topic="Vectors",
            difficulty=2,
        ),
        Question(
            section=section,
            position=3,
            question_type="NUMERIC",
            text=r"A ball is dropped from $20$ m. Taking $g = 10\,\mathrm{m/s^2}$, how many seconds until it lands?",
            correct_answer="2",
            tolerance=Decimal("0.01"),
            explanation=r"$h = \tfrac12 g t^2 \Rightarrow t = \sqrt{2h/g} = 2$ s.",
            topic="Free fall",
            difficulty=2,
        ),
    ]
    db.session.add(exam)
    physics = Subject(
        code="PHY101",
        name="Physics",
        description="Mechanics: motion, forces and energy.",
        guide="# Teaching guide\n\n- Start from the units.\n- Ask the student to draw the "
        "situation before any formula.\n- Use $g = 10\\,\\mathrm{m/s^2}$.",
        professor=users["teacher"],
        bank_exams=[exam],  # the practice test doubles as the tutor's practice bank
    )
    db.session.add(Enrollment(subject=physics, user=users["student1"]))
    db.session.flush()
    return list(DEMO_ACCOUNTS)
