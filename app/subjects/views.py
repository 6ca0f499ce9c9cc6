"""Backend's subject and professor endpoints (003_…: "Subject Endpoints", "Professor
Endpoints"). Envelope: {"detail": ...}; invalid bodies and queries are 422 with loc/msg/type."""

from __future__ import annotations

from flask import Response
from pydantic import BaseModel, ConfigDict, Field

from app.core import roles as R
from app.core.api import endpoint
from app.core.auth import auth_required
from app.core.pagination import clamp
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import db
from app.models import User
from app.subjects import presenters
from app.subjects import services as subjects

bp = surface_blueprint("backend_subjects", __name__, Surface.BACKEND)
TAGS = ["Subjects"]
PROFESSOR_TAGS = ["Professor"]
GUIDE_MAX = 50_000


class SubjectsQuery(BaseModel):
    professor_id: str | None = Field(None, examples=["prof_ana"], description="A username")
    page: int = Field(1, ge=1)
    limit: int = Field(20, ge=1, description="At most 100 are returned")


class SubjectIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    subject_id: str = Field(min_length=1, max_length=40, examples=["INF001"])
    name: str = Field(min_length=1, max_length=200, examples=["Algorithms"])
    description: str = Field(
        "", max_length=5000, examples=["Course on algorithm design and analysis"]
    )
    professor_id: str | None = Field(None, examples=["prof_ana"], description="A username")
    guide: str = Field("", max_length=GUIDE_MAX, description="Markdown teaching guide")


class SubjectUpdateIn(BaseModel):
    """What is sent changes; `professor_id` only by an admin."""

    name: str | None = Field(
        None, min_length=1, max_length=200, examples=["Algorithms and Data Structures"]
    )
    description: str | None = Field(None, max_length=5000, examples=["Updated course description"])
    guide: str | None = Field(None, max_length=GUIDE_MAX, examples=["# Teaching Guide\n..."])
    professor_id: str | None = Field(None, examples=["prof_ana"])


class SubjectListOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(alias="_id")
    name: str
    description: str
    professor_id: str | None
    student_count: int


class SubjectCreatedOut(BaseModel):
    id: str = Field(alias="_id")
    name: str
    description: str
    professor_id: str | None
    created_at: str


class SubjectOut(BaseModel):
    id: str = Field(alias="_id")
    name: str
    description: str
    professor_id: str | None
    guide: str


class SubjectBriefOut(BaseModel):
    id: str = Field(alias="_id")
    name: str
    professor_id: str | None


class EnrollOut(BaseModel):
    message: str
    subject: SubjectBriefOut


class StudentsQuery(BaseModel):
    subject_id: str | None = Field(None, examples=["INF001"])
    limit: int = Field(20, ge=1, description="At most 100 are returned")
    skip: int = Field(0, ge=0)


class StudentOut(BaseModel):
    username: str
    full_name: str
    email: str
    enrolled_subjects: list[str]


class ProgressOut(BaseModel):
    username: str
    test_count: int
    average_score: float | None
    last_activity: str | None


class AnalyticsOut(BaseModel):
    subject_id: str
    name: str
    total_students: int
    active_students: int = Field(
        description=f"Used the tutor in the last {subjects.ACTIVE_DAYS} days"
    )
    average_test_score: float | None = Field(description="Mean percent of finished practice tests")
    student_progress: list[ProgressOut]


@bp.get("/subjects")
@auth_required()
@endpoint("List subjects", query=SubjectsQuery, responses={200: list[SubjectListOut]}, tags=TAGS)
def list_subjects(actor: User, query: SubjectsQuery) -> Response:
    page, per_page = clamp(query.page, query.limit)
    stmt = subjects.listing(query.professor_id).limit(per_page).offset((page - 1) * per_page)
    rows = list(db.session.scalars(stmt))
    counts = subjects.student_counts([s.id for s in rows])
    return respond([presenters.listed(s, counts.get(s.id, 0)) for s in rows])


@bp.post("/subjects")
@auth_required()
@endpoint("Create a subject (Admin)", body=SubjectIn, responses={201: SubjectCreatedOut}, tags=TAGS)
def create_subject(actor: User, body: SubjectIn) -> Response:
    subject = subjects.create(
        actor,
        code=body.subject_id,
        name=body.name,
        description=body.description,
        professor=body.professor_id,
        guide=body.guide,
    )
    return respond(presenters.created(subject), status=201)


@bp.get("/subjects/enrolled")
@auth_required()
@endpoint(
    "Subjects the authenticated student is enrolled in",
    responses={200: list[SubjectOut]},
    tags=TAGS,
)
def enrolled_subjects(actor: User) -> Response:
    return respond([presenters.with_guide(s) for s in subjects.enrolled(actor)])


@bp.put("/subjects/<subject_id>")
@auth_required()
@endpoint(
    "Update a subject, including its teaching guide (Admin or the subject's professor)",
    body=SubjectUpdateIn,
    responses={200: SubjectOut},
    tags=TAGS,
)
def update_subject(actor: User, subject_id: str, body: SubjectUpdateIn) -> Response:
    subject = subjects.get(subject_id)
    sent = body.model_fields_set
    subject = subjects.update(
        actor,
        subject,
        name=body.name,
        description=body.description,
        guide=body.guide,
        professor=body.professor_id if "professor_id" in sent else subjects.UNSET,
    )
    return respond(presenters.with_guide(subject))


@bp.delete("/subjects/<subject_id>")
@auth_required()
@endpoint("Delete a subject (Admin)", responses={204: None}, tags=TAGS)
def delete_subject(actor: User, subject_id: str) -> Response:
    subjects.delete(actor, subjects.get(subject_id))
    return respond(status=204)


@bp.post("/subjects/<subject_id>/enroll")
@auth_required()
@endpoint("Enrol the authenticated student in a subject", responses={200: EnrollOut}, tags=TAGS)
def enroll(actor: User, subject_id: str) -> Response:
    subject = subjects.get(subject_id)
    subjects.enroll(actor, subject)
    return respond(
        {
            "message": f"Successfully enrolled in {subject.code}",
            "subject": presenters.brief(subject),
        }
    )


@bp.get("/professor/students")
@auth_required(*R.STAFF_ROLES)
@endpoint(
    "Students enrolled in your subjects (Professor; an admin sees every subject's)",
    query=StudentsQuery,
    responses={200: list[StudentOut]},
    tags=PROFESSOR_TAGS,
)
def professor_students(actor: User, query: StudentsQuery) -> Response:
    rows = subjects.professor_students(actor, query.subject_id, query.skip, query.limit)
    return respond([presenters.student(r) for r in rows])


@bp.get("/professor/subjects/<subject_id>/analytics")
@auth_required()
@endpoint(
    "Analytics of a subject (its professor or an admin)",
    responses={200: AnalyticsOut},
    tags=PROFESSOR_TAGS,
)
def subject_analytics(actor: User, subject_id: str) -> Response:
    subject = subjects.get(subject_id)
    return respond(presenters.analytics(subjects.analytics(actor, subject)))
