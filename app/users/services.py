"""Accounts: creation, lookup, profile, roles and deletion."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Select, and_, delete, false, func, or_, select, update

from app.auth.passwords import hash_password
from app.core import roles as R
from app.core.errors import Forbidden, Invalid, NotFound
from app.core.signals import account_deleting
from app.extensions import db
from app.models import AccessRequest, Exam, RefreshToken, User, UserRole, exam_co_owners

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{3,80}$")
MIN_PASSWORD = 8


def normalize_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise Invalid(
            f"Invalid email address: {exc}",
            code="invalid_email",
            fields=[
                {
                    "loc": ["body", "email"],
                    "msg": "value is not a valid email address",
                    "type": "value_error.email",
                }
            ],
        ) from None


def check_username(username: str) -> str:
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise Invalid(
            "Username must be 3-80 characters: letters, digits, '.', '_' or '-'",
            code="invalid_username",
            fields=[
                {"loc": ["body", "username"], "msg": "invalid username", "type": "value_error"}
            ],
        )
    return username


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Invalid(
            f"Password must be at least {MIN_PASSWORD} characters",
            code="weak_password",
            fields=[
                {"loc": ["body", "password"], "msg": "password too short", "type": "value_error"}
            ],
        )
    return password


def by_username(username: str) -> User | None:
    return db.session.scalar(
        select(User).where(func.lower(User.username) == username.strip().lower())
    )


def by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def by_login(identifier: str) -> User | None:
    """Username or e-mail, as SmartAIExam's login accepts either."""
    ident = (identifier or "").strip()
    if not ident:
        return None
    return by_email(ident) if "@" in ident else by_username(ident)


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("User not found")
    return user


def get_by_username(username: str) -> User:
    user = by_username(username)
    if user is None:
        raise NotFound("User not found")
    return user


def unique_username(base: str) -> str:
    """A free username derived from an e-mail local part or a display name."""
    stem = re.sub(r"[^A-Za-z0-9_.\-]", "", base)[:70] or "user"
    if len(stem) < 3:
        stem = (stem + "user")[:70]
    candidate, n = stem, 1
    while by_username(candidate) is not None:
        n += 1
        candidate = f"{stem}{n}"
    return candidate


def username_from_email(email: str) -> str:
    """For sign-ups that give only an e-mail (PN Academy, Google): its local part, made unique."""
    return unique_username(email.split("@", 1)[0])


def create_user(
    *,
    username: str,
    email: str,
    password: str | None,
    roles: Iterable[str],
    full_name: str = "",
    **profile: Any,
) -> User:
    username = check_username(username)
    email = normalize_email(email)
    if by_username(username) is not None:
        raise Invalid("Username already exists", code="username_taken")
    if by_email(email) is not None:
        raise Invalid("Email already exists", code="email_taken")
    role_set = set(roles) or {R.STUDENT}
    unknown = role_set - set(R.INTERNAL_ROLES)
    if unknown:
        raise Invalid(f"Unknown role: {', '.join(sorted(unknown))}", code="invalid_role")
    user = User(
        username=username,
        email=email,
        full_name=(full_name or "").strip(),
        password_hash=hash_password(check_password(password)) if password is not None else None,
        preferences={},
        **profile,
    )
    user.role_rows = [UserRole(role=r) for r in R.ordered(role_set)]
    db.session.add(user)
    db.session.flush()
    return user


def set_roles(actor: User, user: User, roles: Iterable[str]) -> User:
    """Only an admin changes roles through the product; the operator's CLI calls apply_roles."""
    if not actor.has_role(R.ADMIN):
        raise Forbidden("Only an admin can change roles")
    return apply_roles(user, roles)


def apply_roles(user: User, roles: Iterable[str]) -> User:
    """Replace the user's roles; no change may leave the institute without an admin."""
    new = set(roles)
    if not new or new - set(R.INTERNAL_ROLES):
        raise Invalid("Invalid role", code="invalid_role")
    if R.ADMIN in user.roles and R.ADMIN not in new and count_admins(lock=True) <= 1:
        raise Invalid("Cannot remove the last admin", code="last_admin")
    assign_roles(user, new)
    return user


def assign_roles(user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    user.role_rows = [r for r in user.role_rows if r.role in wanted] + [
        UserRole(role=r) for r in R.ordered(wanted - user.roles)
    ]
    db.session.flush()


def count_admins(*, lock: bool = False) -> int:
    """With lock, the admin role rows stay locked until the transaction ends (PostgreSQL), so
    two admins demoting each other at once cannot both see "one other admin left"."""
    stmt = select(UserRole.user_id).where(UserRole.role == R.ADMIN)
    if lock:
        stmt = stmt.with_for_update()
    return len(db.session.scalars(stmt).all())


def update_profile(user: User, **changes: Any) -> User:
    """Full name, e-mail, bio, avatar URL and preferences; e-mail stays unique."""
    if "email" in changes and changes["email"] is not None:
        email = normalize_email(changes.pop("email"))
        other = by_email(email)
        if other is not None and other.id != user.id:
            raise Invalid("Email already in use", code="email_taken")
        if email != user.email:  # a new address is unproved until a reset link or Google says so
            user.email_verified_at = None
        user.email = email
    for key in ("full_name", "bio", "avatar_url"):
        if changes.get(key) is not None:
            setattr(user, key, changes[key].strip())
    if changes.get("preferences") is not None:
        user.preferences = {**(user.preferences or {}), **changes["preferences"]}
    db.session.flush()
    return user


def delete_account(user: User) -> None:
    """Remove the user and their data children-first, so it works with or without ON DELETE
    CASCADE support (SQLite without the pragma, for one)."""
    if R.ADMIN in user.roles and count_admins(lock=True) <= 1:
        raise Invalid("The last admin cannot delete their account", code="last_admin")
    account_deleting.send(user)
    db.session.execute(delete(RefreshToken).where(RefreshToken.user_id == user.id))
    db.session.execute(
        AccessRequest.__table__.update()
        .where(AccessRequest.decided_by_id == user.id)
        .values(decided_by_id=None)
    )
    db.session.execute(delete(AccessRequest).where(AccessRequest.user_id == user.id))
    db.session.execute(delete(exam_co_owners).where(exam_co_owners.c.user_id == user.id))
    db.session.execute(update(Exam).where(Exam.owner_id == user.id).values(owner_id=None))
    db.session.delete(user)  # role rows go with it (ORM cascade)
    db.session.flush()


def search(q: str = "") -> Select:
    """A select of users matching a text query, for the paginated admin lists."""
    stmt = select(User).order_by(User.id)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(User.username).like(like),
                func.lower(User.email).like(like),
                func.lower(User.full_name).like(like),
            )
        )
    return stmt


def set_surface_role(actor: User, user: User, surface: str, value: str) -> User:
    """Set the role a surface shows (Backend's "PROFESSOR", say) through the role map."""
    roles = R.roles_for(surface, value, user.roles)
    if roles is None:
        raise Invalid("Invalid role", code="invalid_role")
    return set_roles(actor, user, roles)


# SmartAIExam role management (000_…, "Admin JSON APIs"): roles in SmartAIExam's vocabulary,
# "user", "admin" or "user,admin", mapped through the role table.

SAE_ROLE_FILTERS = ("user", "admin", "both")
SAE_ROLES_HELP = "Roles: user | admin | user,admin"
MAX_BULK_UPDATES = 500


def _holds_any(roles: Iterable[str]):
    return User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(sorted(roles))))


def sae_portal_clause(role_filter: str):
    """Filter "user" or "admin" means that portal only and "both" means both, as the stats
    count them."""
    has_user, has_admin = _holds_any({R.STUDENT}), _holds_any(R.STAFF_ROLES)
    if role_filter == "user":
        return has_user & ~has_admin
    if role_filter == "admin":
        return has_admin & ~has_user
    if role_filter == "both":
        return has_user & has_admin
    raise Invalid(
        "Invalid role filter. Use user | admin | both",
        code="invalid_role_filter",
        fields=[
            {"loc": ["query", "role"], "msg": "must be user, admin or both", "type": "value_error"}
        ],
    )


def sae_search(q: str = "", role_filter: str | None = None):
    """Users matching `q` and holding exactly the SmartAIExam role `role_filter`."""
    stmt = search(q)
    if role_filter:
        stmt = stmt.where(sae_portal_clause(role_filter))
    return stmt


def sae_role_stats() -> dict[str, int]:
    def count(*where) -> int:
        return db.session.scalar(select(func.count()).select_from(User).where(*where)) or 0

    return {
        "total_users": count(),
        "user_role": count(sae_portal_clause("user")),
        "admin_role": count(sae_portal_clause("admin")),
        "both_roles": count(sae_portal_clause("both")),
    }


def sae_roles(new_role: str, current: Iterable[str], loc: list | None = None) -> set[str]:
    """Internal roles after setting a SmartAIExam role string; 400 for anything else."""
    roles = R.roles_for(R.SMARTAIEXAM, new_role, current) if isinstance(new_role, str) else None
    if roles is None:
        raise Invalid(
            f"Invalid role '{new_role}'. {SAE_ROLES_HELP}",
            code="invalid_role",
            fields=[
                {"loc": loc or ["body", "new_role"], "msg": SAE_ROLES_HELP, "type": "value_error"}
            ],
        )
    return roles


def _require_admin(actor: User) -> None:
    if not actor.has_role(R.ADMIN):
        raise Forbidden("Only an admin can change roles")


def update_role(actor: User, user_id: int, new_role: str) -> User:
    _require_admin(actor)
    user = get_user(user_id)
    return set_roles(actor, user, sae_roles(new_role, user.roles))


def bulk_update_roles(actor: User, updates: list[tuple[int, str]]) -> list[User]:
    """All or nothing: every item is checked (user exists, role valid, no duplicates, an admin
    remains afterwards) before any role changes. Errors name the offending item."""
    _require_admin(actor)
    if not updates:
        raise Invalid("updates must contain at least one item", code="empty_updates")
    if len(updates) > MAX_BULK_UPDATES:
        raise Invalid(f"At most {MAX_BULK_UPDATES} updates per request", code="too_many_updates")
    planned: list[tuple[User, set[str]]] = []
    seen: set[int] = set()
    for i, (user_id, new_role) in enumerate(updates):
        label = f"updates[{i}] (user_id {user_id})"
        if user_id in seen:
            raise Invalid(f"{label}: duplicate user_id", code="duplicate_user")
        seen.add(user_id)
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound(f"{label}: User not found")
        try:
            roles = sae_roles(new_role, user.roles, loc=["body", "updates", i, "new_role"])
        except Invalid as err:
            raise Invalid(f"{label}: {err.message}", code=err.code, fields=err.fields) from None
        planned.append((user, roles))
    demoted = [
        i for i, (u, roles) in enumerate(planned) if R.ADMIN in u.roles and R.ADMIN not in roles
    ]
    promoted = sum(1 for u, roles in planned if R.ADMIN not in u.roles and R.ADMIN in roles)
    if demoted and count_admins(lock=True) - len(demoted) + promoted < 1:
        i = demoted[-1]
        raise Invalid(
            f"updates[{i}] (user_id {planned[i][0].id}): Cannot remove the last admin",
            code="last_admin",
        )
    for user, roles in planned:
        assign_roles(user, roles)
    return [user for user, _ in planned]


def where_shown_as(stmt: Select, surface: str, value: str) -> Select:
    """Narrow a select of users to those `surface` shows with the single role `value` (the
    highest-ranked mapping, as roles.surface_role decides)."""
    clauses = []
    for role, outranking in R.shown_as(surface, value):
        holds = User.id.in_(select(UserRole.user_id).where(UserRole.role == role))
        if outranking:
            above = select(UserRole.user_id).where(UserRole.role.in_(outranking))
            holds = and_(holds, User.id.not_in(above))
        clauses.append(holds)
    return stmt.where(or_(*clauses) if clauses else false())
