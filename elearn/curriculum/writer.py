"""Writing a checked curriculum (see ``importer``) into the database, matched by slug: content is
updated in place, progress is kept, and what has gone from the files is archived."""
from sqlalchemy import select

from ..core.signals import course_rules_changed
from ..courses import kinds
from ..courses.models import Activity, Course, Module, Status
from ..extensions import db
from .reader import CourseSpec, ImportReport


class _Writer:
    def __init__(self):
        self.changes = 0

    def set(self, obj, **values):
        for key, value in values.items():
            if getattr(obj, key) != value:
                setattr(obj, key, value)
                self.changes += 1

    def new(self, obj):
        db.session.add(obj)
        self.changes += 1
        return obj


def apply(report: ImportReport, *, archive_missing: bool = True) -> int:
    """Write the checked ``report`` to the database (the caller commits). Returns the change count."""
    assert not report.errors, "apply() needs a report without errors"
    w = _Writer()
    wanted = {c.slug for c in report.courses}
    for spec in report.courses:
        before = w.changes
        course = _apply_course(w, spec)
        if w.changes != before:
            db.session.flush()
            course_rules_changed.send(course.id)  # content or rules changed: every trainee's rows follow
    if archive_missing:
        for course in db.session.scalars(select(Course).where(Course.from_files.is_(True))):
            if course.slug not in wanted:
                w.set(course, status=Status.ARCHIVED)
    db.session.flush()
    report.changes = w.changes
    return w.changes


def _apply_course(w, spec: CourseSpec):
    course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
    if course is None:
        course = w.new(Course(slug=spec.slug, title=spec.title, from_files=True))
    w.set(course, title=spec.title, summary=spec.summary, hours=spec.hours,
          completion=dict(spec.completion), status=Status.PUBLISHED, from_files=True)
    db.session.flush()
    modules = {m.slug: m for m in db.session.scalars(select(Module).where(Module.course_id == course.id))}
    for position, mspec in enumerate(spec.modules):
        module = modules.get(mspec.slug)
        if module is None:
            module = modules[mspec.slug] = w.new(Module(course_id=course.id, slug=mspec.slug, title=mspec.title))
        w.set(module, title=mspec.title, summary=mspec.summary, position=position, status=Status.PUBLISHED,
              completion=dict(mspec.completion))
        db.session.flush()
        wanted_prereqs = [modules[p] for p in mspec.prerequisites]
        if sorted(m.id for m in module.prerequisites) != sorted(m.id for m in wanted_prereqs):
            module.prerequisites = wanted_prereqs
            w.changes += 1
        _apply_activities(w, course, module, mspec)
    present = {m.slug for m in spec.modules}
    for slug, module in modules.items():
        if slug not in present:
            w.set(module, status=Status.ARCHIVED)
    return course


def _apply_activities(w, course, module, mspec):
    existing = {a.slug: a for a in db.session.scalars(select(Activity).where(Activity.module_id == module.id))}
    for position, aspec in enumerate(mspec.activities):
        activity = existing.get(aspec.slug)
        if activity is None:
            activity = existing[aspec.slug] = w.new(Activity(course_id=course.id, module_id=module.id,
                                                             slug=aspec.slug, kind=aspec.kind, title=aspec.title))
            db.session.flush()
        w.set(activity, kind=aspec.kind, title=aspec.title, position=position, status=Status.PUBLISHED)
        kinds.get(aspec.kind).apply_spec(w, course, module, activity, aspec)
    present = {a.slug for a in mspec.activities}
    for slug, activity in existing.items():
        # Only what the files describe is archived; materials and workshops added on the web stay.
        if slug not in present and kinds.get(activity.kind).import_key:
            w.set(activity, status=Status.ARCHIVED)
