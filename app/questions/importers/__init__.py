"""Question import: each format's parser turns a file into `ParsedRow`s (one per question, in
SmartAIExam's field names, or the reason the parser could not read it); `service` validates
them with the same rules as the API, previews and commits."""

from app.questions.importers.rows import FORMATS, ParsedRow, ParseResult, parse

__all__ = ["FORMATS", "ParseResult", "ParsedRow", "parse"]
