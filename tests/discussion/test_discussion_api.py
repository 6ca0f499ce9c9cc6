"""The documented discussion endpoints (000_…, "Discussion Endpoints") with the document's own
example requests: shapes, status codes and messages; the one-per-10-seconds rule; threads,
soft deletes, pins, best answers, counts, and deleted accounts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import DiscussionComment, User
from app.users.services import delete_account
from tests.discussion.conftest import sit

NOT_YET = "Discussion opens once you have submitted an attempt that contains this question."


def test_get_thread_has_the_documented_shape(api, exam, student, student_b, post):
    sit(api, student, exam.id)
    sit(api, student_b, exam.id)
    first = post(student_b, exam.mcq, "Approach using energy conservation...")
    post(student, exam.mcq, "Thanks!", parent_id=first["id"])
    res = api(student, "GET", f"/api/discussion/{exam.mcq}")
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True
    assert body["count"] == 2
    assert len(body["comments"]) == 1
    top = body["comments"][0]
    for key, kind in {
        "id": int,
        "username": str,
        "message": str,
        "is_own": bool,
        "is_pinned": bool,
        "is_best_answer": bool,
        "created_at": str,
        "replies": list,
    }.items():
        assert isinstance(top[key], kind), key
    assert top["username"] == student_b.username
    assert top["message"] == "Approach using energy conservation..."
    assert top["is_own"] is False
    assert len(top["created_at"]) == 19  # "2025-01-15T10:00:00"
    (reply,) = top["replies"]
    assert (reply["username"], reply["message"], reply["is_own"]) == (
        student.username,
        "Thanks!",
        True,
    )
    assert reply["parent_id"] == top["id"] and reply["replies"] == []


def test_post_returns_the_new_comment(api, exam, student, rewind):
    sit(api, student, exam.id)
    res = api(
        student,
        "POST",
        f"/api/discussion/{exam.mcq}",
        json={"message": "The answer is B because...", "exam_id": exam.id},
    )
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True
    comment = body["message"]
    assert comment["username"] == student.username
    assert comment["message"] == "The answer is B because..."
    assert comment["is_own"] is True and comment["replies"] == []
    rewind()
    reply = api(
        student,
        "POST",
        f"/api/discussion/{exam.mcq}",
        json={
            "message": "And C is wrong because...",
            "exam_id": exam.id,
            "parent_id": comment["id"],
        },
    ).get_json()["message"]
    assert reply["parent_id"] == comment["id"]


def test_one_comment_per_ten_seconds(app, api, exam, student, student_b, rewind):
    sit(api, student, exam.id)
    sit(api, student_b, exam.id)
    url = f"/api/discussion/{exam.mcq}"
    assert api(student, "POST", url, json={"message": "one"}).status_code == 200
    second = api(student, "POST", url, json={"message": "two"})
    assert second.status_code == 429
    assert second.get_json()["success"] is False
    assert "one comment every 10 seconds" in second.get_json()["message"]
    assert 1 <= int(second.headers["Retry-After"]) <= 10
    # per user: another student is not held up
    assert api(student_b, "POST", url, json={"message": "mine"}).status_code == 200
    # the refused comment was not stored
    assert api(student, "GET", url).get_json()["count"] == 2
    # and on another question the same person still waits
    assert (
        api(student, "POST", f"/api/discussion/{exam.msq}", json={"message": "x"}).status_code
        == 429
    )
    rewind()
    assert api(student, "POST", url, json={"message": "two"}).status_code == 200


def test_a_refused_post_does_not_count_towards_the_limit(api, exam, student):
    sit(api, student, exam.id)
    url = f"/api/discussion/{exam.mcq}"
    assert api(student, "POST", url, json={"message": "   "}).status_code == 400
    assert api(student, "POST", url, json={"message": "now"}).status_code == 200


def test_message_validation(api, exam, student, make_exam, post):
    sit(api, student, exam.id)
    url = f"/api/discussion/{exam.mcq}"
    empty = api(student, "POST", url, json={"message": "  \n "})
    assert empty.status_code == 400
    assert empty.get_json() == {
        "success": False,
        "message": "message: Write a message first.",
        "errors": {"message": "Write a message first."},
    }
    too_long = api(student, "POST", url, json={"message": "x" * 501})
    assert too_long.status_code == 400
    assert "at most 500 characters" in too_long.get_json()["message"]
    missing = api(student, "POST", url, json={})
    assert (missing.status_code, missing.get_json()["message"]) == (400, "message is required")
    other = make_exam(name="Chemistry")
    wrong_exam = api(student, "POST", url, json={"message": "hi", "exam_id": other.id})
    assert wrong_exam.status_code == 400
    assert wrong_exam.get_json()["errors"] == {
        "exam_id": f"Question {exam.mcq} is not in exam {other.id}."
    }
    no_parent = api(student, "POST", url, json={"message": "hi", "parent_id": 999999})
    assert no_parent.status_code == 400
    assert "parent_id" in no_parent.get_json()["errors"]
    # exactly 500 is fine; a NUL byte is dropped rather than stored
    ok = api(student, "POST", url, json={"message": "y" * 499 + "\x00z"})
    assert ok.status_code == 200
    assert ok.get_json()["message"]["message"] == "y" * 499 + "z"


def test_a_reply_to_a_reply_joins_the_thread(api, exam, student, student_b, post):
    sit(api, student, exam.id)
    sit(api, student_b, exam.id)
    top = post(student, exam.mcq, "top")
    reply = post(student_b, exam.mcq, "reply", parent_id=top["id"])
    deeper = post(student, exam.mcq, "reply to reply", parent_id=reply["id"])
    assert deeper["parent_id"] == top["id"]
    comments = api(student, "GET", f"/api/discussion/{exam.mcq}").get_json()["comments"]
    assert [r["message"] for r in comments[0]["replies"]] == ["reply", "reply to reply"]
    # a parent from another question is refused
    other = post(student, exam.msq, "elsewhere")
    res = api(
        student,
        "POST",
        f"/api/discussion/{exam.mcq}",
        json={"message": "x", "parent_id": other["id"]},
    )
    assert res.status_code in (400, 429)


def test_edit_own_comment(api, exam, student, post):
    sit(api, student, exam.id)
    mine = post(student, exam.mcq, "first try")
    res = api(
        student,
        "PUT",
        f"/api/discussion/edit/{mine['id']}",
        json={"message": "Updated explanation..."},
    )
    assert (res.status_code, res.get_json()) == (200, {"success": True})
    (comment,) = api(student, "GET", f"/api/discussion/{exam.mcq}").get_json()["comments"]
    assert comment["message"] == "Updated explanation..."
    assert comment["is_edited"] is True and comment["edited_at"]
    bad = api(student, "PUT", f"/api/discussion/edit/{mine['id']}", json={"message": ""})
    assert bad.status_code == 400
    assert (
        api(student, "PUT", "/api/discussion/edit/999999", json={"message": "x"}).status_code == 404
    )


def test_delete_is_soft_and_keeps_the_thread(api, exam, student, student_b, post):
    sit(api, student, exam.id)
    sit(api, student_b, exam.id)
    top = post(student, exam.mcq, "question about B")
    post(student_b, exam.mcq, "answer", parent_id=top["id"])
    lonely = post(student, exam.mcq, "never mind")
    for comment_id in (top["id"], lonely["id"]):
        res = api(student, "DELETE", f"/api/discussion/delete/{comment_id}")
        assert (res.status_code, res.get_json()) == (200, {"success": True})
    body = api(student_b, "GET", f"/api/discussion/{exam.mcq}").get_json()
    assert body["count"] == 1
    (placeholder,) = body["comments"]  # the lonely one is gone, the one with a reply stays
    assert placeholder["is_deleted"] is True
    assert placeholder["message"] == "[This comment was deleted]"
    assert placeholder["message"] != "question about B"
    assert [r["message"] for r in placeholder["replies"]] == ["answer"]
    # deleting again changes nothing and succeeds; editing a deleted comment is 404
    assert api(student, "DELETE", f"/api/discussion/delete/{top['id']}").status_code == 200
    assert (
        api(student, "PUT", f"/api/discussion/edit/{top['id']}", json={"message": "x"}).status_code
        == 404
    )
    # no replies to a deleted comment
    res = api(
        student_b,
        "POST",
        f"/api/discussion/{exam.mcq}",
        json={"message": "x", "parent_id": top["id"]},
    )
    assert res.status_code in (400, 429)


def test_counts_bulk_with_the_documents_example_shape(api, exam, student, student_b, post):
    sit(api, student, exam.id)
    sit(api, student_b, exam.id)
    post(student, exam.mcq, "a")
    post(student_b, exam.mcq, "b")
    gone = post(student, exam.msq, "c")
    api(student, "DELETE", f"/api/discussion/delete/{gone['id']}")
    res = api(
        student,
        "POST",
        "/api/discussion/counts/bulk",
        json={"question_ids": [exam.mcq, exam.msq, exam.numeric]},
    )
    assert res.status_code == 200
    assert res.get_json() == {
        "success": True,
        "counts": {str(exam.mcq): 2, str(exam.msq): 0, str(exam.numeric): 0},
    }
    # the document's literal example: unknown ids count 0
    res = api(
        student, "POST", "/api/discussion/counts/bulk", json={"question_ids": [101, 102, 103]}
    )
    assert res.get_json() == {"success": True, "counts": {"101": 0, "102": 0, "103": 0}}


def test_counts_bulk_takes_at_most_100_ids(api, student):
    ok = api(
        student, "POST", "/api/discussion/counts/bulk", json={"question_ids": list(range(1, 101))}
    )
    assert ok.status_code == 200 and len(ok.get_json()["counts"]) == 100
    res = api(
        student, "POST", "/api/discussion/counts/bulk", json={"question_ids": list(range(1, 102))}
    )
    assert res.status_code == 400
    assert (
        res.get_json()["message"] == "question_ids: At most 100 question ids at a time (101 sent)."
    )
    bad = api(student, "POST", "/api/discussion/counts/bulk", json={"question_ids": ["x"]})
    assert bad.status_code == 400 and bad.get_json()["success"] is False


def test_counts_hide_what_a_student_may_not_read(api, exam, student, student_b, post):
    sit(api, student, exam.id)
    post(student, exam.mcq, "a")
    res = api(student_b, "POST", "/api/discussion/counts/bulk", json={"question_ids": [exam.mcq]})
    assert res.get_json()["counts"] == {str(exam.mcq): 0}


def test_pin_and_best_answer(api, exam, teacher, student, student_b, post):
    sit(api, student, exam.id)
    sit(api, student_b, exam.id)
    early = post(student, exam.mcq, "early")
    good = post(student_b, exam.mcq, "good answer")
    better = post(student, exam.mcq, "better answer")
    res = api(teacher, "POST", f"/api/discussion/pin/{better['id']}", json={"pinned": True})
    assert (res.status_code, res.get_json()) == (200, {"success": True, "is_pinned": True})
    res = api(teacher, "POST", f"/api/discussion/best-answer/{good['id']}")  # no body: toggles
    assert res.get_json() == {"success": True, "is_best_answer": True}
    comments = api(student, "GET", f"/api/discussion/{exam.mcq}").get_json()["comments"]
    assert [c["message"] for c in comments] == ["better answer", "good answer", "early"]
    assert [c["is_pinned"] for c in comments] == [True, False, False]
    assert [c["is_best_answer"] for c in comments] == [False, True, False]
    # one best answer per question: marking another moves it
    api(teacher, "POST", f"/api/discussion/best-answer/{early['id']}", json={"best_answer": True})
    comments = api(student, "GET", f"/api/discussion/{exam.mcq}").get_json()["comments"]
    assert [c["message"] for c in comments if c["is_best_answer"]] == ["early"]
    # toggling again unpins
    assert (
        api(teacher, "POST", f"/api/discussion/pin/{better['id']}").get_json()["is_pinned"] is False
    )
    # replies cannot be pinned
    reply = post(student, exam.mcq, "a reply", parent_id=early["id"])
    res = api(teacher, "POST", f"/api/discussion/pin/{reply['id']}", json={"pinned": True})
    assert res.status_code == 400


def test_deleted_account_shows_as_deleted_account(app, api, exam, student, student_b, post):
    sit(api, student, exam.id)
    sit(api, student_b, exam.id)
    top = post(student_b, exam.mcq, "I will leave")
    post(student, exam.mcq, "ok", parent_id=top["id"])
    with app.app_context():
        delete_account(db.session.get(User, student_b.id))
        db.session.commit()
    (comment,) = api(student, "GET", f"/api/discussion/{exam.mcq}").get_json()["comments"]
    assert comment["username"] == "Deleted Account"
    assert comment["message"] == "I will leave"
    assert comment["is_own"] is False
    assert comment["avatar_url"].endswith("default-avatar.svg")
    assert [r["message"] for r in comment["replies"]] == ["ok"]
    with app.app_context():
        row = db.session.scalar(select(DiscussionComment).where(DiscussionComment.id == top["id"]))
        assert row.author_id is None


def test_no_credentials_is_401(client, exam):
    res = client.get(f"/api/discussion/{exam.mcq}")
    assert res.status_code == 401
    assert res.get_json() == {"success": False, "message": "Not authenticated"}
    assert client.post("/api/discussion/counts/bulk", json={"question_ids": [1]}).status_code == 401


def test_unknown_question_is_404(api, student):
    res = api(student, "GET", "/api/discussion/999999")
    assert res.status_code == 404
    assert res.get_json() == {"success": False, "message": "Question not found"}


def test_created_at_is_utc_without_fraction(app, api, exam, student, post):
    sit(api, student, exam.id)
    comment = post(student, exam.mcq, "when?")
    with app.app_context():
        row = db.session.get(DiscussionComment, comment["id"])
        assert comment["created_at"] == row.created_at.replace(microsecond=0).isoformat()
        assert abs(row.created_at - row.created_at.replace(microsecond=0)) < timedelta(seconds=1)
