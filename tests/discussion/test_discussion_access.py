"""Who may read, post and moderate: a student only once they have submitted an attempt that
contains the question (or the teacher has opened the exam's discussion), never while sitting the
exam; only the author edits and deletes a comment, the exam's teachers and admins any; only
they pin, mark best answers and open the discussion."""

from __future__ import annotations

import pytest

from tests.discussion.conftest import sit

NOT_YET = "Discussion opens once you have submitted an attempt that contains this question."
DURING = "Discussion is closed while you are sitting this exam."


def test_student_without_a_submitted_attempt_gets_the_documented_error(api, exam, student):
    for method, path, body in (
        ("GET", f"/api/discussion/{exam.mcq}", None),
        ("POST", f"/api/discussion/{exam.mcq}", {"message": "The answer is B because..."}),
    ):
        res = api(student, method, path, json=body)
        assert res.status_code == 403, (method, res.get_json())
        assert res.get_json() == {"success": False, "message": NOT_YET}


def test_after_submitting_the_student_reads_and_posts(api, exam, student):
    sit(api, student, exam.id)
    res = api(student, "POST", f"/api/discussion/{exam.mcq}", json={"message": "B, clearly"})
    assert res.status_code == 200
    body = api(student, "GET", f"/api/discussion/{exam.mcq}").get_json()
    assert body["count"] == 1


def test_only_questions_of_the_submitted_paper(api, exam, make_exam, student):
    sit(api, student, exam.id)
    other = make_exam(name="Another exam")
    res = api(student, "GET", f"/api/discussion/{other.mcq}")
    assert (res.status_code, res.get_json()["message"]) == (403, NOT_YET)


def test_an_attempt_in_progress_is_not_enough(api, exam, student):
    api(student, "POST", f"/start-exam/{exam.id}")
    res = api(student, "GET", f"/api/discussion/{exam.mcq}")
    assert (res.status_code, res.get_json()["message"]) == (403, DURING)


def test_closed_again_while_sitting_a_second_attempt(api, exam, student):
    sit(api, student, exam.id)
    assert api(student, "GET", f"/api/discussion/{exam.mcq}").status_code == 200
    api(student, "POST", f"/start-exam/{exam.id}")  # the exam allows two attempts
    res = api(student, "GET", f"/api/discussion/{exam.mcq}")
    assert (res.status_code, res.get_json()["message"]) == (403, DURING)
    api(student, "POST", f"/submit-exam/{exam.id}")
    assert api(student, "GET", f"/api/discussion/{exam.mcq}").status_code == 200


def test_teacher_opens_the_discussion_to_every_student(api, exam, teacher, student, student_b):
    sit(api, student, exam.id)
    api(student, "POST", f"/api/discussion/{exam.mcq}", json={"message": "hello"})
    assert api(student_b, "GET", f"/api/discussion/{exam.mcq}").status_code == 403
    res = api(teacher, "POST", f"/api/discussion/open/{exam.id}", json={"open": True})
    assert res.status_code == 200
    assert res.get_json() == {"success": True, "exam_id": exam.id, "discussion_open": True}
    body = api(student_b, "GET", f"/api/discussion/{exam.mcq}").get_json()
    assert body["count"] == 1
    assert (
        api(
            student_b, "POST", f"/api/discussion/{exam.msq}", json={"message": "me too"}
        ).status_code
        == 200
    )
    counts = api(
        student_b, "POST", "/api/discussion/counts/bulk", json={"question_ids": [exam.mcq]}
    ).get_json()
    assert counts["counts"] == {str(exam.mcq): 1}
    # closed again: back to those who sat it
    api(teacher, "POST", f"/api/discussion/open/{exam.id}", json={"open": False})
    assert api(student_b, "GET", f"/api/discussion/{exam.mcq}").status_code == 403
    assert api(student, "GET", f"/api/discussion/{exam.mcq}").status_code == 200


def test_only_the_exams_staff_open_its_discussion(api, exam, student, other_teacher, admin):
    assert api(student, "POST", f"/api/discussion/open/{exam.id}").status_code == 403
    assert api(other_teacher, "POST", f"/api/discussion/open/{exam.id}").status_code == 403
    res = api(admin, "POST", f"/api/discussion/open/{exam.id}")  # no body: toggles
    assert res.get_json()["discussion_open"] is True
    assert api(admin, "POST", "/api/discussion/open/999999").status_code == 404


def test_draft_exam_questions_do_not_exist_for_students(api, make_exam, student, teacher):
    draft = make_exam(status="draft")
    assert api(student, "GET", f"/api/discussion/{draft.mcq}").status_code == 404
    assert api(teacher, "GET", f"/api/discussion/{draft.mcq}").status_code == 200


def test_staff_always_read_and_post(api, exam, teacher, admin, other_teacher):
    assert api(teacher, "GET", f"/api/discussion/{exam.mcq}").status_code == 200
    res = api(teacher, "POST", f"/api/discussion/{exam.mcq}", json={"message": "Hint: units"})
    assert res.status_code == 200
    assert api(admin, "GET", f"/api/discussion/{exam.mcq}").get_json()["count"] == 1
    # a teacher who does not manage the exam is like any other reader
    res = api(other_teacher, "GET", f"/api/discussion/{exam.mcq}")
    assert (res.status_code, res.get_json()["message"]) == (403, NOT_YET)


@pytest.fixture
def theirs(api, exam, student, student_b, post) -> dict:
    """A comment by student_b that student can see."""
    sit(api, student, exam.id)
    sit(api, student_b, exam.id)
    return post(student_b, exam.mcq, "student b's comment")


def test_student_cannot_edit_or_delete_anothers_comment(api, student, theirs):
    res = api(student, "PUT", f"/api/discussion/edit/{theirs['id']}", json={"message": "hacked"})
    assert res.status_code == 403
    assert res.get_json() == {"success": False, "message": "You can only edit your own comments."}
    res = api(student, "DELETE", f"/api/discussion/delete/{theirs['id']}")
    assert res.status_code == 403
    assert res.get_json() == {"success": False, "message": "You can only delete your own comments."}


def test_student_sees_can_edit_only_on_own(api, exam, student, student_b, theirs, post):
    mine = post(student, exam.mcq, "mine")
    comments = api(student, "GET", f"/api/discussion/{exam.mcq}").get_json()["comments"]
    flags = {c["id"]: (c["is_own"], c["can_edit"], c["can_delete"]) for c in comments}
    assert flags == {theirs["id"]: (False, False, False), mine["id"]: (True, True, True)}


@pytest.mark.parametrize("who", ["teacher", "admin"])
def test_staff_edit_and_delete_any_comment(request, api, exam, student, theirs, who):
    staff = request.getfixturevalue(who)
    res = api(
        staff, "PUT", f"/api/discussion/edit/{theirs['id']}", json={"message": "[removed link]"}
    )
    assert res.status_code == 200
    (comment,) = api(student, "GET", f"/api/discussion/{exam.mcq}").get_json()["comments"]
    assert comment["message"] == "[removed link]"
    assert api(staff, "DELETE", f"/api/discussion/delete/{theirs['id']}").status_code == 200
    assert api(student, "GET", f"/api/discussion/{exam.mcq}").get_json()["count"] == 0


def test_another_teacher_cannot_moderate(api, exam, other_teacher, theirs):
    api(other_teacher, "POST", "/api/discussion/open/0")  # (nothing: no such exam)
    res = api(other_teacher, "DELETE", f"/api/discussion/delete/{theirs['id']}")
    assert res.status_code == 403


def test_only_staff_pin_and_mark_best(api, student, student_b, teacher, theirs):
    for user in (student, student_b):
        res = api(user, "POST", f"/api/discussion/pin/{theirs['id']}", json={"pinned": True})
        assert res.status_code == 403
        assert res.get_json()["message"] == "Only the exam's teachers and admins can do that."
        res = api(user, "POST", f"/api/discussion/best-answer/{theirs['id']}")
        assert res.status_code == 403
    assert api(teacher, "POST", f"/api/discussion/pin/{theirs['id']}").status_code == 200
    assert api(teacher, "POST", f"/api/discussion/best-answer/{theirs['id']}").status_code == 200
