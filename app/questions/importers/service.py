"""Import with a preview: nothing is written until the author has seen which rows are valid and
why the others are not.

`preview_import` checks the file, keeps it under instance/uploads/imports/<random>.<ext> and
returns a signed token (itsdangerous; the actor, the exam, the format, the file and its SHA-256;
valid for an hour). `commit_import` takes the token instead of a second upload, claims the file
(an atomic rename, so a double-clicked commit inserts once), checks it again and inserts the
valid rows. `import_now` does both in one step (the documented import-csv endpoint).

Valid rows are inserted even when others are rejected: the result says how many went in and why
each rejected row was refused. A problem with the whole file (not UTF-8, no header) is a 400.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from app.core.errors import Forbidden, Invalid, PayloadTooLarge
from app.exams.access import manageable_exam
from app.extensions import db
from app.models import Section, User
from app.questions.importers.rows import EXTENSIONS, stream
from app.questions.presenters import preview_json
from app.questions.services import insert_rows
from app.questions.validation import clean

TOKEN_SALT = "examhall.questions.import"
TOKEN_MAX_AGE = 3600
MAX_FILE_BYTES = 16 * 1024 * 1024
STORED_NAME = re.compile(r"^[A-Za-z0-9_-]{20,}\.(csv|gift|txt)$")


@dataclass
class Checked:
    """A file read and validated against one exam; nothing written."""

    exam_id: int
    fmt: str
    valid: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def preview(self) -> dict[str, Any]:
        return {
            "exam_id": self.exam_id,
            "format": self.fmt,
            "valid": len(self.valid),
            "skipped": len(self.errors),
            "questions": [preview_json(row, fields) for row, fields in self.valid],
            "errors": self.errors,
            "ignored_columns": self.ignored_columns,
        }


def check(actor: User, exam_id: int, fmt: str, content: bytes) -> Checked:
    """Parse and validate, exactly as the commit will."""
    exam = manageable_exam(actor, exam_id)
    if len(content) > MAX_FILE_BYTES:
        raise PayloadTooLarge(f"An import file may be at most {MAX_FILE_BYTES // 2**20} MB")
    parsed = stream(fmt, content)
    sections = {
        s.name.strip().lower(): s.id
        for s in db.session.scalars(select(Section).where(Section.exam_id == exam.id))
    }
    section_ids = set(sections.values())
    result = Checked(exam_id=exam.id, fmt=fmt, ignored_columns=parsed.ignored_columns)
    where = (lambda row: "") if fmt == "csv" else (lambda row: f"line {row}: ")
    for row in parsed.rows:
        if row.error is not None or row.data is None:
            result.errors.append({"row": row.row, "reason": row.error or "unreadable"})
            continue
        data = row.data
        if row.section:
            if row.section.lower() not in sections:
                reason = f"section: this exam has no section named {row.section!r}"
                result.errors.append({"row": row.row, "reason": where(row.row) + reason})
                continue
            data["section_id"] = sections[row.section.lower()]
        try:
            result.valid.append((row.row, clean(data, section_ids=section_ids)))
        except Invalid as exc:
            reason = exc.message
            if fmt == "csv":
                reason = reason.replace("image_path", "image_url")
            result.errors.append({"row": row.row, "reason": where(row.row) + reason})
    return result


def _outcome(checked: Checked) -> dict[str, Any]:
    inserted = insert_rows(checked.exam_id, [fields for _, fields in checked.valid])
    return {
        "inserted": inserted,
        "skipped": len(checked.errors),
        "errors": checked.errors,
        "ignored_columns": checked.ignored_columns,
    }


def import_now(actor: User, exam_id: int, fmt: str, content: bytes) -> dict[str, Any]:
    """Check and insert in one step: {inserted, skipped, errors, ignored_columns}."""
    return _outcome(check(actor, exam_id, fmt, content))


# Preview and commit -------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def imports_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads" / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sweep(folder: Path) -> None:
    """Previews never committed: their files go once their token can no longer be used."""
    cutoff = time.time() - TOKEN_MAX_AGE - 60
    for old in folder.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:
            pass  # another worker swept it first


def preview_import(actor: User, exam_id: int, fmt: str, content: bytes) -> dict[str, Any]:
    """The checked file, kept for the commit, and the token the commit takes:
    {exam_id, format, valid, skipped, questions, errors, ignored_columns, token, expires_in}."""
    checked = check(actor, exam_id, fmt, content)
    folder = imports_dir()
    _sweep(folder)
    name = secrets.token_urlsafe(24) + EXTENSIONS[fmt]
    (folder / name).write_bytes(content)
    claims = {
        "uid": actor.id,
        "exam": checked.exam_id,
        "fmt": fmt,
        "file": name,
        "sha": hashlib.sha256(content).hexdigest(),
    }
    return {
        **checked.preview(),
        "token": _serializer().dumps(claims),
        "expires_in": TOKEN_MAX_AGE,
    }


def read_token(token: str) -> dict[str, Any]:
    try:
        claims = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except SignatureExpired:
        raise Invalid(
            "The import preview has expired (after an hour): upload the file again",
            code="import_token_expired",
        ) from None
    except BadSignature:
        raise Invalid("The import token is invalid", code="import_token_invalid") from None
    if not isinstance(claims, dict) or not STORED_NAME.match(str(claims.get("file", ""))):
        raise Invalid("The import token is invalid", code="import_token_invalid")
    return claims


def commit_import(actor: User, token: str, exam_id: int | None = None) -> dict[str, Any]:
    """Insert the valid rows of a previewed file: {exam_id, format, inserted, skipped, errors,
    ignored_columns}. The token is the preview's; only its author can commit it, once."""
    claims = read_token(token)
    if claims.get("uid") != actor.id:
        raise Forbidden("This import was previewed by another user")
    if exam_id is not None and exam_id != claims["exam"]:
        raise Invalid("exam_id does not match the exam the file was previewed for")
    manageable_exam(actor, claims["exam"])  # still theirs?
    stored = imports_dir() / claims["file"]
    claimed = stored.with_name(stored.name + ".committing")
    try:
        stored.rename(claimed)
    except FileNotFoundError:
        raise Invalid(
            "This import was already committed, or its preview is older than an hour: "
            "upload the file again",
            code="import_gone",
        ) from None
    try:
        content = claimed.read_bytes()
    finally:
        claimed.unlink(missing_ok=True)
    if hashlib.sha256(content).hexdigest() != claims["sha"]:
        raise Invalid("The previewed file has changed on the server: upload it again")
    checked = check(actor, claims["exam"], claims["fmt"], content)
    return {"exam_id": checked.exam_id, "format": checked.fmt, **_outcome(checked)}
