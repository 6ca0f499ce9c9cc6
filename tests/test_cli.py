"""`flask users ...` and `flask demo seed`, through the real click commands."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.auth.passwords import verify_password
from app.demo import DEMO_ACCOUNTS
from app.extensions import db
from app.models import Category, Exam, Question, User


@pytest.fixture
def cli(app: Flask):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(args=list(args))

    return invoke


def user(app: Flask, username: str) -> User | None:
    with app.app_context():
        found = db.session.scalar(select(User).where(User.username == username))
        if found is not None:
            found.roles  # noqa: B018 - load before the session closes
            db.session.expunge(found)
        return found


def count(app: Flask, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_users_create_prints_the_new_id(app, cli):
    result = cli(
        "users",
        "create",
        "asha",
        "--email",
        "Asha@Example.com",
        "--password",
        "long-enough-pw",
        "--role",
        "teacher",
        "--role",
        "student",
        "--full-name",
        "Asha Rao",
    )
    assert result.exit_code == 0, result.output
    created = user(app, "asha")
    assert result.output.strip() == str(created.id)
    assert created.email == "asha@example.com"
    assert created.full_name == "Asha Rao"
    assert set(created.roles) == {"teacher", "student"}
    with app.app_context():
        assert verify_password(created.password_hash, "long-enough-pw")


def test_users_create_duplicate_username_fails_clearly(app, cli, make_user):
    make_user("asha")
    result = cli(
        "users",
        "create",
        "asha",
        "--email",
        "other@example.com",
        "--password",
        "long-enough-pw",
        "--role",
        "student",
    )
    assert result.exit_code != 0
    assert "Error: Username already exists" in result.output
    assert count(app, User) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "bad", "--password", "long-enough-pw", "--role", "student"], "Invalid email"),
        (["--email", "a@example.com", "--password", "short", "--role", "student"], "at least 8"),
        (
            ["--email", "a@example.com", "--password", "long-enough-pw", "--role", "root"],
            "Invalid value for '--role'",
        ),
        (["--email", "a@example.com", "--password", "long-enough-pw"], "Missing option '--role'"),
    ],
)
def test_users_create_rejects_bad_input(app, cli, args, message):
    result = cli("users", "create", "newbie", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert count(app, User) == 0


def test_users_set_roles_replaces_the_roles(app, cli, make_user):
    make_user("ravi", roles=("student",))
    result = cli("users", "set-roles", "ravi", "--role", "teacher", "--role", "manager")
    assert result.exit_code == 0, result.output
    assert "ravi" in result.output
    assert set(user(app, "ravi").roles) == {"teacher", "manager"}


def test_users_set_roles_unknown_user(cli):
    result = cli("users", "set-roles", "ghost", "--role", "student")
    assert result.exit_code != 0
    assert "No user named 'ghost'" in result.output


def test_users_set_roles_keeps_the_last_admin(app, cli, make_user):
    make_user("boss", roles=("admin",))
    result = cli("users", "set-roles", "boss", "--role", "student")
    assert result.exit_code != 0
    assert "last admin" in result.output
    assert "admin" in user(app, "boss").roles


def test_demo_seed_creates_accounts_and_an_exam(app, cli):
    result = cli("demo", "seed")
    assert result.exit_code == 0, result.output
    for account in DEMO_ACCOUNTS:
        assert account.username in result.output
        assert account.password in result.output
        seeded = user(app, account.username)
        assert set(seeded.roles) == set(account.roles)
        with app.app_context():
            assert verify_password(seeded.password_hash, account.password)
    roles = [set(a.roles) for a in DEMO_ACCOUNTS]
    assert roles.count({"admin"}) == 1 and roles.count({"teacher"}) == 1
    assert roles.count({"student"}) == 3
    assert count(app, User) == 5
    assert count(app, Category) == 1
    assert count(app, Exam) == 1
    assert count(app, Question) >= 1


def test_demo_seed_if_empty_leaves_a_used_database_alone(app, cli, make_user):
    make_user("existing")
    result = cli("demo", "seed", "--if-empty")
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output
    assert count(app, User) == 1
    assert count(app, Exam) == 0


def test_demo_seed_refuses_a_used_database_without_if_empty(app, cli, make_user):
    make_user("existing")
    result = cli("demo", "seed")
    assert result.exit_code != 0
    assert "already has users" in result.output
    assert count(app, User) == 1


def test_demo_seed_if_empty_seeds_an_empty_database(app, cli):
    result = cli("demo", "seed", "--if-empty")
    assert result.exit_code == 0
    assert count(app, User) == 5


def test_demo_seed_respects_examhall_demo_0(app, cli):
    app.config["DEMO_DATA"] = False
    try:
        result = cli("demo", "seed", "--if-empty")
    finally:
        app.config["DEMO_DATA"] = True
    assert result.exit_code == 0 and "no demo data" in result.output
    assert count(app, User) == 0


def test_demo_seed_refuses_production(app, cli):
    app.config["ENV_NAME"] = "production"
    try:
        result = cli("demo", "seed")
    finally:
        app.config["ENV_NAME"] = "test"
    assert result.exit_code != 0 and "production" in result.output
    assert count(app, User) == 0
