"""Question images are links: an https URL, a path on this site (an uploaded file), or a Google
Drive share link. Teachers paste Drive *share* links, which open Drive's viewer page rather than
the picture, so they are rewritten to Drive's direct image URL once, when the question is saved,
and the exam player never has to resolve them."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from app.core import storage
from app.extensions import db
from app.models import Question

DRIVE_HOSTS = frozenset({"drive.google.com", "docs.google.com"})
DRIVE_DIRECT = "https://drive.google.com/uc?export=view&id={id}"
MAX_LENGTH = 500  # the column's size

_ACCOUNT = re.compile(r"/u/\d+(?=/)")  # /u/0/: which signed-in account shared it
_FILE_PATH = re.compile(r"^/file/d/([A-Za-z0-9_-]+)(?:/|$)")
_ID = re.compile(r"^[A-Za-z0-9_-]+$")


class ImageLinkError(ValueError):
    """The link cannot be used as a question image; the message says why."""


def drive_file_id(url: str) -> str | None:
    """The file id of a Google Drive link (`/file/d/<ID>/view`, `open?id=<ID>`,
    `uc?id=<ID>`), or None when the URL is not a Drive file link."""
    parts = urlsplit(url.strip())
    if (parts.hostname or "").lower() not in DRIVE_HOSTS:
        return None
    path = _ACCOUNT.sub("", parts.path)
    match = _FILE_PATH.match(path)
    if match:
        return match.group(1)
    if path.rstrip("/") in ("/open", "/uc"):
        ids = parse_qs(parts.query).get("id", [])
        if ids and _ID.match(ids[0]):
            return ids[0]
    return None


def resolve_drive_link(url: str) -> str:
    """A Drive share link as the direct image URL; any other URL unchanged."""
    file_id = drive_file_id(url)
    return DRIVE_DIRECT.format(id=file_id) if file_id else url


UPLOAD_FOLDER = "questions"


def clean_image_url(value: str) -> str:
    """The URL to store for a question image, or '' for none. Raises ImageLinkError for
    anything a browser should not be sent to load: http (mixed content), other schemes, Drive
    links without a file id (a folder), protocol-relative URLs."""
    url = (value or "").strip()
    if not url:
        return ""
    if url.startswith("/") and not url.startswith("//"):
        # Only an uploaded question image: any other path on the site would make every viewer's
        # browser GET it (/logout, say), and a category's picture is not the question's to own.
        key = storage.key_for_url(url)
        if key is None or not key.startswith(UPLOAD_FOLDER + "/"):
            raise ImageLinkError("a path on this site must be an uploaded question image")
        return url
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ImageLinkError("must be an https:// URL or a path on this site starting with /")
    if parts.hostname.lower() in DRIVE_HOSTS:
        file_id = drive_file_id(url)
        if file_id is None:
            raise ImageLinkError(
                "this Google Drive link names no file (share the image file, not a folder)"
            )
        return DRIVE_DIRECT.format(id=file_id)
    return _fit(url)


def _fit(url: str) -> str:
    if len(url) > MAX_LENGTH:
        raise ImageLinkError(f"at most {MAX_LENGTH} characters")
    return url


def release_unused_images(urls: set[str]) -> None:
    """Uploaded pictures that no question shows any more are deleted once the change commits
    (a duplicated question shares its picture, so each file is checked, not assumed)."""
    for url in urls:
        if storage.key_for_url(url) is None:
            continue  # an https or Drive link: not ours to delete
        still_used = db.session.scalar(
            select(func.count()).select_from(Question).where(Question.image_url == url)
        )
        if not still_used:
            storage.delete_on_commit(url)
