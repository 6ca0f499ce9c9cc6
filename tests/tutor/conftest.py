"""Tutor fixtures: the subject factory of tests/subjects (a subject, enrolment, a bank exam)."""

from tests.subjects.conftest import BANK, make_subject

__all__ = ["BANK", "make_subject"]
