"""The question pages (HTML): list, editor, bank and import. Importing the modules registers their
routes on the one blueprint."""

from app.questions.pages import bank, editor, importing, listing
from app.questions.pages.common import bp

__all__ = ["bank", "bp", "editor", "importing", "listing"]
