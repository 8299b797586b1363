"""Discussion rules: pure functions of the viewer's access (``loaders.ForumAccess``) and the rows.

Who sees a thread is decided by the loaders, which reuse the courses and workshops loaders: a thread
is visible to exactly those who can see its course, module or workshop (managers also read the
courses their units are enrolled in). These functions say what the viewer may *do* there.
"""
from datetime import timedelta

from ..core.timeutil import utcnow

#: Authors edit their own posts for this long after posting.
EDIT_WINDOW = timedelta(minutes=30)


def can_moderate(access) -> bool:
    """Pin, lock, hide, move, read edit histories and reports: the course's editors (admins and
    the course's instructors)."""
    return access.moderator


def can_write(access) -> bool:
    """Start threads and reply: enrolled trainees and course staff; managers only read."""
    return access.writer


def can_reply(access, thread) -> bool:
    return can_write(access) and (not thread.locked or can_moderate(access))


def can_see(access, obj) -> bool:
    """A hidden thread or post is seen by staff only."""
    return not obj.hidden or can_moderate(access)


def can_edit(user, post, now=None) -> bool:
    """Authors edit their own posts within ``EDIT_WINDOW``."""
    now = now or utcnow()
    return post.author_id == user.id and now - post.created_at <= EDIT_WINDOW


def edit_closes_at(post):
    return post.created_at + EDIT_WINDOW


def can_mark_answer(user, access, thread) -> bool:
    """A question's author or staff mark one reply as the answer."""
    return thread.is_question and (thread.author_id == user.id and can_write(access) or can_moderate(access))


def can_report(user, post) -> bool:
    return post.author_id != user.id
