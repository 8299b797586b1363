"""The "discussion" activity kind (``courses.kinds``): a module's discussion that counts toward
completion. Its page is the module's thread list; its rule "posted" is met by the trainee's first
visible post (a thread or a reply) in that module's threads. Posting sends ``facts_changed``."""
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, select

from ..courses.kinds import ActivityKind, Outcome, Rule, register
from ..extensions import db

POSTED = "posted"
#: Time a trainee is expected to spend reading the module's threads and posting, in minutes.
DEFAULT_MINUTES = 10


@dataclass
class DiscussionSpec:
    """A ``discussion:`` entry in module.yaml: ``{discussion: slug, title: ..., minutes: 10}``."""

    slug: str
    title: str
    minutes: int = DEFAULT_MINUTES
    completion: str = POSTED
    kind: str = "discussion"

    def minutes_needed(self) -> int:
        return self.minutes

    def tally(self) -> dict:
        return {"discussions": 1}


class DiscussionKind(ActivityKind):
    name = "discussion"
    label = _l("Thảo luận")
    rules = (POSTED, Rule.NONE)
    open_verb = None  # opening the list records nothing; posting does
    import_key = "discussion"

    def url(self, activity, course):
        return url_for("discussions.forum", slug=course.slug, module=activity.module_id)

    def facts(self, user_ids, activities):
        """{(user, activity): first post time} in the threads of each activity's module."""
        by_module = {}
        for a in activities:
            by_module.setdefault(a.module_id, []).append(a.id)
        if not by_module or not user_ids:
            return {}
        from .models import Post, Thread

        rows = db.session.execute(
            select(Thread.module_id, Post.author_id, func.min(Post.created_at))
            .join(Thread, Post.thread_id == Thread.id)
            .where(Thread.module_id.in_(list(by_module)), Post.author_id.in_(list(user_ids)),
                   Post.hidden == false(), Thread.hidden == false())
            .group_by(Thread.module_id, Post.author_id)).all()
        out = {}
        for module_id, user_id, first in rows:
            for activity_id in by_module[module_id]:
                out[(user_id, activity_id)] = first
        return out

    def fact_users(self, course_id):
        from .models import Post, Thread

        return set(db.session.scalars(select(Post.author_id).join(Thread, Post.thread_id == Thread.id).where(
            Thread.course_id == course_id, Thread.module_id.is_not(None), Post.author_id.is_not(None))))

    def outcome(self, activity, rule, fact):
        if fact is None:
            return Outcome()
        return Outcome(completed_at=fact if rule == POSTED else None, times=[fact])


    def read_spec(self, reader, folder, module_path, item, slug, line):
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            reader.err(module_path, line, "thảo luận cần 'title'")
            return None
        minutes = item.get("minutes", DEFAULT_MINUTES)
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
            reader.err(module_path, item.lines.get("minutes", line), "'minutes' phải là số phút nguyên không âm")
            minutes = DEFAULT_MINUTES
        return DiscussionSpec(slug, title.strip(), minutes)

    def apply_spec(self, writer, course, module, activity, spec):
        settings = {"completion": spec.completion, "minutes": spec.minutes}
        if activity.settings != settings:
            activity.settings = settings
            writer.changes += 1


DISCUSSION = register(DiscussionKind())
