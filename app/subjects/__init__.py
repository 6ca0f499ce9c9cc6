"""Subjects: courses with a professor and a teaching guide, enrolment, and what professors see
of their students (Backend document)."""
