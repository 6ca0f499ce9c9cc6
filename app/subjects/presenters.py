"""The Backend document's subject shapes. `_id` is the subject's code; `professor_id` is the
professor's username, as in the document's examples."""

from __future__ import annotations

from typing import Any

from app.core.jsonprovider import iso
from app.models import Subject
from app.subjects.services import Analytics, StudentRow


def professor_name(subject: Subject) -> str | None:
    return subject.professor.username if subject.professor else None


def listed(subject: Subject, student_count: int) -> dict[str, Any]:
    return {
        "_id": subject.code,
        "name": subject.name,
        "description": subject.description,
        "professor_id": professor_name(subject),
        "student_count": student_count,
    }


def created(subject: Subject) -> dict[str, Any]:
    return {
        "_id": subject.code,
        "name": subject.name,
        "description": subject.description,
        "professor_id": professor_name(subject),
        "created_at": iso(subject.created_at, z=True),
    }


def with_guide(subject: Subject) -> dict[str, Any]:
    return {
        "_id": subject.code,
        "name": subject.name,
        "description": subject.description,
        "professor_id": professor_name(subject),
        "guide": subject.guide,
    }


def brief(subject: Subject) -> dict[str, Any]:
    return {"_id": subject.code, "name": subject.name, "professor_id": professor_name(subject)}


def student(row: StudentRow) -> dict[str, Any]:
    return {
        "username": row.user.username,
        "full_name": row.user.full_name,
        "email": row.user.email,
        "enrolled_subjects": row.codes,
    }


def analytics(data: Analytics) -> dict[str, Any]:
    return {
        "subject_id": data.subject.code,
        "name": data.subject.name,
        "total_students": data.total_students,
        "active_students": data.active_students,
        "average_test_score": data.average_test_score,
        "student_progress": [
            {
                "username": p.user.username,
                "test_count": p.test_count,
                "average_score": p.average_score,
                "last_activity": iso(p.last_activity, z=True),
            }
            for p in data.progress
        ],
    }
