"""The navigation each role sees, in one place so pages and tests agree on it."""

from __future__ import annotations

from dataclasses import dataclass

from app.core import roles as R
from app.models import User


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[str]  # any of these shows the item; empty = every signed-in user


NAV: tuple[NavItem, ...] = (
    NavItem("Dashboard", "web.dashboard", frozenset()),
    NavItem("Study assistant", "assistant.page", frozenset({R.STUDENT})),
    NavItem("Exams", "exam_pages.list_page", frozenset({R.TEACHER, R.MANAGER, R.ADMIN})),
    NavItem(
        "Question bank", "question_pages.bank_page", frozenset({R.TEACHER, R.MANAGER, R.ADMIN})
    ),
    NavItem("Categories", "category_pages.page", frozenset({R.TEACHER, R.MANAGER, R.ADMIN})),
    NavItem("Attempts", "attempt_pages.page", frozenset({R.TEACHER, R.MANAGER, R.ADMIN})),
    NavItem(
        "AI command centre", "generation_pages.page", frozenset({R.TEACHER, R.MANAGER, R.ADMIN})
    ),
    NavItem("My subjects", "subject_pages.my_subjects", frozenset({R.STUDENT})),
    NavItem(
        "My students", "subject_pages.students_page", frozenset({R.TEACHER, R.MANAGER, R.PROCTOR})
    ),
    NavItem("Subjects", "subject_pages.manage_page", frozenset({R.ADMIN})),
    NavItem("Analytics", "sae_analytics.page", frozenset({R.TEACHER, R.MANAGER, R.ADMIN})),
    NavItem("Users", "admin_pages.users_page", frozenset({R.ADMIN})),
    NavItem("Access requests", "admin_pages.requests_page", frozenset({R.ADMIN})),
    NavItem("API docs", "system.swagger_ui", frozenset(R.STAFF_ROLES)),
    NavItem("Messages", "chat_pages.messages_page", frozenset()),
    NavItem("Account", "web_account_settings.account_page", frozenset()),
)


def nav_for(user: User | None, endpoints: set[str]) -> list[NavItem]:
    """Items the user may see whose page exists in this build."""
    if user is None:
        return []
    return [
        item
        for item in NAV
        if item.endpoint in endpoints and (not item.roles or user.has_role(*item.roles))
    ]
