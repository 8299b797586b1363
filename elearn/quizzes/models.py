"""Question bank (per course, nested categories), quizzes and attempts."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db

#: ``Activity.kind`` of a quiz (the kind itself is ``kind.QuizKind``).
QUIZ_KIND = "quiz"

REVIEW_WHEN = ("during", "immediately", "open", "closed")
REVIEW_WHAT = ("responses", "correctness", "marks", "feedback", "right_answer", "grader_info")
#: What the trainee sees by default: everything but the essay's notes for the grader.
REVIEW_SHOWN = tuple(w for w in REVIEW_WHAT if w != "grader_info")
DEFAULT_REVIEW = {"during": [], "immediately": list(REVIEW_SHOWN), "open": list(REVIEW_SHOWN),
                  "closed": list(REVIEW_SHOWN)}


class QuestionCategory(db.Model):
    __tablename__ = "question_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("question_categories.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(600))  # "phap-luat/module-1", unique per course

    __table_args__ = (UniqueConstraint("course_id", "path", name="uq_question_categories_course_path"),)


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("question_categories.id", ondelete="RESTRICT"), index=True)
    key: Mapped[str] = mapped_column(String(64))  # stable: (category, title or text) → re-import updates in place
    title: Mapped[str | None] = mapped_column(String(255))
    qtype: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    text_format: Mapped[str] = mapped_column(String(10), default="moodle")
    text_html: Mapped[str] = mapped_column(Text, default="")  # sanitized
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # type-specific, includes keys: never sent as is
    general_feedback: Mapped[str] = mapped_column(Text, default="")
    default_mark: Mapped[float] = mapped_column(default=1.0)
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    category: Mapped[QuestionCategory] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("course_id", "key", name="uq_questions_course_key"),)


class Quiz(db.Model):
    """Settings of a quiz activity (one row per activity of kind "quiz")."""

    __tablename__ = "quizzes"

    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True)
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_answers: Mapped[bool] = mapped_column(default=True)
    attempts_allowed: Mapped[int] = mapped_column(default=0)  # 0 = unlimited
    grading_method: Mapped[str] = mapped_column(String(10), default="highest")
    pass_mark: Mapped[float] = mapped_column(default=50.0)  # percent
    open_at: Mapped[datetime | None]
    close_at: Mapped[datetime | None]
    time_limit: Mapped[int] = mapped_column(default=0)  # seconds, 0 = none
    overdue: Mapped[str] = mapped_column(String(12), default="autosubmit")
    grace_seconds: Mapped[int] = mapped_column(default=0)
    per_page: Mapped[int] = mapped_column(default=3)
    review: Mapped[dict] = mapped_column(JSON, default=lambda: dict(DEFAULT_REVIEW))

    slots: Mapped[list["QuizSlot"]] = relationship(order_by="QuizSlot.position", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("grading_method IN ('highest', 'average', 'first', 'last')", name="grading_method"),
        CheckConstraint("overdue IN ('autosubmit', 'graceperiod', 'autoabandon')", name="overdue"),
    )


class QuizSlot(db.Model):
    """A place in a quiz: a fixed question, or one question drawn at random from a category."""

    __tablename__ = "quiz_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.activity_id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("question_categories.id", ondelete="CASCADE"))
    mark: Mapped[float] = mapped_column(default=1.0)

    __table_args__ = (CheckConstraint("(question_id IS NULL) <> (category_id IS NULL)", name="one_source"),)


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.activity_id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    state: Mapped[str] = mapped_column(String(12), default="inprogress")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Frozen at start: pages of question ids, each question's slot mark and shuffled choices.
    layout: Mapped[dict] = mapped_column(JSON, default=dict)
    marks: Mapped[float | None]
    max_marks: Mapped[float] = mapped_column(default=0)
    percent: Mapped[float | None]
    needs_grading: Mapped[bool] = mapped_column(default=False)
    # The sequence number of the last accepted save: a save must carry a larger one (replays get 409).
    save_seq: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number", name="uq_quiz_attempts_quiz_user_number"),
        CheckConstraint("state IN ('inprogress', 'finished', 'abandoned')", name="state"),
        Index("ix_quiz_attempts_quiz_state", "quiz_id", "state"),
        # At most one attempt in progress per (quiz, trainee), enforced by the database on both engines.
        Index("uq_quiz_attempts_one_in_progress", "quiz_id", "user_id", unique=True,
              sqlite_where=text("state = 'inprogress'"), postgresql_where=text("state = 'inprogress'")),
    )


class AttemptAnswer(db.Model):
    __tablename__ = "attempt_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    response: Mapped[dict | list | str | None] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    fraction: Mapped[float | None]
    mark: Mapped[float | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("attempt_id", "question_id", name="uq_attempt_answers_attempt_question"),)


class IdempotencyKey(db.Model):
    """A retried API call with the same key gets the first answer again and does nothing twice."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    endpoint: Mapped[str] = mapped_column(String(120))
    status_code: Mapped[int]
    body: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)
