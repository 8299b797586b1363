"""Writing a checked curriculum (see ``importer``) into the database, matched by slug: content is
updated in place, progress is kept, and what has gone from the files is archived."""
from sqlalchemy import select

from ..core.markdown import render
from ..extensions import db
from ..quizzes.models import Quiz
from . import kinds
from .importer import ACTIVITY_KINDS, CourseSpec, ImportReport, LessonSpec
from .models import Activity, Course, Lesson, Module


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
    from ..progress.services import rebuild

    w = _Writer()
    wanted = {c.slug for c in report.courses}
    for spec in report.courses:
        before = w.changes
        course = _apply_course(w, spec)
        if w.changes != before:
            db.session.flush()
            rebuild(course)  # content or rules changed: every trainee's rows follow
    if archive_missing:
        for course in db.session.scalars(select(Course).where(Course.from_files.is_(True))):
            if course.slug not in wanted:
                w.set(course, status="archived")
    db.session.flush()
    report.changes = w.changes
    return w.changes


def _apply_course(w, spec: CourseSpec):
    course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
    if course is None:
        course = w.new(Course(slug=spec.slug, title=spec.title, from_files=True))
    w.set(course, title=spec.title, summary=spec.summary, hours=spec.hours,
          completion=dict(spec.completion), status="published", from_files=True)
    db.session.flush()
    modules = {m.slug: m for m in db.session.scalars(select(Module).where(Module.course_id == course.id))}
    for position, mspec in enumerate(spec.modules):
        module = modules.get(mspec.slug)
        if module is None:
            module = modules[mspec.slug] = w.new(Module(course_id=course.id, slug=mspec.slug, title=mspec.title))
        w.set(module, title=mspec.title, summary=mspec.summary, position=position, status="published",
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
            w.set(module, status="archived")
    return course


def _apply_activities(w, course, module, mspec):
    existing = {a.slug: a for a in db.session.scalars(select(Activity).where(Activity.module_id == module.id))}
    for position, aspec in enumerate(mspec.activities):
        kind = getattr(aspec, "kind", None) or ("lesson" if isinstance(aspec, LessonSpec) else "quiz")
        activity = existing.get(aspec.slug)
        if activity is None:
            activity = existing[aspec.slug] = w.new(Activity(course_id=course.id, module_id=module.id,
                                                             slug=aspec.slug, kind=kind, title=aspec.title))
            db.session.flush()
        w.set(activity, kind=kind, title=aspec.title, position=position, status="published")
        if kind == "lesson":
            settings = {"completion": aspec.completion}
            if activity.settings != settings:
                activity.settings = settings
                w.changes += 1
            lesson = activity.lesson or w.new(Lesson(activity=activity))
            w.set(lesson, body_md=aspec.body_md, body_html=render(aspec.body_md), minutes=aspec.minutes,
                  sources=list(aspec.sources))
        elif kind == "quiz":
            _apply_quiz(w, course, module, activity, aspec)
        else:
            kinds.get(kind).apply_spec(w, course, module, activity, aspec)
    present = {a.slug for a in mspec.activities}
    for slug, activity in existing.items():
        # Only what the files describe is archived; materials and workshops added on the web stay.
        if slug not in present and (activity.kind in ACTIVITY_KINDS or activity.kind in kinds.importable()):
            w.set(activity, status="archived")


def _apply_quiz(w, course, module, activity, aspec):
    """The quiz's questions go into the course bank (matched by key), in file order as fixed slots."""
    from ..quizzes import bank
    from ..quizzes import services as quizzes

    settings = {"questions_file": aspec.questions_file, "question_count": len(aspec.questions),
                "completion": aspec.completion}
    if activity.settings != settings:
        activity.settings = settings
        w.changes += 1
    quiz = db.session.get(Quiz, activity.id)
    if quiz is None:
        quiz = w.new(Quiz(activity_id=activity.id))
        db.session.flush()
    w.set(quiz, pass_mark=aspec.pass_mark, attempts_allowed=aspec.attempts, review=aspec.review)
    stored = bank.store_questions(course, aspec.questions, f"{course.slug}/{module.slug}", replace=True)
    w.changes += stored.created + stored.updated
    if quizzes.set_fixed_questions(quiz, stored.questions):
        w.changes += 1
