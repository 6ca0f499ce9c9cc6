"""The role map of DESIGN.md in one table: internal roles and what each surface calls them.

A user holds a set of internal roles. Surfaces with a single role field show the highest-ranked
one; SmartAIExam shows portals ("user", "admin", "user,admin").
"""

from __future__ import annotations

from collections.abc import Iterable

STUDENT, TEACHER, MANAGER, PROCTOR, ADMIN = "student", "teacher", "manager", "proctor", "admin"
INTERNAL_ROLES = (STUDENT, TEACHER, MANAGER, PROCTOR, ADMIN)
STAFF_ROLES = frozenset({TEACHER, MANAGER, PROCTOR, ADMIN})
# Highest first: decides the single role shown by surfaces with one role field.
RANK = (ADMIN, MANAGER, TEACHER, PROCTOR, STUDENT)

SMARTAIEXAM, ADAPTIVE, PN, BACKEND, PROCTORX = (
    "smartaiexam",
    "adaptive",
    "pn",
    "backend",
    "proctorx",
)

ROLE_MAP: dict[str, dict[str, str | None]] = {
    #          SmartAIExam  AdaptiveTest  PN Academy             Backend      ProctorX
    STUDENT: {SMARTAIEXAM: "user", ADAPTIVE: "student", PN: "student", BACKEND: "STUDENT", PROCTORX: "student"},
    TEACHER: {SMARTAIEXAM: "admin", ADAPTIVE: "reviewer", PN: "assessment_manager", BACKEND: "PROFESSOR", PROCTORX: "institute"},
    MANAGER: {SMARTAIEXAM: "admin", ADAPTIVE: "manager", PN: "assessment_manager", BACKEND: "PROFESSOR", PROCTORX: "institute"},
    PROCTOR: {SMARTAIEXAM: "admin", ADAPTIVE: None, PN: "proctor", BACKEND: "PROFESSOR", PROCTORX: "institute"},
    ADMIN: {SMARTAIEXAM: "admin", ADAPTIVE: "admin", PN: "admin", BACKEND: "ADMIN", PROCTORX: "institute"},
}  # fmt: skip

# The internal role a surface's value grants when the user does not already hold one that maps
# to it: the least privileged fit.
CANONICAL: dict[str, dict[str, str]] = {
    ADAPTIVE: {"student": STUDENT, "reviewer": TEACHER, "manager": MANAGER, "admin": ADMIN},
    PN: {"student": STUDENT, "assessment_manager": TEACHER, "proctor": PROCTOR, "admin": ADMIN},
    BACKEND: {"STUDENT": STUDENT, "PROFESSOR": TEACHER, "ADMIN": ADMIN},
    PROCTORX: {"student": STUDENT, "institute": TEACHER},
}

SMARTAIEXAM_ROLES = ("user", "admin", "user,admin")


def ordered(roles: Iterable[str]) -> list[str]:
    held = set(roles)
    return [r for r in INTERNAL_ROLES if r in held]


def surface_role(roles: Iterable[str], surface: str) -> str | None:
    """The single role a surface shows for this set of internal roles."""
    held = set(roles)
    if surface == SMARTAIEXAM:
        return ",".join(portals(held)) or None
    for role in RANK:
        value = ROLE_MAP[role][surface]
        if role in held and value:
            return value
    return None


def portals(roles: Iterable[str]) -> list[str]:
    held = set(roles)
    found = [p for p in ("user", "admin") if any(ROLE_MAP[r][SMARTAIEXAM] == p for r in held)]
    return found


def parse_smartaiexam_role(value: str) -> set[str] | None:
    """'user', 'admin', 'user,admin' (any order, spaces allowed) -> portal set; None if invalid."""
    parts = {p.strip() for p in (value or "").split(",") if p.strip()}
    if not parts or not parts <= {"user", "admin"}:
        return None
    return parts


def roles_for(surface: str, value: str, current: Iterable[str]) -> set[str] | None:
    """Internal roles after setting `value` on `surface`; None when the value is not valid there.

    Roles the user already holds that map to the requested value are kept, so a manager set to
    PROFESSOR through the Backend API stays a manager rather than becoming a teacher.
    """
    held = set(current)
    if surface == SMARTAIEXAM:
        wanted = parse_smartaiexam_role(value)
        if wanted is None:
            return None
        result = {STUDENT} if "user" in wanted else set()
        if "admin" in wanted:
            result |= (held & STAFF_ROLES) or {TEACHER}
        return result
    mapping = CANONICAL[surface]
    if value not in mapping:
        return None
    keep = {r for r in held if ROLE_MAP[r][surface] == value}
    return keep or {mapping[value]}


def shown_as(surface: str, value: str) -> list[tuple[str, set[str]]]:
    """Who a single-role surface shows as `value`, for list filters: a holder of `role` who holds
    none of the `outranking` roles, for any (role, outranking) pair returned. Empty when no
    internal role maps to `value`."""
    pairs = []
    for i, role in enumerate(RANK):
        if ROLE_MAP[role][surface] == value:
            above = {r for r in RANK[:i] if ROLE_MAP[r][surface] not in (None, value)}
            pairs.append((role, above))
    return pairs


def is_staff(roles: Iterable[str]) -> bool:
    return bool(set(roles) & STAFF_ROLES)
