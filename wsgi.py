"""Entry point for gunicorn (`wsgi:app`) and the flask CLI (`flask --app wsgi`)."""

from dotenv import find_dotenv, load_dotenv

# .env in the working directory (the Procfile's processes start in the project folder), if
# present; the environment wins. The rq worker reads the same file (app/core/jobs.py).
load_dotenv(find_dotenv(usecwd=True))

from app import create_app  # noqa: E402 - settings must be in the environment first

app = create_app()
