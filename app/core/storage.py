"""Uploaded files on local disk (instance/uploads), served at /uploads/<key>.

Files follow the database transaction that refers to them: a file saved during a request is
removed again if that transaction rolls back, and a file released with `delete_on_commit` is
removed only once the change that stopped using it has committed. So a failed request never
leaves an orphan on disk, and a row never points at a file that is already gone.

Images are accepted by what they decode as, never by their name or declared type: Pillow must
recognise and fully decode the bytes, and the stored name's extension (hence the Content-Type it
is served with) comes from the format it found. Keys are random, so a URL cannot be guessed; the
files themselves are served to anyone who has the URL (category pictures, question images).

An S3 backend can replace the functions below without changing their callers.
"""

from __future__ import annotations

import io
import os
import re
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app, send_file
from PIL import Image, UnidentifiedImageError
from sqlalchemy import event

from app.core.errors import Invalid
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import db

URL_PREFIX = "/uploads/"
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # a 5 MB file that decodes to more is a decompression bomb
# Pillow format -> (stored extension, Content-Type). SVG is not here on purpose: it can carry
# script.
IMAGE_FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = {ext: ctype for ext, ctype in IMAGE_FORMATS.values()}
ACCEPTED = "PNG, JPEG, GIF or WebP"
_KEY = re.compile(r"^(?:[a-z0-9_-]+/)*[0-9a-f]{32}\.(?:png|jpg|gif|webp)$")
_FOLDER = re.compile(r"^[a-z0-9_-]+(?:/[a-z0-9_-]+)*$")

_NEW = "storage.saved"  # session.info: paths written in this transaction
_RELEASED = "storage.released"  # session.info: paths to remove once it commits


@dataclass(frozen=True)
class StoredFile:
    key: str
    url: str
    content_type: str
    size: int


def upload_root() -> Path:
    configured = current_app.config.get("UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def path_for(key: str) -> Path | None:
    """The file for a key, or None for anything that is not one of our keys (so `..`, absolute
    paths, encoded separators and other names never reach the file system)."""
    if not _KEY.fullmatch(key or ""):
        return None
    root = upload_root().resolve()
    path = (root / key).resolve()
    return path if path.is_relative_to(root) else None


def url_for_key(key: str) -> str:
    return URL_PREFIX + key


def key_for_url(url: str | None) -> str | None:
    """The key of a file we store, from its URL; None for external URLs (Google Drive, say)."""
    if not url or not url.startswith(URL_PREFIX):
        return None
    key = url[len(URL_PREFIX) :]
    return key if _KEY.fullmatch(key) else None


def check_image(data: bytes, field: str = "image") -> tuple[str, str]:
    """(extension, content type) of an image that really decodes; Invalid otherwise."""
    if len(data) > MAX_IMAGE_BYTES:
        _reject(field, "The image is larger than 5 MB.")
    if not data:
        _reject(field, "The file is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                if fmt not in IMAGE_FORMATS:
                    _reject(field, f"Upload an image: {ACCEPTED}.")
                if probe.width * probe.height > MAX_IMAGE_PIXELS:
                    _reject(field, "The image has too many pixels.")
                probe.verify()  # structure and checksums
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # and every pixel decodes
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        _reject(field, f"The file is not an image Examhall accepts ({ACCEPTED}).")
    except (OSError, SyntaxError, ValueError):
        _reject(field, f"The image is damaged or incomplete ({ACCEPTED} expected).")
    return IMAGE_FORMATS[fmt]


def read_limited(stream: Any, limit: int = MAX_IMAGE_BYTES) -> bytes:
    """At most limit + 1 bytes: enough to tell an oversized upload without reading all of it."""
    return stream.read(limit + 1)


def save_image(data: bytes, folder: str, field: str = "image") -> StoredFile:
    """Check and store an image under `folder`; removed again if the transaction rolls back."""
    if not _FOLDER.fullmatch(folder):
        raise ValueError(f"bad upload folder {folder!r}")
    ext, content_type = check_image(data, field)
    key = f"{folder}/{uuid.uuid4().hex}.{ext}"
    path = upload_root() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # readers never see a half-written file
    db.session.info.setdefault(_NEW, []).append(path)
    return StoredFile(key=key, url=url_for_key(key), content_type=content_type, size=len(data))


def delete_on_commit(url_or_key: str | None) -> None:
    """Remove a stored file once the current transaction commits (nothing for external URLs)."""
    key = key_for_url(url_or_key) or (url_or_key if _KEY.fullmatch(url_or_key or "") else None)
    path = path_for(key) if key else None
    if path is not None:
        db.session.info.setdefault(_RELEASED, []).append(path)


def _reject(field: str, message: str) -> None:
    raise Invalid(
        f"{field}: {message}", fields=[{"loc": ["body", field], "msg": message, "type": "image"}]
    )


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


@event.listens_for(db.session, "after_commit")
def _after_commit(session: Any) -> None:
    session.info.pop(_NEW, None)
    _unlink(session.info.pop(_RELEASED, []))


@event.listens_for(db.session, "after_soft_rollback")
def _after_rollback(session: Any, previous_transaction: Any) -> None:
    if previous_transaction.parent is not None:  # a savepoint: the outer transaction goes on
        return
    session.info.pop(_RELEASED, None)
    _unlink(session.info.pop(_NEW, []))


# Serving ------------------------------------------------------------------------------------

bp = surface_blueprint("uploads", __name__, Surface.WEB)


@bp.get("/uploads/<path:key>")
def serve(key: str) -> Response:
    """Stored files, with the type their format was checked as and never sniffed."""
    path = path_for(key)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=CONTENT_TYPES[path.suffix[1:]], max_age=31536000)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.public = False  # the key never changes content; keep it off proxies
    response.cache_control.private = True
    response.cache_control.immutable = True
    return response
