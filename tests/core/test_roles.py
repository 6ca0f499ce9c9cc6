"""The role map: what each surface calls a set of internal roles, and what setting a surface
role does to them."""

from __future__ import annotations

import pytest

from app.core import roles as R


@pytest.mark.parametrize(
    ("held", "sae", "adaptive", "pn", "backend", "proctorx"),
    [
        ({"student"}, "user", "student", "student", "STUDENT", "student"),
        ({"teacher"}, "admin", "reviewer", "assessment_manager", "PROFESSOR", "institute"),
        ({"manager"}, "admin", "manager", "assessment_manager", "PROFESSOR", "institute"),
        ({"proctor"}, "admin", None, "proctor", "PROFESSOR", "institute"),
        ({"admin"}, "admin", "admin", "admin", "ADMIN", "institute"),
        (
            {"student", "teacher"},
            "user,admin",
            "reviewer",
            "assessment_manager",
            "PROFESSOR",
            "institute",
        ),
        (
            {"proctor", "teacher"},
            "admin",
            "reviewer",
            "assessment_manager",
            "PROFESSOR",
            "institute",
        ),
    ],
)
def test_surface_role(held, sae, adaptive, pn, backend, proctorx):
    assert R.surface_role(held, R.SMARTAIEXAM) == sae
    assert R.surface_role(held, R.ADAPTIVE) == adaptive
    assert R.surface_role(held, R.PN) == pn
    assert R.surface_role(held, R.BACKEND) == backend
    assert R.surface_role(held, R.PROCTORX) == proctorx


def test_portals():
    assert R.portals({"student"}) == ["user"]
    assert R.portals({"admin", "student"}) == ["user", "admin"]
    assert R.portals({"manager"}) == ["admin"]


def test_setting_smartaiexam_roles():
    assert R.roles_for(R.SMARTAIEXAM, "user", {"teacher"}) == {"student"}
    assert R.roles_for(R.SMARTAIEXAM, "admin", {"student"}) == {"teacher"}
    assert R.roles_for(R.SMARTAIEXAM, "user,admin", {"manager"}) == {"student", "manager"}
    assert R.roles_for(R.SMARTAIEXAM, "admin, user", {"student"}) == {"student", "teacher"}
    assert R.roles_for(R.SMARTAIEXAM, "superuser", {"student"}) is None
    assert R.roles_for(R.SMARTAIEXAM, "", {"student"}) is None


def test_setting_single_role_surfaces_keeps_roles_that_already_fit():
    assert R.roles_for(R.BACKEND, "PROFESSOR", {"manager", "proctor"}) == {"manager", "proctor"}
    assert R.roles_for(R.BACKEND, "PROFESSOR", {"student"}) == {"teacher"}
    assert R.roles_for(R.BACKEND, "ADMIN", {"student"}) == {"admin"}
    assert R.roles_for(R.BACKEND, "STUDENT", {"admin"}) == {"student"}
    assert R.roles_for(R.BACKEND, "professor", {"student"}) is None
    assert R.roles_for(R.PN, "assessment_manager", {"student"}) == {"teacher"}
    assert R.roles_for(R.PN, "proctor", {"teacher"}) == {"proctor"}
    assert R.roles_for(R.PROCTORX, "institute", {"admin"}) == {"admin"}
    assert R.roles_for(R.ADAPTIVE, "reviewer", {"student"}) == {"teacher"}


def test_every_internal_role_has_a_value_on_every_surface_but_adaptive_proctor():
    for role in R.INTERNAL_ROLES:
        for surface in (R.SMARTAIEXAM, R.PN, R.BACKEND, R.PROCTORX):
            assert R.ROLE_MAP[role][surface]
