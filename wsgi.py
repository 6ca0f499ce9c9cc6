"""Entry point for gunicorn (`wsgi:app`) and the flask CLI (`flask --app wsgi`)."""

from dotenv import load_dotenv

load_dotenv()  # .env next to this file, if present; the environment wins

from app import create_app  # noqa: E402 - settings must be in the environment first

app = create_app()
