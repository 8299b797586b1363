"""Discussion threads (issue 14): a course forum, each module's and each workshop's thread lists.

A thread belongs to a course, and to at most one of its modules or workshops (neither: the course
forum). Its first post is the question or opening text; replies are a flat list. ``search_text``
holds the title and the visible posts folded to lower-case ASCII (``fold``), for diacritic-blind
search on SQLite; PostgreSQL folds with ``unaccent`` when the extension is there.
"""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import db


class Thread(db.Model):
    __tablename__ = "forum_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    is_question: Mapped[bool] = mapped_column(default=False)
    answered: Mapped[bool] = mapped_column(default=False)  # a reply is marked as the answer
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    post_count: Mapped[int] = mapped_column(default=1)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("module_id IS NULL OR workshop_id IS NULL", name="one_place"),
        Index("ix_forum_threads_course_last", "course_id", "last_post_at"),
    )


class Post(db.Model):
    __tablename__ = "forum_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_threads.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    quote_of_id: Mapped[int | None] = mapped_column(ForeignKey("forum_posts.id", ondelete="SET NULL"))
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")  # rendered and sanitised on save
    is_first: Mapped[bool] = mapped_column(default=False)  # the thread's opening post
    is_answer: Mapped[bool] = mapped_column(default=False)
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_forum_posts_thread_created", "thread_id", "created_at"),)


class PostRevision(db.Model):
    """The text of a post before each edit (staff read the history)."""

    __tablename__ = "forum_post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str | None] = mapped_column(String(200))  # the thread's title then (first posts)
    body_md: Mapped[str] = mapped_column(Text, default="")
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostReport(db.Model):
    """A user's report of a post; staff of the course see open reports."""

    __tablename__ = "forum_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("post_id", "reporter_id", name="uq_forum_reports_post_reporter"),)


class ModerationLog(db.Model):
    """The audit log of moderation: who pinned, locked, hid, showed, moved what, and why."""

    __tablename__ = "forum_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("forum_threads.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("forum_posts.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Subscription(db.Model):
    """Follow a thread or a thread list. ``scope`` is "thread:ID", "course:ID" (the course forum),
    "module:ID" or "workshop:ID"; ``mode`` is "instant" or "digest" (one mail a day)."""

    __tablename__ = "forum_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("forum_threads.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(10), default="instant")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "scope", name="uq_forum_subscriptions_user_scope"),
        CheckConstraint("mode IN ('instant', 'digest')", name="mode"),
    )


class ThreadRead(db.Model):
    """Unread markers: when the user last read the thread."""

    __tablename__ = "forum_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_threads.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class ForumVisit(db.Model):
    """When the user last opened a course's forum: the dashboard counts what is newer."""

    __tablename__ = "forum_visits"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class ForumMail(db.Model):
    """The discussions' e-mail outbox (the pattern of ``workshops.models.Reminder``): ``key`` is
    unique, so a mail is queued once however often cron runs, and a send claims its row first."""

    __tablename__ = "forum_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # post, digest
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_ids: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending, sending, sent, dropped
    attempts: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_forum_mails_status_next", "status", "next_try_at"),)


class Attachment(db.Model):
    """A file attached to a post (``core.uploads``: type by content, size limit, downloaded as an
    attachment), stored under ``instance/uploads/forum``."""

    __tablename__ = "forum_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
