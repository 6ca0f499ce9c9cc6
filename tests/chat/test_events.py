"""The /chat Socket.IO namespace, driven by the real python-socketio client (over WebSocket)
against the test app on a real HTTP server: who may connect, what reaches whom, and that a
message sent through REST reaches the conversation's room."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import socketio
from sqlalchemy import func, select

from app.auth import tokens
from app.extensions import db
from app.models import ChatPresence, User
from tests.conftest import PASSWORD

WAIT = 10  # seconds to wait for an event that must come (a failure, not a measurement)


class Listener:
    """A connected client and everything the server pushed to it on /chat."""

    def __init__(self, client: socketio.Client) -> None:
        self.client = client
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()

    def expect(self, name: str, match: Callable[[Any], bool] = lambda _: True) -> Any:
        """The next `name` event satisfying `match`; others are skipped."""
        while True:
            try:
                event, data = self.events.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(f"no {name!r} event arrived") from None
            if event == name and match(data):
                return data

    def seen(self) -> list[tuple[str, Any]]:
        out = []
        while not self.events.empty():
            out.append(self.events.get_nowait())
        return out

    def call(self, event: str, data: Any) -> Any:
        return self.client.call(event, data, namespace="/chat", timeout=WAIT)


@pytest.fixture
def token(app) -> Callable[[User], str]:
    def make(user: User) -> str:
        with app.app_context():
            return tokens.issue_access(db.session.get(User, user.id))

    return make


@pytest.fixture
def listen(app, live_server: str, token) -> Iterator[Callable[..., Listener]]:
    clients: list[socketio.Client] = []

    def make(
        user: User | None = None, *, auth: Any = None, headers: dict | None = None
    ) -> Listener:
        client = socketio.Client(reconnection=False)
        listener = Listener(client)

        @client.on("*", namespace="/chat")
        def any_event(event: str, data: Any = None) -> None:
            listener.events.put((event, data))

        @client.on("disconnect", namespace="/chat")
        def gone(*_reason: Any) -> None:
            listener.events.put(("disconnect", None))

        if user is not None:
            auth = {"token": token(user)}
        client.connect(
            live_server,
            namespaces=["/chat"],
            auth=auth,
            headers=headers or {},
            transports=["websocket"],
            wait_timeout=WAIT,
        )
        clients.append(client)
        return listener

    yield make
    for client in clients:
        client.disconnect()
    # The server handles a disconnect on its own thread; let it finish before the tables are
    # emptied, or its transaction and the emptying wait on each other.
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        with app.app_context():
            if not db.session.scalar(select(func.count()).select_from(ChatPresence)):
                return
        time.sleep(0.05)


def rest(live_server: str, user_token: str, method: str, path: str, **kw) -> requests.Response:
    return requests.request(
        method,
        live_server + path,
        headers={"Authorization": f"Bearer {user_token}"},
        timeout=WAIT,
        **kw,
    )


def test_a_connection_without_credentials_is_refused(listen):
    with pytest.raises(socketio.exceptions.ConnectionError):
        listen()
    with pytest.raises(socketio.exceptions.ConnectionError):
        listen(auth={"token": "not-a-token"})


def test_a_message_sent_through_rest_reaches_the_room(
    live_server, listen, token, student, connect, clock
):
    john, jane, eve = student("john"), student("jane", "Jane Smith"), student("eve")
    conv = connect(john, jane)
    jane_live, eve_live = listen(jane), listen(eve)

    sent = rest(
        live_server,
        token(john),
        "POST",
        f"/api/chat/messages/{conv}",
        json={"message": "Hey, how are you?"},
    )
    assert sent.status_code == 200

    pushed = jane_live.expect("message")
    assert pushed["id"] == sent.json()["message"]["id"]
    assert pushed["conv_id"] == conv
    assert pushed["message"] == "Hey, how are you?"
    assert pushed["sender_id"] == john.id
    assert pushed["sender_name"] == "John"
    assert "is_own" not in pushed  # the same payload goes to everyone in the room
    assert [e for e, _ in eve_live.seen() if e == "message"] == []

    edited = rest(
        live_server,
        token(john),
        "PUT",
        f"/api/chat/messages/{pushed['id']}/edit",
        json={"message": "Edited"},
    )
    assert edited.status_code == 200
    assert jane_live.expect("message_edited") == {
        "id": pushed["id"],
        "conv_id": conv,
        "message": "Edited",
        "is_edited": True,
    }
    rest(live_server, token(john), "DELETE", f"/api/chat/messages/{pushed['id']}")
    assert jane_live.expect("message_deleted") == {"id": pushed["id"], "conv_id": conv}


def test_a_refused_rest_send_pushes_nothing(live_server, listen, token, student, connect):
    john, jane = student("john"), student("jane")
    conv = connect(john, jane)
    jane_live = listen(jane)
    too_long = rest(
        live_server, token(john), "POST", f"/api/chat/messages/{conv}", json={"message": "x" * 1001}
    )
    assert too_long.status_code == 400
    # A later, accepted message is the first thing the room hears.
    rest(live_server, token(jane), "POST", f"/api/chat/messages/{conv}", json={"message": "ok"})
    assert jane_live.expect("message")["message"] == "ok"


def test_the_session_cookie_authenticates_the_chat_page_connection(
    live_server, listen, token, student, connect
):
    john, jane = student("john"), student("jane")
    conv = connect(john, jane)
    browser = requests.Session()
    page = browser.get(live_server + "/login", timeout=WAIT).text
    csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
    signed_in = browser.post(
        live_server + "/login",
        data={"username": "john", "password": PASSWORD, "csrf_token": csrf},
        allow_redirects=False,
        timeout=WAIT,
    )
    assert signed_in.status_code == 302
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)

    john_live = listen(headers={"Cookie": cookie})
    rest(live_server, token(jane), "POST", f"/api/chat/messages/{conv}", json={"message": "hi"})

    assert john_live.expect("message")["message"] == "hi"


def test_send_typing_and_read_over_the_socket(live_server, listen, student, connect, app):
    john, jane = student("john"), student("jane", "Jane Smith")
    conv = connect(john, jane)
    john_live, jane_live = listen(john), listen(jane)

    ack = john_live.call("send", {"conv_id": conv, "message": "over the socket"})
    assert ack["success"] is True
    assert ack["message"]["message"] == "over the socket"
    assert ack["message"]["is_own"] is True
    assert jane_live.expect("message")["id"] == ack["message"]["id"]
    too_fast = john_live.call("send", {"conv_id": conv, "message": "again"})
    assert too_fast == {
        "success": False,
        "message": "You are sending messages too fast. Wait 2 seconds.",
        "status": 429,
    }

    assert jane_live.call("typing", {"conv_id": conv, "typing": True}) == {"success": True}
    assert john_live.expect("typing") == {
        "conv_id": conv,
        "user_id": jane.id,
        "name": "Jane Smith",
        "typing": True,
    }
    assert [e for e, _ in jane_live.seen() if e == "typing"] == []  # not echoed to the typist

    read = jane_live.call("read", {"conv_id": conv})
    assert read == {"success": True, "last_read_id": ack["message"]["id"]}
    assert john_live.expect("read") == {
        "conv_id": conv,
        "user_id": jane.id,
        "last_read_id": ack["message"]["id"],
    }
    assert john_live.call("send", {"conv_id": "x", "message": "bad"})["status"] == 400


def test_outsiders_cannot_join_type_into_or_send_to_a_conversation(listen, student, connect):
    john, jane, eve = student("john"), student("jane"), student("eve")
    conv = connect(john, jane)
    eve_live = listen(eve)

    assert eve_live.call("join", {"conv_id": conv})["status"] == 403
    assert eve_live.call("typing", {"conv_id": conv})["status"] == 403
    assert eve_live.call("send", {"conv_id": conv, "message": "hi"})["status"] == 403
    assert eve_live.call("join", {"conv_id": 9999})["status"] == 404


def test_a_new_conversation_is_announced_and_can_be_joined(live_server, listen, token, student):
    john, jane = student("john"), student("jane")
    john_live = listen(john)
    rest(live_server, token(john), "POST", "/api/chat/request", json={"recipient_id": jane.id})
    jane_live = listen(jane)
    inbox = rest(live_server, token(jane), "GET", "/api/chat/requests/inbox").json()
    conn_id = inbox["requests"][0]["conn_id"]
    accepted = rest(
        live_server, token(jane), "PUT", f"/api/chat/request/{conn_id}", json={"action": "accept"}
    ).json()

    announced = john_live.expect("conversation")
    assert announced == {"conv_id": accepted["conv_id"]}
    assert jane_live.expect("conversation") == announced
    for live in (john_live, jane_live):  # as the page does on `conversation`
        assert live.call("join", {"conv_id": accepted["conv_id"]}) == {
            "success": True,
            "conv_id": accepted["conv_id"],
        }
    rest(
        live_server,
        token(jane),
        "POST",
        f"/api/chat/messages/{accepted['conv_id']}",
        json={"message": "now we can talk"},
    )
    assert john_live.expect("message")["message"] == "now we can talk"
    assert jane_live.expect("message")["message"] == "now we can talk"


def test_connection_requests_reach_the_recipient_live(live_server, listen, token, student):
    john, jane = student("john"), student("jane")
    jane_live = listen(jane)
    rest(live_server, token(john), "POST", "/api/chat/request", json={"recipient_id": jane.id})
    assert jane_live.expect("request")["from_id"] == john.id


def test_presence_follows_connections(app, live_server, listen, token, student, connect):
    john, jane = student("john"), student("jane")
    connect(john, jane)

    def status() -> bool:
        body = rest(live_server, token(john), "GET", f"/api/chat/online_status?ids={jane.id}")
        return body.json()["status"][str(jane.id)]

    john_live = listen(john)
    assert status() is False
    jane_live = listen(jane)
    assert john_live.expect("presence", lambda d: d["user_id"] == jane.id) == {
        "user_id": jane.id,
        "online": True,
    }
    assert status() is True
    second_tab = listen(jane)
    jane_live.client.disconnect()  # one tab closed, another still open: still online
    second_tab.client.disconnect()
    assert john_live.expect("presence", lambda d: d["user_id"] == jane.id) == {
        "user_id": jane.id,
        "online": False,
    }
    assert status() is False
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(ChatPresence)
                .where(ChatPresence.user_id == jane.id)
            )
            == 0
        )


def test_signing_out_everywhere_ends_the_sockets_rights(app, listen, student, connect):
    john, jane = student("john"), student("jane")
    conv = connect(john, jane)
    john_live = listen(john)
    with app.app_context():
        from app.core.auth import rotate_auth_stamp

        rotate_auth_stamp(db.session.get(User, john.id))
        db.session.commit()
    assert john_live.call("send", {"conv_id": conv, "message": "still here?"}) == {
        "success": False,
        "message": "Not authenticated",
        "status": 401,
    }
    john_live.expect("disconnect")
