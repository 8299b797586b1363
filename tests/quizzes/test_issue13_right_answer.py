"""Issue 13, small things: the review says "Đáp án đúng" once ("Đáp án đúng: Đáp án đúng là: …" before)."""
import re

from tests.quizzes.test_attempts import _start


def test_the_right_answer_is_announced_once(client, auth, quiz_setup, db):
    quiz = quiz_setup["quiz"]
    quiz.review = {"during": [], "immediately": ["responses", "correctness", "marks", "feedback", "right_answer"],
                   "open": [], "closed": []}
    db.session.commit()
    auth.login(quiz_setup["trainee"].email)
    attempt_id = _start(client, auth, quiz_setup["activity"])
    auth.post(f"/quizzes/attempt/{attempt_id}/submit", page=f"/quizzes/attempt/{attempt_id}/summary")
    html = client.get(f"/quizzes/attempt/{attempt_id}/review").get_data(as_text=True)
    lines = re.findall(r'<p class="right-answer">(.*?)</p>', html, re.S)
    assert lines, html[:2000]
    for line in lines:
        assert line.count("Đáp án đúng") == 1, line
