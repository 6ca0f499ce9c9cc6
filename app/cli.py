"""`flask --app wsgi users ...` and `flask --app wsgi demo seed`."""

from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app import demo
from app.attempts.jobs import close_overdue_now
from app.core import roles as R
from app.core.errors import AppError
from app.extensions import db
from app.users import services as users

users_cli = AppGroup("users", help="Create accounts and change roles.")
demo_cli = AppGroup("demo", help="Demo data for a first look.")
attempts_cli = AppGroup("attempts", help="Exam attempts: submit those whose time ran out.")

ROLE = click.Choice(R.INTERNAL_ROLES)


@users_cli.command("create")
@click.argument("username")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", "roles", type=ROLE, multiple=True, required=True)
@click.option("--full-name", default="")
def create_user(
    username: str, email: str, password: str, roles: tuple[str, ...], full_name: str
) -> None:
    """Create an account with the given internal roles; prints the new id."""
    try:
        user = users.create_user(
            username=username, email=email, password=password, roles=set(roles), full_name=full_name
        )
        db.session.commit()
    except AppError as err:
        db.session.rollback()
        raise click.ClickException(err.message) from None
    click.echo(user.id)


@users_cli.command("set-roles")
@click.argument("username")
@click.option("--role", "roles", type=ROLE, multiple=True, required=True)
def set_roles(username: str, roles: tuple[str, ...]) -> None:
    """Replace a user's roles (the operator acts as admin)."""
    user = users.by_username(username)
    if user is None:
        raise click.ClickException(f"No user named {username!r}")
    try:
        users.apply_roles(user, set(roles))
        db.session.commit()
    except AppError as err:
        db.session.rollback()
        raise click.ClickException(err.message) from None
    click.echo(f"{user.username}: {', '.join(R.ordered(user.roles))}")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def seed(if_empty: bool) -> None:
    """Create demo accounts, a category and a sample exam, and print how to sign in."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException(
            "Refusing to seed demo data in production: its passwords are published in the README."
        )
    if if_empty and not current_app.config["DEMO_DATA"]:
        click.echo("EXAMHALL_DEMO=0: no demo data.")
        return
    if not demo.is_empty():
        if if_empty:
            click.echo("Database already has data; demo seed skipped.")
            return
        raise click.ClickException(
            "The database already has users; demo data goes only into an empty one."
        )
    accounts = demo.seed()
    db.session.commit()
    click.echo("Demo data created. Sign in at /login with:")
    for a in accounts:
        click.echo(f"  {a.username:<10} {a.password:<20} ({', '.join(a.roles)})")


@attempts_cli.command("close-overdue")
@click.option(
    "--every",
    type=click.IntRange(min=5),
    default=None,
    help="Keep running, checking every N seconds (what `make run` does without Redis).",
)
def close_overdue(every: int | None) -> None:
    """Submit attempts left open past their deadline, with their last saved answers."""
    while True:
        closed = close_overdue_now()
        if every is None:
            click.echo(f"{closed} attempt(s) submitted")
            return
        db.session.remove()
        time.sleep(every)


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(attempts_cli)
