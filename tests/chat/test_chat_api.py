"""The chat endpoints of the SmartAIExam document (000_…, "Chat Endpoints"), each called with the
document's own example request, checked for the documented shape, status codes and limits, and
for who may do what."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import ChatPresence, Connection, Conversation, Message, utcnow


def test_conversations_list_dm_and_group_with_unread_counts_and_online_flags(
    client, bearer, student, connect, group, post, online
):
    john, jane, ravi = student("john.doe", "John Doe"), student("jane"), student("ravi")
    with_jane = connect(john, jane)
    connect(john, ravi)
    physics = group(john, "Physics Study Group", [jane, ravi])
    for text in ("Hello", "Are you there?", "Hey!"):
        post(jane, with_jane, text)
    post(john, with_jane, "my own message is never unread")
    post(jane, with_jane, "Hey!")
    online(jane)

    response = client.get("/api/chat/conversations", headers=bearer(john))

    assert response.status_code == 200
    body = response.get_json()
    assert body["success"] is True
    by_id = {c["id"]: c for c in body["conversations"]}
    dm = by_id[with_jane]
    assert list(dm)[:6] == ["id", "name", "is_group", "unread", "online", "last_message"]
    assert dm["name"] == "Jane"
    assert dm["is_group"] is False
    assert dm["unread"] == 4
    assert dm["online"] is True
    assert dm["last_message"]["message"] == "Hey!"
    assert set(dm["last_message"]) == {"message", "created_at"}
    assert by_id[physics]["name"] == "Physics Study Group"
    assert by_id[physics]["is_group"] is True
    assert by_id[physics]["last_message"] is None
    # The DM with ravi: nobody online there, nothing unread.
    others = [c for c in body["conversations"] if c["id"] not in (with_jane, physics)]
    assert [(c["unread"], c["online"]) for c in others] == [(0, False)]
    # Most recently active first.
    assert body["conversations"][0]["id"] == with_jane


def test_conversations_need_authentication(client):
    response = client.get("/api/chat/conversations")
    assert response.status_code == 401
    assert response.get_json()["success"] is False


def test_messages_come_40_at_a_time_backwards_and_mark_the_conversation_read(
    client, bearer, student, connect, post
):
    john, jane = student("john"), student("jane", "Jane Smith")
    conv = connect(john, jane)
    start = utcnow() - timedelta(hours=2)
    ids = [post(jane, conv, f"message {i}", at=start + timedelta(minutes=i)) for i in range(1, 91)]

    newest = client.get(f"/api/chat/messages/{conv}", headers=bearer(john))

    assert newest.status_code == 200
    page = newest.get_json()["messages"]
    assert [m["id"] for m in page] == ids[-40:]  # oldest first within the page
    first = page[-1]
    assert list(first)[:7] == [
        "id",
        "sender_name",
        "message",
        "created_at",
        "is_own",
        "is_edited",
        "reply_to_id",
    ]
    assert first["sender_name"] == "Jane Smith"
    assert first["message"] == "message 90"
    assert first["is_own"] is False
    assert first["is_edited"] is False
    assert first["reply_to_id"] is None
    assert len(first["created_at"]) == 19  # "2025-01-15T10:30:00"
    counts = client.get("/api/chat/unread_count", headers=bearer(john)).get_json()
    assert counts["unread"] == 0

    older = client.get(
        f"/api/chat/messages/{conv}?before={page[0]['created_at']}", headers=bearer(john)
    ).get_json()["messages"]
    assert [m["id"] for m in older] == ids[10:50]
    oldest = client.get(
        f"/api/chat/messages/{conv}?before_id={older[0]['id']}", headers=bearer(john)
    ).get_json()["messages"]
    assert [m["id"] for m in oldest] == ids[:10]
    assert (
        client.get(
            f"/api/chat/messages/{conv}?before_id={ids[0]}", headers=bearer(john)
        ).get_json()["messages"]
        == []
    )
    # A time with a zone is read as that instant.
    zoned = client.get(
        f"/api/chat/messages/{conv}",
        query_string={"before": (start + timedelta(minutes=3)).isoformat() + "+00:00"},
        headers=bearer(john),
    ).get_json()["messages"]
    assert [m["id"] for m in zoned] == ids[:2]


def test_messages_of_a_conversation_you_are_not_in_are_403(client, bearer, student, connect):
    john, jane, eve = student("john"), student("jane"), student("eve")
    conv = connect(john, jane)
    response = client.get(f"/api/chat/messages/{conv}", headers=bearer(eve))
    assert response.status_code == 403
    assert response.get_json() == {
        "success": False,
        "message": "You are not a member of this conversation",
    }
    assert client.get("/api/chat/messages/999", headers=bearer(eve)).status_code == 404
    assert (
        client.get(f"/api/chat/messages/{conv}?before=yesterday", headers=bearer(john)).status_code
        == 400
    )


def test_send_a_message_with_the_documents_example(
    app, client, bearer, student, connect, post, clock
):
    john, jane = student("john"), student("jane", "Jane Smith")
    conv = connect(john, jane)
    quoted = post(jane, conv, "Hi there! " + "x" * 150)

    response = client.post(
        f"/api/chat/messages/{conv}",
        json={
            "message": "Hey, how are you?",
            "reply_to_id": quoted,
            "reply_to_text": "Something Jane never said",
            "reply_to_name": "Not Jane",
        },
        headers=bearer(john),
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["success"] is True
    message = body["message"]
    assert list(message)[:4] == ["id", "message", "is_own", "created_at"]
    assert message["message"] == "Hey, how are you?"
    assert message["is_own"] is True
    assert message["reply_to_id"] == quoted
    # The quote is the message answered, cut to 100 characters, with its sender's name.
    assert message["reply_to_text"] == ("Hi there! " + "x" * 150)[:100]
    assert message["reply_to_name"] == "Jane Smith"
    seen_by_jane = client.get(f"/api/chat/messages/{conv}", headers=bearer(jane)).get_json()
    last = seen_by_jane["messages"][-1]
    assert (last["id"], last["is_own"], last["sender_name"]) == (message["id"], False, "John")
    with app.app_context():
        assert db.session.get(Message, message["id"]).body == "Hey, how are you?"


def test_message_text_is_stored_as_typed(app, client, bearer, student, connect, clock):
    john, jane = student("john"), student("jane")
    conv = connect(john, jane)
    typed = "  <b>bold?</b> & 'quotes' \n second line  "
    response = client.post(
        f"/api/chat/messages/{conv}", json={"message": typed}, headers=bearer(john)
    )
    assert response.get_json()["message"]["message"] == typed


def test_send_checks_length_membership_and_reply(client, bearer, student, connect, post, clock):
    john, jane, eve = student("john"), student("jane"), student("eve")
    conv = connect(john, jane)
    other = connect(jane, eve)
    elsewhere = post(eve, other, "not in john's conversation")

    def send(user, payload, conv_id=conv):
        clock.advance(5)
        return client.post(f"/api/chat/messages/{conv_id}", json=payload, headers=bearer(user))

    too_long = send(john, {"message": "a" * 1001})
    assert too_long.status_code == 400
    assert too_long.get_json()["message"] == "Message too long (max 1000 characters)"
    assert send(john, {"message": "a" * 1000}).status_code == 200
    assert send(john, {"message": "   "}).status_code == 400
    assert send(john, {}).status_code == 400
    assert send(john, {"message": "hi", "reply_to_id": elsewhere}).status_code == 400
    not_member = send(eve, {"message": "let me in"})
    assert not_member.status_code == 403
    assert not_member.get_json()["success"] is False
    assert send(john, {"message": "nowhere"}, conv_id=9999).status_code == 404


def test_one_message_per_two_seconds_per_user(client, bearer, student, connect, group, clock):
    john, jane = student("john"), student("jane")
    conv = connect(john, jane)
    physics = group(john, "Physics", [jane])

    def send(conv_id=conv, user=john):
        return client.post(
            f"/api/chat/messages/{conv_id}", json={"message": "hi"}, headers=bearer(user)
        )

    assert send().status_code == 200
    clock.advance(1.9)
    limited = send(physics)  # the limit is per user, across conversations
    assert limited.status_code == 429
    assert limited.get_json() == {
        "success": False,
        "message": "You are sending messages too fast. Wait 2 seconds.",
    }
    assert limited.headers["Retry-After"] == "2"
    assert send(user=jane).status_code == 200  # another user is not limited
    clock.advance(0.1)
    assert send(physics).status_code == 200
    # A refused send does not count: no message was stored.
    assert (
        len(
            client.get(f"/api/chat/messages/{physics}", headers=bearer(jane)).get_json()["messages"]
        )
        == 1
    )


def test_a_refused_send_does_not_use_up_the_allowance(client, bearer, student, connect, clock):
    john, jane = student("john"), student("jane")
    conv = connect(john, jane)
    assert (
        client.post(
            f"/api/chat/messages/{conv}", json={"message": "x" * 1001}, headers=bearer(john)
        ).status_code
        == 400
    )
    ok = client.post(f"/api/chat/messages/{conv}", json={"message": "ok"}, headers=bearer(john))
    assert ok.status_code == 200


def test_edit_own_message_only(client, bearer, student, connect, post):
    john, jane = student("john"), student("jane")
    conv = connect(john, jane)
    mine = post(john, conv, "Original")
    theirs = post(jane, conv, "Jane's")

    response = client.put(
        f"/api/chat/messages/{mine}/edit",
        json={"message": "Edited message text"},
        headers=bearer(john),
    )

    assert response.status_code == 200
    assert response.get_json() == {"success": True, "message": "Edited message text"}
    forbidden = client.put(
        f"/api/chat/messages/{theirs}/edit", json={"message": "hacked"}, headers=bearer(john)
    )
    assert forbidden.status_code == 403
    assert forbidden.get_json()["success"] is False
    listed = client.get(f"/api/chat/messages/{conv}", headers=bearer(jane)).get_json()
    by_id = {m["id"]: m for m in listed["messages"]}
    assert (by_id[mine]["message"], by_id[mine]["is_edited"]) == ("Edited message text", True)
    assert (by_id[theirs]["message"], by_id[theirs]["is_edited"]) == ("Jane's", False)
    assert (
        client.put(
            f"/api/chat/messages/{mine}/edit", json={"message": "x" * 1001}, headers=bearer(john)
        ).status_code
        == 400
    )
    assert (
        client.put(
            "/api/chat/messages/999/edit", json={"message": "x"}, headers=bearer(john)
        ).status_code
        == 404
    )


def test_soft_delete_own_message_only(app, client, bearer, student, connect, post):
    john, jane = student("john"), student("jane")
    conv = connect(john, jane)
    mine = post(john, conv, "Regrettable")
    theirs = post(jane, conv, "Jane's")

    assert client.delete(f"/api/chat/messages/{theirs}", headers=bearer(john)).status_code == 403
    response = client.delete(f"/api/chat/messages/{mine}", headers=bearer(john))

    assert response.status_code == 200
    assert response.get_json() == {"success": True}
    assert client.delete(f"/api/chat/messages/{mine}", headers=bearer(john)).status_code == 200
    listed = client.get(f"/api/chat/messages/{conv}", headers=bearer(jane)).get_json()["messages"]
    gone = next(m for m in listed if m["id"] == mine)
    assert gone["is_deleted"] is True
    assert "Regrettable" not in str(listed)
    with app.app_context():
        row = db.session.get(Message, mine)
        assert row is not None and row.body == "" and row.deleted_at is not None
    assert (
        client.put(
            f"/api/chat/messages/{mine}/edit", json={"message": "back"}, headers=bearer(john)
        ).status_code
        == 400
    )


def test_mark_conversation_read(client, bearer, student, connect, post):
    john, jane, eve = student("john"), student("jane"), student("eve")
    conv = connect(john, jane)
    for text in ("a", "b", "c"):
        post(jane, conv, text)
    assert client.get("/api/chat/unread_count", headers=bearer(john)).get_json()["unread"] == 3

    response = client.post(f"/api/chat/conversations/{conv}/read", headers=bearer(john))

    assert response.status_code == 200
    assert response.get_json() == {"success": True}
    assert client.get("/api/chat/unread_count", headers=bearer(john)).get_json()["unread"] == 0
    assert (
        client.post(f"/api/chat/conversations/{conv}/read", headers=bearer(eve)).status_code == 403
    )


def test_connection_request_with_the_documents_example(app, client, bearer, student):
    john, jane = student("john"), student("jane", "Jane Smith")

    response = client.post(
        "/api/chat/request", json={"recipient_id": jane.id}, headers=bearer(john)
    )

    assert response.status_code == 200
    assert response.get_json() == {"success": True}
    again = client.post("/api/chat/request", json={"recipient_id": jane.id}, headers=bearer(john))
    assert again.status_code == 409
    assert again.get_json() == {
        "success": False,
        "message": "A connection request is already pending",
    }
    reverse = client.post("/api/chat/request", json={"recipient_id": john.id}, headers=bearer(jane))
    assert reverse.status_code == 409
    assert (
        client.post(
            "/api/chat/request", json={"recipient_id": john.id}, headers=bearer(john)
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/api/chat/request", json={"recipient_id": 9999}, headers=bearer(john)
        ).status_code
        == 404
    )
    assert client.post("/api/chat/request", json={}, headers=bearer(john)).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Connection.id))) == 1


def test_inbox_accept_and_reject(client, bearer, student):
    john, jane, ravi = student("john"), student("jane", "Jane Smith"), student("ravi")
    client.post("/api/chat/request", json={"recipient_id": john.id}, headers=bearer(jane))
    client.post("/api/chat/request", json={"recipient_id": john.id}, headers=bearer(ravi))

    inbox = client.get("/api/chat/requests/inbox", headers=bearer(john))

    assert inbox.status_code == 200
    requests = inbox.get_json()["requests"]
    assert inbox.get_json()["success"] is True
    from_jane = next(r for r in requests if r["from_id"] == jane.id)
    assert list(from_jane) == ["conn_id", "from_id", "from_name", "created_at"]
    assert from_jane["from_name"] == "Jane Smith"
    assert client.get("/api/chat/requests/inbox", headers=bearer(jane)).get_json()["requests"] == []
    assert client.get("/api/chat/unread_count", headers=bearer(john)).get_json() == {
        "success": True,
        "unread": 0,
        "requests": 2,
    }

    # Only the recipient answers.
    assert (
        client.put(
            f"/api/chat/request/{from_jane['conn_id']}",
            json={"action": "accept"},
            headers=bearer(jane),
        ).status_code
        == 404
    )
    accepted = client.put(
        f"/api/chat/request/{from_jane['conn_id']}", json={"action": "accept"}, headers=bearer(john)
    )
    assert accepted.status_code == 200
    conv_id = accepted.get_json()["conv_id"]
    assert accepted.get_json() == {"success": True, "conv_id": conv_id}
    names = [
        c["name"]
        for c in client.get("/api/chat/conversations", headers=bearer(john)).get_json()[
            "conversations"
        ]
    ]
    assert names == ["Jane Smith"]
    assert (
        client.put(
            f"/api/chat/request/{from_jane['conn_id']}",
            json={"action": "reject"},
            headers=bearer(john),
        ).status_code
        == 409
    )
    from_ravi = next(r for r in requests if r["from_id"] == ravi.id)
    assert (
        client.put(
            f"/api/chat/request/{from_ravi['conn_id']}",
            json={"action": "maybe"},
            headers=bearer(john),
        ).status_code
        == 400
    )
    rejected = client.put(
        f"/api/chat/request/{from_ravi['conn_id']}", json={"action": "reject"}, headers=bearer(john)
    )
    assert rejected.get_json() == {"success": True}
    assert client.get("/api/chat/requests/inbox", headers=bearer(john)).get_json()["requests"] == []
    # Connected now: another request is 409; rejected earlier: asking again is allowed.
    assert (
        client.post(
            "/api/chat/request", json={"recipient_id": jane.id}, headers=bearer(john)
        ).status_code
        == 409
    )
    assert (
        client.post(
            "/api/chat/request", json={"recipient_id": john.id}, headers=bearer(ravi)
        ).status_code
        == 200
    )


def test_unread_count_totals_every_conversation_and_requests(
    client, bearer, student, connect, group, post
):
    john, jane, ravi, asha, eve = (student(n) for n in ("john", "jane", "ravi", "asha", "eve"))
    conv = connect(john, jane)
    connect(john, ravi)
    physics = group(john, "Physics", [jane, ravi])
    for _ in range(3):
        post(jane, conv, "hi")
    post(ravi, physics, "in the group")
    post(None, physics, "from a deleted account")
    client.post("/api/chat/request", json={"recipient_id": john.id}, headers=bearer(asha))
    client.post("/api/chat/request", json={"recipient_id": john.id}, headers=bearer(eve))

    response = client.get("/api/chat/unread_count", headers=bearer(john))

    assert response.status_code == 200
    assert response.get_json() == {"success": True, "unread": 5, "requests": 2}


def test_online_status_of_several_users(client, bearer, student, online, app):
    a, b, c = student("asha"), student("bala"), student("chitra")
    online(a)
    online(c)
    ids = f"{a.id},{b.id},{c.id}"

    response = client.get(f"/api/chat/online_status?ids={ids}", headers=bearer(b))

    assert response.status_code == 200
    assert response.get_json() == {
        "success": True,
        "status": {str(a.id): True, str(b.id): False, str(c.id): True},
    }
    assert client.get("/api/chat/online_status?ids=1,x", headers=bearer(b)).status_code == 400
    assert client.get("/api/chat/online_status", headers=bearer(b)).get_json()["status"] == {}
    # A connection its process stopped refreshing counts for nothing.
    with app.app_context():
        for row in db.session.scalars(select(ChatPresence)):
            row.seen_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    stale = client.get(f"/api/chat/online_status?ids={ids}", headers=bearer(b)).get_json()
    assert set(stale["status"].values()) == {False}


def test_create_group_with_the_documents_example(client, bearer, student, connect):
    me = student("mina")
    three, five, seven, stranger = (student(n) for n in ("three", "five", "seven", "stranger"))
    for friend in (three, five, seven):
        connect(me, friend)

    response = client.post(
        "/api/chat/group",
        json={"name": "Physics Study Group", "member_ids": [three.id, five.id, seven.id]},
        headers=bearer(me),
    )

    assert response.status_code == 200
    conv_id = response.get_json()["conv_id"]
    assert response.get_json() == {"success": True, "conv_id": conv_id}
    listed = client.get("/api/chat/conversations", headers=bearer(five)).get_json()["conversations"]
    physics = next(c for c in listed if c["id"] == conv_id)
    assert physics["name"] == "Physics Study Group"
    assert physics["is_group"] is True
    assert sorted(physics["member_ids"]) == sorted([me.id, three.id, seven.id])
    strangers = client.post(
        "/api/chat/group",
        json={"name": "Spam", "member_ids": [three.id, stranger.id]},
        headers=bearer(me),
    )
    assert strangers.status_code == 403
    assert (
        client.post(
            "/api/chat/group", json={"name": " ", "member_ids": [three.id]}, headers=bearer(me)
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/api/chat/group", json={"name": "Alone", "member_ids": [me.id]}, headers=bearer(me)
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/api/chat/group", json={"name": "Bad", "member_ids": "3"}, headers=bearer(me)
        ).status_code
        == 400
    )


def test_remove_friend_purges_the_dm_and_leaves_groups(
    app, client, bearer, student, connect, group, post
):
    john, jane, ravi = student("john"), student("jane"), student("ravi")
    dm = connect(john, jane)
    connect(john, ravi)
    physics = group(john, "Physics", [jane, ravi])
    post(jane, dm, "private")
    post(jane, physics, "to the group")

    response = client.delete(f"/api/chat/friend/{jane.id}", headers=bearer(john))

    assert response.status_code == 200
    assert response.get_json() == {"success": True}
    with app.app_context():
        assert db.session.get(Conversation, dm) is None
        assert (
            db.session.scalar(select(func.count(Message.id)).where(Message.conversation_id == dm))
            == 0
        )
        assert (
            db.session.scalar(
                select(func.count(Connection.id)).where(
                    Connection.pair_key == f"{min(john.id, jane.id)}:{max(john.id, jane.id)}"
                )
            )
            == 0
        )
    for user in (john, jane):
        ids = [
            c["id"]
            for c in client.get("/api/chat/conversations", headers=bearer(user)).get_json()[
                "conversations"
            ]
        ]
        assert dm not in ids and physics in ids
    assert client.get(f"/api/chat/messages/{dm}", headers=bearer(john)).status_code == 404
    group_messages = client.get(f"/api/chat/messages/{physics}", headers=bearer(jane)).get_json()
    assert [m["message"] for m in group_messages["messages"]] == ["to the group"]
    assert client.delete(f"/api/chat/friend/{jane.id}", headers=bearer(john)).status_code == 404
    # They may connect again, and get a fresh direct conversation.
    assert (
        client.post(
            "/api/chat/request", json={"recipient_id": jane.id}, headers=bearer(john)
        ).status_code
        == 200
    )


def test_deleted_account_shows_as_deleted_account_and_its_group_messages_stay(
    app, client, bearer, student, connect, group, post
):
    john, jane, ravi = student("john"), student("jane"), student("ravi")
    dm = connect(john, jane)
    with_ravi = connect(john, ravi)
    physics = group(john, "Physics", [jane, ravi])
    post(jane, physics, "Jane's group message")
    post(jane, dm, "Jane's private message")

    deleted = client.post("/api/delete-account", json={"confirm": "DELETE"}, headers=bearer(jane))
    assert deleted.status_code == 200

    listed = client.get(f"/api/chat/messages/{physics}", headers=bearer(ravi)).get_json()[
        "messages"
    ]
    assert [(m["sender_name"], m["message"], m["is_own"]) for m in listed] == [
        ("Deleted Account", "Jane's group message", False)
    ]
    ids = [
        c["id"]
        for c in client.get("/api/chat/conversations", headers=bearer(john)).get_json()[
            "conversations"
        ]
    ]
    assert sorted(ids) == sorted([physics, with_ravi])
    with app.app_context():
        assert db.session.get(Conversation, dm) is None


def test_cookie_session_works_with_the_csrf_header(client, web_login, student, connect):
    john, jane = student("john"), student("jane")
    conv = connect(john, jane)
    token = web_login(client, john)

    without = client.post(f"/api/chat/messages/{conv}", json={"message": "hi"})
    assert without.status_code == 400
    with_token = client.post(
        f"/api/chat/messages/{conv}", json={"message": "hi"}, headers={"X-CSRFToken": token}
    )
    assert with_token.status_code == 200
    assert with_token.get_json()["message"]["is_own"] is True
