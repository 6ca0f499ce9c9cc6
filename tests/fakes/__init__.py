"""Fake external services for tests (a Groq-compatible chat completions server)."""
