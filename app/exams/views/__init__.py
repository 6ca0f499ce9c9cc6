"""Exam routes, split by concern: api (SmartAIExam's documented exam endpoints and status
changes), structure (sections, co-owners), pages (the list and the editor)."""
