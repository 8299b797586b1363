"""Moodle-style quiz statistics per question: facility index and discrimination index."""
import math

from sqlalchemy import select

from ..extensions import db
from .enums import AttemptState
from .models import AttemptAnswer, QuizAttempt


def _pearson(xs, ys):
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


#: Below this many attempts a question's statistics say "too few attempts" instead of a number.
MIN_ATTEMPTS = 10


def item_analysis(quiz):
    """{question_id: {"attempts", "facility", "discrimination"}} over finished, fully graded attempts.

    Facility is the mean score on the question as % of its mark. Discrimination is the correlation
    (×100) between the score on the question and the score on the rest of the quiz.
    """
    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.activity_id,
                                                            QuizAttempt.state == AttemptState.FINISHED,
                                                            QuizAttempt.percent.is_not(None))).all()
    if not attempts:
        return {}
    ids = [a.id for a in attempts]
    rows = db.session.execute(select(AttemptAnswer.attempt_id, AttemptAnswer.question_id, AttemptAnswer.fraction)
                              .where(AttemptAnswer.attempt_id.in_(ids))).all()
    by_attempt = {}
    for attempt_id, qid, fraction in rows:
        by_attempt.setdefault(attempt_id, {})[qid] = fraction or 0.0
    totals = {a.id: a.marks or 0.0 for a in attempts}
    marks = {a.id: a.layout["q"] for a in attempts}
    result = {}
    questions = {qid for a in by_attempt.values() for qid in a}
    for qid in questions:
        xs, rest = [], []
        for a in attempts:
            if qid not in by_attempt.get(a.id, {}):
                continue
            mark = marks[a.id][str(qid)]["mark"]
            score = by_attempt[a.id][qid] * mark
            xs.append(by_attempt[a.id][qid])
            rest.append(totals[a.id] - score)
        r = _pearson(xs, rest)
        enough = len(xs) >= MIN_ATTEMPTS
        result[qid] = {"attempts": len(xs), "too_few": not enough,
                       "facility": round(100 * sum(xs) / len(xs), 1) if xs and enough else None,
                       "discrimination": round(100 * r, 1) if r is not None and enough else None}
    return result
