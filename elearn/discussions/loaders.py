"""Load a forum, a thread or a post for the current viewer, and refuse in one place (docs/ARCHITECTURE.md,
"Load, check, act"). Pages, write routes, the API and the mail outbox all go through these.

The rule is the one of the place a thread lives, through the loaders that already decide it:
- the course: ``courses.loaders.course_access`` (404 when hidden); managers also read the courses
  their units are enrolled in (``courses.services.overseen_courses``), and only read;
- a module: it must be in the viewer's outline (published, or any for editors), and a module still
  locked by its prerequisites is 403 (``courses.loaders.Locked``), as its activities are;
- a workshop: ``workshops.loaders.load_workshop`` (404 unless the viewer may see it).
A hidden thread or post is 404 to everyone but staff.
"""
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import abort, g
from flask_login import current_user
from werkzeug.exceptions import HTTPException, NotFound

from ..auth.permissions import is_learner, oversees_units
from ..courses import loaders as course_loaders
from ..courses import outline_cache
from ..courses import services as courses
from ..courses.models import Course
from ..extensions import db
from .models import Attachment, Post, PostReport, Thread
from .permissions import can_see


@dataclass
class ForumAccess:
    course: Course
    moderator: bool  # edits the course: admins and its instructors
    writer: bool  # may start threads and reply
    _states: list | None = field(default=None, repr=False)
    _workshops: dict | None = field(default=None, repr=False)

    def module_states(self):
        if self._states is None:
            # the cached outline (frozen data: the pages use a module's id and title only); the
            # states only, not which activities the viewer did (one query less per forum)
            outline = outline_cache.outline(self.course, include_unpublished=self.moderator)
            self._states = courses.module_states(current_user, self.course, outline, done=False)
        return self._states

    def modules(self) -> dict:
        """{id: module} of the modules whose threads the viewer reads (not hidden, not locked)."""
        return {s.module.id: s.module for s in self.module_states() if s.state != "locked" or self.moderator}

    def workshops(self) -> dict:
        """{id: workshop} of the course's workshops the viewer may see."""
        if self._workshops is None:
            self._workshops = {w.id: w for w in _visible_workshops() if w.course_id == self.course.id}
        return self._workshops


def _visible_workshops():
    """The viewer's visible workshops, read once per request (the dashboard asks for each course)."""
    from ..workshops.services import visible_workshops

    key = ("forum_workshops", current_user.id)
    if g.get("_forum_workshops_key") != key:
        g._forum_workshops = visible_workshops(current_user, ordered=False)
        g._forum_workshops_key = key
    return g._forum_workshops


def forum_access(course: Course | None) -> ForumAccess:
    try:
        ca = course_loaders.course_access(course)
    except NotFound:
        if course is None or not oversees_units(current_user) or \
                course.id not in {c.id for c in courses.overseen_courses(current_user)}:
            raise
        return ForumAccess(course, moderator=False, writer=False)
    writer = ca.editor or ca.staff or (ca.enrolled and is_learner(current_user))
    return ForumAccess(ca.course, moderator=ca.editor, writer=writer)


def load_forum(slug: str) -> ForumAccess:
    return forum_access(db.session.scalar(db.select(Course).where(Course.slug == slug)))


def check_place(access: ForumAccess, module_id=None, workshop_id=None):
    """(module, workshop) named for a thread list or a new thread, checked for the viewer."""
    module = workshop = None
    if module_id is not None and workshop_id is not None:
        abort(404)
    if module_id is not None:
        state = next((s for s in access.module_states() if s.module.id == module_id), None)
        if state is None:
            abort(404)  # another course's module, or one the viewer may not see
        if state.state == "locked" and not access.moderator:
            raise course_loaders.Locked(access.course, state)
        module = state.module
    if workshop_id is not None:
        workshop = access.workshops().get(workshop_id)
        if workshop is None:
            abort(404)
    return module, workshop


def thread_access(thread: Thread | None) -> ForumAccess:
    if thread is None:
        abort(404)
    access = forum_access(db.session.get(Course, thread.course_id))
    check_place(access, thread.module_id, thread.workshop_id)
    if not can_see(access, thread):
        abort(404)
    return access


def load_thread(thread_id: int) -> tuple[Thread, ForumAccess]:
    thread = db.session.get(Thread, thread_id)
    return thread, thread_access(thread)


def load_post(post_id: int) -> tuple[Post, Thread, ForumAccess]:
    post = db.session.get(Post, post_id)
    if post is None:
        abort(404)
    thread, access = load_thread(post.thread_id)
    if not can_see(access, post):
        abort(404)
    return post, thread, access


def load_attachment(attachment_id: int):
    att = db.session.get(Attachment, attachment_id)
    if att is None:
        abort(404)
    load_post(att.post_id)
    return att


def load_report(report_id: int) -> tuple[PostReport, Post, Thread, ForumAccess]:
    """A report on a post, with the post it is about (``load_post``: 404 unless the viewer reads it)."""
    report = db.session.get(PostReport, report_id)
    if report is None:
        abort(404)
    return (report, *load_post(report.post_id))


@contextmanager
def acting_as(user):
    """Run the loaders for ``user`` instead of the signed-in one (the mail outbox checks each
    recipient with the same rule as the pages)."""
    missing = object()
    before = g.get("_login_user", missing)
    g._login_user = user
    try:
        yield
    finally:
        if before is missing:
            g.pop("_login_user", None)
        else:
            g._login_user = before


def can_read(user, thread: Thread, post: Post | None = None) -> bool:
    """Whether ``user`` may read ``thread`` (and ``post``) now, by the loaders' rule."""
    with acting_as(user):
        try:
            access = thread_access(thread)
        except HTTPException:
            return False
        return post is None or can_see(access, post)
