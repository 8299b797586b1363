"""Mail for followers, through an outbox with unique keys (the pattern of ``workshops.reminders``).

A new post queues one row per instant follower (``post:<post>:<user>``) in the post's own
transaction; ``flask discussions send`` (cron, every few minutes) adds yesterday's digests
(``digest:<user>:<date>``) and sends what is due. A send claims its row with one conditional UPDATE
first, so two crons never send the same row, and a row is sent at most once however often cron
runs; a failed send stays pending and is retried later. Each recipient is checked again at send
time with the pages' rule (``loaders.can_read``): a mail never shows what its reader may not see.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import false, or_, select

from ..auth.models import User
from ..core import outbox as core_outbox
from ..core.mail import external_url
from ..core.timeutil import format_datetime, local_midnight_utc, to_local, utcnow
from ..extensions import db
from .loaders import can_read
from .models import ForumMail, Post, Subscription, Thread



def _scopes(thread):
    place = f"module:{thread.module_id}" if thread.module_id else \
        f"workshop:{thread.workshop_id}" if thread.workshop_id else f"course:{thread.course_id}"
    return [f"thread:{thread.id}", place, f"course:{thread.course_id}"]


def _queue(key, kind, user_id, post_ids, when=None):
    if db.session.scalar(select(ForumMail.id).where(ForumMail.key == key)):
        return False
    db.session.add(ForumMail(key=key, kind=kind, user_id=user_id, post_ids=post_ids, next_try_at=when or utcnow()))
    db.session.flush()
    return True


def queue_for_post(post, thread) -> int:
    """One mail per instant follower of the thread, its list or its course (never to the author)."""
    users = set(db.session.scalars(select(Subscription.user_id).where(
        Subscription.scope.in_(_scopes(thread)), Subscription.mode == "instant",
        Subscription.user_id != post.author_id)))
    for user_id in sorted(users):
        _queue(f"post:{post.id}:{user_id}", "post", user_id, [post.id])
    return len(users)


def queue_digests(now=None) -> int:
    """Yesterday's digest (Việt Nam time) for each digest follower with something new."""
    now = now or utcnow()
    day = to_local(now).date() - timedelta(days=1)
    start, end = local_midnight_utc(day), local_midnight_utc(day + timedelta(days=1))
    n = 0
    subs = db.session.execute(select(Subscription.user_id, Subscription.scope).where(Subscription.mode == "digest")).all()
    by_user = {}
    for user_id, scope in subs:
        by_user.setdefault(user_id, set()).add(scope)
    for user_id, scopes in sorted(by_user.items()):
        key = f"digest:{user_id}:{day.isoformat()}"
        if db.session.scalar(select(ForumMail.id).where(ForumMail.key == key)):
            continue
        rows = db.session.execute(select(Post.id, Thread).join(Thread, Post.thread_id == Thread.id).where(
            Post.created_at >= start, Post.created_at < end, Post.hidden == false(),
            or_(Post.author_id.is_(None), Post.author_id != user_id)).order_by(Post.id)).all()
        ids = [pid for pid, thread in rows if scopes & set(_scopes(thread))]
        if ids and _queue(key, "digest", user_id, ids):
            n += 1
    db.session.commit()
    return n


def _readable_posts(user, post_ids):
    out = []
    for pid in post_ids:
        post = db.session.get(Post, pid)
        thread = db.session.get(Thread, post.thread_id) if post else None
        if post is not None and thread is not None and can_read(user, thread, post):
            out.append((post, thread))
    return out


def _author(post):
    user = db.session.get(User, post.author_id) if post.author_id else None
    return user.name if user else _("(tài khoản đã xoá)")


def _link(post, thread):
    return external_url("discussions.thread", thread_id=thread.id) + f"#post-{post.id}"


def message(mail, user, items):
    """(subject, body) of a mail in the reader's language."""
    parts = []
    for post, thread in items:
        parts.append(f"{thread.title}\n" + _("%(who)s, %(when)s:", who=_author(post), when=format_datetime(post.created_at))
                     + "\n\n" + post.body_md.strip() + "\n\n" + _("Đọc và trả lời: %(link)s", link=_link(post, thread)))
    footer = _("Bạn nhận thư này vì đang theo dõi thảo luận. Bỏ theo dõi ngay trên trang của chủ đề "
               "hoặc của diễn đàn.")
    hello = _("Xin chào %(name)s,", name=user.name)
    if mail.kind == "digest":
        subject = _("Thảo luận: %(n)d bài mới hôm qua", n=len(items))
        intro = _("Các bài mới trong những thảo luận bạn theo dõi:")
    else:
        subject = _("Bài mới: %(t)s", t=items[0][1].title)
        intro = _("Có bài mới trong thảo luận bạn theo dõi:")
    sep = "\n\n" + "-" * 40 + "\n\n"
    return subject, hello + "\n\n" + intro + "\n\n" + sep.join(parts) + "\n\n" + footer + "\n"


def _compose(mail):
    user = db.session.get(User, mail.user_id)
    items = _readable_posts(user, mail.post_ids or []) if user is not None and user.is_active else []
    if not items:  # nothing this reader may still see (hidden, moved, left the course)
        return None
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject, body = message(mail, user, items)
    return user.email, subject, body


def send_due(now=None) -> dict:
    """Send the due follower mail (``core.outbox``): {"sent", "failed", "dropped"}."""
    return core_outbox.send_due(ForumMail, _compose, now)
