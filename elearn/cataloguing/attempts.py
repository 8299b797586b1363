"""Drafts and submitted attempts of a cataloguing exercise (the checker in ``compare`` does the
marking).

A trainee has at most one draft per exercise (a partial unique index). Every form carries the
attempt ``number`` it was made for and a save sequence number ``seq``:
- a save is accepted only with a larger ``seq`` than the last one (one conditional UPDATE), so an
  older tab never overwrites a newer draft;
- a submission turns the draft into a submitted attempt with one conditional UPDATE on
  ``state = 'draft'``; a second submission of the same form (double click, back and resubmit)
  finds attempt ``number`` already submitted and is sent to its result, never counted twice.
A record that cannot be read (a malformed line) is kept as the draft and not submitted: no attempt
is used up by a typing mistake.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..core.errors import Conflict, ServiceError
from ..core.signals import tell_facts_changed
from ..core.timeutil import utcnow
from ..extensions import db
from .exercise import ExerciseError, build_key
from .keys import Key, Result
from .models import CataloguingAttempt, CataloguingExercise
from .records import MarcFormatError, read_record

MAX_RECORD_CHARS = 50_000  # a biểu ghi is a few KB


class AlreadySubmitted(Conflict):
    """The attempt this form was made for is already submitted (``attempt`` is it)."""

    code = "submitted"

    def __init__(self, attempt):
        super().__init__(_("Lượt làm này đã được nộp; đây là kết quả của lượt đó."))
        self.attempt = attempt


def key_of(ex: CataloguingExercise) -> Key:
    """The exercise's answer key with its variants (checked when it was imported)."""
    try:
        record = read_record(ex.key_record or "")
        return build_key(f"activity {ex.activity_id}", record, ex.options or {})
    except (MarcFormatError, ExerciseError) as e:
        raise ServiceError(_("Khóa của bài tập này bị lỗi, hãy báo giảng viên: %(e)s", e=str(e))) from None


def attempts_of(user, ex) -> list[CataloguingAttempt]:
    return db.session.scalars(select(CataloguingAttempt).where(
        CataloguingAttempt.activity_id == ex.activity_id, CataloguingAttempt.user_id == user.id)
        .order_by(CataloguingAttempt.number)).all()


def submitted(attempts) -> list[CataloguingAttempt]:
    return [a for a in attempts if a.state == "submitted"]


def grade_of(grading: str, percents: list) -> float | None:
    """The exercise grade from the submitted attempts' percents, in order: best or last."""
    if not percents:
        return None
    return percents[-1] if grading == "last" else max(percents)


def passed(ex, attempts) -> bool:
    g = grade_of(ex.grading, [a.percent for a in submitted(attempts)])
    return g is not None and g >= ex.pass_mark


def attempts_left(ex, attempts) -> int | None:
    """How many more submissions are allowed (None: no limit)."""
    if not ex.attempts_allowed:
        return None
    return max(0, ex.attempts_allowed - len(submitted(attempts)))


def may_see_key(ex, attempts, editor: bool) -> bool:
    """The whole key shows beside a submission for editors, and for the trainee once they have
    passed or have no attempt left (before that, the differences say what each field needs)."""
    return editor or passed(ex, attempts) or attempts_left(ex, attempts) == 0


def next_number(ex, user) -> int:
    return (db.session.scalar(select(func.max(CataloguingAttempt.number)).where(
        CataloguingAttempt.activity_id == ex.activity_id, CataloguingAttempt.user_id == user.id)) or 0) + 1


def check_text(text) -> str:
    if not isinstance(text, str):
        raise ServiceError(_("Biểu ghi không hợp lệ."), field="record")
    if "\x00" in text:
        raise ServiceError(_("Không được chứa ký tự NUL."), field="record")
    if len(text) > MAX_RECORD_CHARS:
        raise ServiceError(_("Biểu ghi quá dài (tối đa %(n)d ký tự).", n=MAX_RECORD_CHARS), field="record")
    return text.replace("\r\n", "\n")


def save_draft(ex, user, number: int, seq: int, text: str, course_id: int | None = None) -> CataloguingAttempt:
    """Store ``text`` as the draft of attempt ``number`` (made if it is the next one); with
    ``course_id``, tell progress (a draft is a start: the trainee's first and last times)."""
    attempt = _save_draft(ex, user, number, seq, text)
    if course_id is not None:
        tell_facts_changed(course_id, user.id)
    return attempt


def _save_draft(ex, user, number, seq, text):
    text = check_text(text)
    attempt = db.session.scalar(select(CataloguingAttempt).where(
        CataloguingAttempt.activity_id == ex.activity_id, CataloguingAttempt.user_id == user.id,
        CataloguingAttempt.number == number))
    now = utcnow()
    if attempt is None:
        if number != next_number(ex, user):
            raise Conflict(_("Trang này đã cũ: hãy tải lại trang và làm tiếp trên bản nháp mới nhất."), code="stale_save")
        if attempts_left(ex, attempts_of(user, ex)) == 0:
            raise ServiceError(_("Bạn đã dùng hết số lượt nộp bài của bài tập này."), code="no_attempts")
        attempt = CataloguingAttempt(activity_id=ex.activity_id, user_id=user.id, number=number, state="draft",
                                     record=text, started_at=now, saved_at=now, save_seq=seq, differences=[])
        try:
            with db.session.begin_nested():
                db.session.add(attempt)
        except IntegrityError:
            raise Conflict(_("Bài này vừa được lưu ở một thẻ khác: hãy tải lại trang."), code="stale_save") from None
        return attempt
    if attempt.state == "submitted":
        raise AlreadySubmitted(attempt)
    done = db.session.execute(update(CataloguingAttempt).where(
        CataloguingAttempt.id == attempt.id, CataloguingAttempt.state == "draft",
        CataloguingAttempt.save_seq < seq).values(record=text, saved_at=now, save_seq=seq))
    if done.rowcount != 1:
        db.session.refresh(attempt)
        if attempt.state == "submitted":
            raise AlreadySubmitted(attempt)
        raise Conflict(_("Một bản mới hơn của bài này đã được lưu (ở thẻ hoặc cửa sổ khác): hãy tải lại trang."),
                       code="stale_save")
    db.session.refresh(attempt)
    return attempt


def check(ex, text: str) -> Result:
    """Score ``text`` against the exercise's key; MarcFormatError when it cannot be read."""
    from .compare import compare

    return compare(key_of(ex), read_record(text))


def submit(ex, activity, user, attempt: CataloguingAttempt) -> CataloguingAttempt:
    """Check and submit the draft ``attempt`` (saved by ``save_draft``) and tell progress. A record
    that cannot be read stays a draft (ServiceError with the reader's message)."""
    if attempt.state == "submitted":
        raise AlreadySubmitted(attempt)
    if attempts_left(ex, attempts_of(user, ex)) == 0:
        raise ServiceError(_("Bạn đã dùng hết số lượt nộp bài của bài tập này."), code="no_attempts")
    if not attempt.record.strip():
        raise ServiceError(_("Biểu ghi đang trống: hãy nhập các trường rồi nộp bài."), field="record")
    try:
        result = check(ex, attempt.record)
    except MarcFormatError as e:
        raise ServiceError(_("Chưa nộp được vì biểu ghi có lỗi định dạng: %(e)s Bản nháp đã được lưu.", e=e.text()),
                           field="record", code="malformed") from None
    now = utcnow()
    done = db.session.execute(update(CataloguingAttempt).where(
        CataloguingAttempt.id == attempt.id, CataloguingAttempt.state == "draft").values(
        state="submitted", submitted_at=now, score=result.score, percent=round(result.score * 100, 2),
        differences=result.differences))
    db.session.refresh(attempt)
    if done.rowcount != 1:
        raise AlreadySubmitted(attempt)
    tell_facts_changed(activity.course_id, user.id, now=now)
    return attempt
