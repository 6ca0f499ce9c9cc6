"""Sessions and access tokens are bound to the account's auth stamp: a deleted account's
credentials never pass for a newer account, and a new password signs out everywhere else."""

from __future__ import annotations

from tests.conftest import PASSWORD


def test_deleted_accounts_credentials_do_not_pass_for_the_next_account(
    app, client, make_user, web_login, bearer
):
    victim = make_user("leaver")
    headers = bearer(victim)
    browser = app.test_client()
    web_login(browser, victim)
    res = client.post("/api/delete-account", json={"confirm": "DELETE"}, headers=headers)
    assert res.status_code == 200
    newcomer = client.post(
        "/signup", json={"username": "newcomer", "password": "pw-123456", "email": "n@example.com"}
    )
    assert newcomer.status_code == 201
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    page = browser.get("/account", headers={"Accept": "text/html"})
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    # The new account did not inherit the old id either.
    me = client.post("/api/auth/login", json={"username": "newcomer", "password": "pw-123456"})
    assert me.get_json()["data"]["user"]["id"] != victim.id


def test_password_reset_through_the_api_ends_other_sessions_and_tokens(
    app, client, make_user, web_login, bearer
):
    user = make_user("mover")
    old_token = bearer(user)
    other_browser = app.test_client()
    web_login(other_browser, user)
    assert other_browser.get("/account").status_code == 200

    res = client.post(
        "/api/v1/reset-password/", json={"new_password": "a-brand-new-pass"}, headers=old_token
    )
    assert res.status_code == 200
    assert client.get("/api/auth/me", headers=old_token).status_code == 401
    assert other_browser.get("/account", headers={"Accept": "text/html"}).status_code == 302
    ok = client.post("/api/auth/login", json={"username": "mover", "password": "a-brand-new-pass"})
    assert ok.status_code == 200


def test_changing_password_on_the_account_page_keeps_this_session_only(
    app, client, make_user, web_login
):
    user = make_user("changer")
    csrf = web_login(client, user)
    elsewhere = app.test_client()
    web_login(elsewhere, user)
    res = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "another-long-pass",
            "confirm_password": "another-long-pass",
            "csrf_token": csrf,
        },
    )
    assert res.status_code in (200, 302, 303)
    assert client.get("/account").status_code == 200  # still signed in here
    assert elsewhere.get("/account", headers={"Accept": "text/html"}).status_code == 302
