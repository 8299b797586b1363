"""Each course's outline (modules, their activities and prerequisites), cached per process and keyed
by the course's ``content_version`` (docs/ARCHITECTURE.md, "Outline cache").

- What the cache hands out is plain frozen data (``OutlineModule``, ``OutlineActivity``, ``ModuleRef``
  with read-only mappings and tuples), never ORM objects: nothing is bound to another request's
  session and nothing can be changed by one request under another.
- Every process checks the version it read from the course row (the loaders read that row anyway):
  an entry built for another version, or for another course that had the same id before it (the
  creation time is part of the key), is rebuilt with three queries. Several gunicorn workers
  therefore each notice an edit at their next request for that course.
- One place bumps the version: the ``before_flush`` listener below sees every new, changed or
  deleted Course, Module, Activity, Lesson, MaterialFile, Quiz or quiz slot and adds one to its
  course's ``content_version`` with ``UPDATE … SET content_version = content_version + 1`` in the
  same transaction as the edit (so two simultaneous edits give two bumps). The outline is read
  after the version, so an entry is never older than the version it is stored under.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from itertools import chain
from types import MappingProxyType

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session, selectinload

from ..extensions import db
from . import kinds
from .models import Activity, Course, Module


@dataclass(frozen=True, eq=False)
class ModuleRef:
    """A prerequisite module, as much of it as the pages show."""

    id: int
    slug: str
    title: str
    status: str


@dataclass(frozen=True, eq=False)
class OutlineActivity:
    id: int
    module_id: int
    course_id: int
    kind: str
    slug: str
    title: str
    position: int
    status: str
    settings: MappingProxyType


@dataclass(frozen=True, eq=False)
class OutlineModule:
    id: int
    course_id: int
    slug: str
    title: str
    summary: str
    position: int
    status: str
    completion: MappingProxyType
    prerequisites: tuple  # of ModuleRef
    activities: tuple  # of OutlineActivity, every status, in order


@dataclass(frozen=True, eq=False)
class Outline:
    course_id: int
    version: int
    stamp: object  # the course's created_at: an id reused after a delete is another course
    published: tuple  # ((module, (activities…)), …): what trainees see
    everything: tuple  # the same with unpublished modules and activities (editors)

    def view(self, include_unpublished: bool) -> list:
        """``[(module, [activities])]`` in order, the shape of ``services.load_outline``."""
        return [(m, list(acts)) for m, acts in (self.everything if include_unpublished else self.published)]

    def activity(self, activity_id: int) -> OutlineActivity | None:
        return next((a for _m, acts in self.everything for a in acts if a.id == activity_id), None)


_cache: dict[int, Outline] = {}
_DIRTY = "outline_cache.uncommitted_edit"  # in Session.info while a transaction holds a bump
_lock = threading.Lock()
stats = {"hits": 0, "builds": 0}  # read by tests and the profiler


def outline(course: Course, *, include_unpublished: bool = False) -> list:
    """The course's outline as ``services.load_outline`` gives it, from the cache when it holds the
    version of ``course`` (the row this request read)."""
    return outline_of(course).view(include_unpublished)


def outline_of(course: Course) -> Outline:
    got = _cache.get(course.id)
    if got is not None and got.version == course.content_version and got.stamp == course.created_at:
        stats["hits"] += 1
        return got
    built = _build(course)
    if db.session.info.get(_DIRTY):
        # This transaction changed content it has not committed: it may yet roll back, and its
        # version number would then be given to the next real edit. Use the outline, don't keep it.
        return built
    with _lock:
        current = _cache.get(course.id)
        # another thread may have stored a newer version meanwhile: keep the newer one
        if current is None or current.stamp != built.stamp or current.version <= built.version:
            _cache[course.id] = built
    stats["builds"] += 1
    return built


def clear() -> None:
    """Forget every entry (tests)."""
    with _lock:
        _cache.clear()


def _freeze(value):
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def _build(course: Course) -> Outline:
    """Three queries: modules, their activities, their prerequisites."""
    version, stamp = course.content_version, course.created_at  # read first: see the module docstring
    modules = db.session.scalars(
        select(Module).where(Module.course_id == course.id)
        .options(selectinload(Module.activities), selectinload(Module.prerequisites))
        .order_by(Module.position, Module.id)).all()
    everything, published = [], []
    for m in modules:
        acts = tuple(OutlineActivity(a.id, a.module_id, a.course_id, a.kind, a.slug, a.title, a.position,
                                     a.status, _freeze(a.settings or {}))
                     for a in sorted(m.activities, key=lambda a: (a.position, a.id)))
        om = OutlineModule(m.id, m.course_id, m.slug, m.title, m.summary or "", m.position, m.status,
                           _freeze(m.completion or {}),
                           tuple(ModuleRef(p.id, p.slug, p.title, p.status) for p in m.prerequisites), acts)
        everything.append((om, acts))
        if m.status == "published":
            published.append((om, tuple(a for a in acts if a.status == "published")))
    return Outline(course.id, version, stamp, tuple(published), tuple(everything))


# --- the version bump ----------------------------------------------------------------------------------

# Content tables → how to find the course: its own id, a course_id column, or an activity id column.
_COURSE_ID = {"modules": "course_id", "activities": "course_id"}


def _activity_id_columns():
    """Each kind's content tables (``kinds.ActivityKind.content_tables``)."""
    return {table: column for kind in kinds.KINDS.values() for table, column in kind.content_tables.items()}


def _course_of_activity(session, activity_id):
    if activity_id is None:
        return None
    act = session.identity_map.get(inspect(Activity).identity_key_from_primary_key((activity_id,)))
    if act is not None:
        return act.course_id
    return session.scalar(select(Activity.course_id).where(Activity.id == activity_id))


def _course_ids(session, obj, new: bool):
    table = getattr(type(obj), "__tablename__", None)
    if table == "courses":
        return () if new else (obj.id,)  # a new course starts at version 1
    if table in _COURSE_ID:
        return (getattr(obj, _COURSE_ID[table]),)
    column = _activity_id_columns().get(table)
    if column:
        return (_course_of_activity(session, getattr(obj, column)),)
    return ()


@event.listens_for(Session, "before_flush")
def _bump_content_versions(session, flush_context, instances):
    ids = set()
    with session.no_autoflush:
        for obj in chain(session.new, session.deleted):
            ids.update(_course_ids(session, obj, new=obj in session.new))
        for obj in session.dirty:
            if session.is_modified(obj):
                ids.update(_course_ids(session, obj, new=False))
    ids.discard(None)
    if not ids:
        return
    session.info[_DIRTY] = True
    table = Course.__table__
    session.execute(update(table).where(table.c.id.in_(sorted(ids)))
                    .values(content_version=table.c.content_version + 1))
    for cid in ids:  # a Course already loaded here must not keep the old number
        course = session.identity_map.get(inspect(Course).identity_key_from_primary_key((cid,)))
        if course is not None:
            session.expire(course, ["content_version"])


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session, transaction):
    if transaction.parent is None:  # committed or rolled back: nothing uncommitted any more
        session.info.pop(_DIRTY, None)
