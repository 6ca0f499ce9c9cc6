"""Exam categories: shared by every author of the institute, each with an optional picture."""
