"""The registry of activity kinds (docs/ARCHITECTURE.md, "Activity kinds").

An activity row says only *which* kind it is (``Activity.kind``); everything that differs between
kinds lives on one ``ActivityKind`` object registered here: its label, its page, its completion
rules and default, the facts progress reads, how the curriculum importer reads and writes it, and
its link on the manage page. Lesson and material are registered below; other packages register
theirs when they are imported (``elearn/quizzes/kind.py``, ``elearn/workshops/kind.py``).

Nothing outside a kind's own module compares ``activity.kind`` with a literal: it asks
``get(activity.kind)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from flask import url_for
from flask_babel import lazy_gettext as _l


class Rule(StrEnum):
    """Completion rules of an activity (``activity.settings["completion"]``)."""

    VIEWED = "viewed"  # the trainee opened it
    MANUAL = "manual"  # the trainee marked it done
    GRADED = "graded"  # a graded attempt exists
    PASSED = "passed"  # the grade reaches the pass mark
    PASSED_OR_EXHAUSTED = "passed_or_exhausted"  # passed, or every allowed attempt is used
    ATTENDED = "attended"  # present (or late) at every scheduled session
    NONE = "none"  # not required for completion


#: Rules progress decides from the activity events alone, for any kind.
EVENT_RULES = (Rule.VIEWED, Rule.MANUAL, Rule.NONE)


@dataclass
class Outcome:
    """What a kind's own facts say about one trainee and one activity (``ActivityKind.outcome``)."""

    grade: float | None = None
    attempts: int = 0
    completed_at: datetime | None = None
    times: list = field(default_factory=list)  # when the trainee did something (first/last seen)
    events: list = field(default_factory=list)  # extra (verb, at) pairs, e.g. ("attended", at)


class ActivityKind:
    """One kind of activity. Subclass, set the attributes, override what differs, ``register()``."""

    name: str = ""
    label = ""
    #: Completion rules this kind accepts, the first being the default.
    rules: tuple[str, ...] = (Rule.VIEWED, Rule.MANUAL, Rule.NONE)
    #: Verb logged when a trainee opens the activity (None: opening records nothing).
    open_verb: str | None = Rule.VIEWED
    #: Whether showing its page counts as opening it (a material counts only when a file is downloaded).
    page_opens: bool = True
    #: The key that introduces it in a module.yaml ``activities:`` list (None: not in course files).
    import_key: str | None = None
    #: Template of its page under templates/courses/ (None: the page lives elsewhere, see ``url``).
    template: str | None = None
    #: Whether it gives a grade (a workshop may name one as its pre- or post-test).
    graded: bool = False
    #: Its content tables → the column holding the activity id: an edit there bumps the course's
    #: content version (``outline_cache``).
    content_tables: dict = {}

    @property
    def default_rule(self) -> str:
        return self.rules[0]

    def rule(self, activity) -> str:
        """The activity's completion rule: its own setting, else this kind's default."""
        return (activity.settings or {}).get("completion") or self.default_rule

    # --- pages ---------------------------------------------------------------------------------------
    def url(self, activity, course) -> str | None:
        """Where a trainee goes for ``activity`` (None: the course's own activity page renders it)."""
        return None

    def edit_url(self, activity, course) -> str | None:
        """The activity's link on the manage page (None: no editor)."""
        return None

    def page_context(self, activity) -> dict:
        """Extra template values for the course's own activity page."""
        return {}

    def open_from(self, activity, when) -> None:
        """Open a graded activity only from ``when`` (a workshop's post-test opens when its last
        session ends). Kinds without an opening time ignore it."""

    # --- progress ------------------------------------------------------------------------------------
    def facts(self, user_ids, activities) -> dict:
        """This kind's own facts for these trainees and activities (all of this kind), as
        ``{(user_id, activity_id): anything}``: whatever ``outcome`` reads. A few queries for the
        whole batch, never one per trainee."""
        return {}

    def fact_users(self, course_id) -> set[int]:
        """Trainees with any fact of this kind in the course (``flask progress rebuild``)."""
        return set()

    def outcome(self, activity, rule, fact) -> Outcome:
        """Grade, attempts and completion from ``fact`` (what ``facts`` returned, or None)."""
        return Outcome()

    # --- curriculum (elearn/curriculum) --------------------------------------------------------------
    def read_spec(self, reader, folder, module_path, item, slug, line):
        """Read one ``activities:`` entry of a module.yaml; report problems with ``reader.err``.
        Returns a spec object with ``slug``, ``title``, ``completion`` and ``minutes()``, or None."""
        raise NotImplementedError

    def apply_spec(self, writer, course, module, activity, spec) -> None:
        """Write ``spec`` into ``activity`` (already matched by slug and flushed)."""
        raise NotImplementedError


KINDS: dict[str, ActivityKind] = {}


def register(kind: ActivityKind) -> ActivityKind:
    if not kind.name or kind.name in KINDS and type(KINDS[kind.name]) is not type(kind):
        raise ValueError(f"activity kind {kind.name!r} is unnamed or already registered")
    KINDS[kind.name] = kind
    return kind


class _Unknown(ActivityKind):
    """A kind whose package is not installed: it shows, counts as viewed, and does nothing else."""

    label = _l("Hoạt động")


def get(name: str) -> ActivityKind:
    return KINDS.get(name) or _unknown(name)


def _unknown(name):
    k = _Unknown()
    k.name = name
    return k


def discover() -> None:
    """Import every feature package's ``kind`` module (``elearn/<package>/kind.py``), so the registry
    is complete outside ``create_app`` too (a script or a test that reads course files)."""
    import importlib
    import importlib.util
    import pkgutil

    import elearn

    for info in pkgutil.iter_modules(elearn.__path__):
        name = f"elearn.{info.name}.kind"
        if info.ispkg and importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def importable() -> dict[str, ActivityKind]:
    """{import key: kind} for the kinds the curriculum files may name (every installed kind)."""
    if not _discovered:
        discover()
        _discovered.append(True)
    return {k.import_key: k for k in KINDS.values() if k.import_key}


_discovered = []


def graded_kinds() -> list[str]:
    return [name for name, k in KINDS.items() if k.graded]


def labels() -> dict[str, str]:
    return {name: str(k.label) for name, k in KINDS.items()}


# --- the two kinds courses itself owns --------------------------------------------------------------

class LessonKind(ActivityKind):
    name = "lesson"
    label = _l("Bài học")
    content_tables = {"lessons": "activity_id"}
    import_key = "lesson"
    template = "courses/activity_lesson.html"

    def edit_url(self, activity, course):
        return url_for("courses.edit_lesson", slug=course.slug, activity_id=activity.id)

    def read_spec(self, reader, folder, module_path, item, slug, line):
        from .lesson_files import read_lesson

        return read_lesson(reader, folder, module_path, item, slug, line)

    def apply_spec(self, writer, course, module, activity, spec):
        from .lesson_files import apply_lesson

        apply_lesson(writer, activity, spec)


class MaterialKind(ActivityKind):
    name = "material"
    label = _l("Tài liệu")
    content_tables = {"material_files": "activity_id"}
    open_verb = "opened"
    page_opens = False
    template = "courses/activity_material.html"

    def edit_url(self, activity, course):
        return url_for("courses.replace_material", slug=course.slug, activity_id=activity.id)

    def page_context(self, activity):
        from sqlalchemy import select

        from ..extensions import db
        from .models import MaterialFile

        return {"files": db.session.scalars(select(MaterialFile).where(MaterialFile.activity_id == activity.id)
                                            .order_by(MaterialFile.version.desc())).all()}


LESSON = register(LessonKind())
MATERIAL = register(MaterialKind())
