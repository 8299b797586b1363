"""Course queries and changes: what a user may see, module locks, progress events, authoring."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, func, literal_column, or_, select, union_all
from sqlalchemy.orm import selectinload

from ..core.errors import NotFound, ServiceError
from ..core.markdown import reading_minutes, render
from ..core.signals import course_rules_changed, tell_facts_changed
from ..core.text import slugify, vi_collate
from ..core.timeutil import utcnow
from ..extensions import db
from . import kinds
from ..auth.permissions import is_staff_member
from .permissions import can_be_course_staff, edits_every_course, joins_staff_on_create
from .models import (
    Activity,
    ActivityEvent,
    ActivityProgress,
    Course,
    CourseProgress,
    CourseStaff,
    Enrolment,
    Lesson,
    Module,
    ModuleProgress,
    ProgressState,
    Status,
)


def _org_ids_of(user):
    """The user's unit and every unit above it (their ids are in the unit's path)."""
    return [int(x) for x in user.org.path.strip("/").split("/") if x]


def enrolled_filter(user):
    """A condition on Course: ``user`` is enrolled, by their own row or by a unit above them."""
    return exists().where(
        Enrolment.course_id == Course.id,
        or_(Enrolment.user_id == user.id, Enrolment.org_id.in_(_org_ids_of(user))),
    )


def enrolled_user_filter(course):
    """A condition on User: enrolled in ``course``, by their own row or by a unit above theirs."""
    from sqlalchemy.orm import aliased

    from ..auth.models import User
    from ..orgs.models import OrgUnit

    unit, own = aliased(OrgUnit), aliased(OrgUnit)
    return or_(
        exists().where(Enrolment.course_id == course.id, Enrolment.user_id == User.id),
        exists().where(Enrolment.course_id == course.id, Enrolment.org_id == unit.id, own.id == User.org_id,
                       own.path.startswith(unit.path)),
    )


def staff_filter(user):
    return exists().where(CourseStaff.course_id == Course.id, CourseStaff.user_id == user.id)


def is_enrolled(user, course) -> bool:
    return bool(db.session.scalar(select(enrolled_filter(user).where(Course.id == course.id))))


def is_staff(user, course) -> bool:
    return db.session.get(CourseStaff, (course.id, user.id)) is not None


def my_courses(user):
    """Published courses the user is enrolled in, with their % of required activities complete."""
    courses = db.session.scalars(
        select(Course).where(Course.status == Status.PUBLISHED, enrolled_filter(user))
    ).all()
    courses = sorted(courses, key=lambda c: vi_collate(c.title))
    return courses, course_percentages(user, [c.id for c in courses])


def course_percentages(user, course_ids):
    """{course_id: percent complete}, read from the precomputed course rows (one query)."""
    if not course_ids:
        return {}
    rows = dict(db.session.execute(select(CourseProgress.course_id, CourseProgress.percent).where(
        CourseProgress.user_id == user.id, CourseProgress.course_id.in_(course_ids))).all())
    return {cid: rows.get(cid, 0) for cid in course_ids}


def overseen_courses(user):
    """A manager's courses: published ones enrolled for a unit of their subtree, or above their unit."""
    from sqlalchemy.orm import aliased

    from ..orgs.models import OrgUnit

    unit = aliased(OrgUnit)
    below = exists().where(Enrolment.course_id == Course.id, Enrolment.org_id == unit.id,
                           unit.path.startswith(user.org.path))
    courses = db.session.scalars(select(Course).where(Course.status == Status.PUBLISHED,
                                                      or_(enrolled_filter(user), below))).all()
    return sorted(courses, key=lambda c: vi_collate(c.title))


def staff_courses(user):
    stmt = select(Course).where(Course.status != Status.ARCHIVED)
    if not edits_every_course(user):
        stmt = stmt.where(staff_filter(user))
    return sorted(db.session.scalars(stmt).all(), key=lambda c: vi_collate(c.title))


def get_course(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound(_("Không tìm thấy khoá học."))
    return course


def load_outline(course: Course, *, include_unpublished: bool):
    """The course's modules with their activities (and prerequisites), in order: three queries."""
    stmt = (select(Module).where(Module.course_id == course.id)
            .options(selectinload(Module.activities), selectinload(Module.prerequisites))
            .order_by(Module.position, Module.id))
    modules = db.session.scalars(stmt).all()
    out = []
    for m in modules:
        if not include_unpublished and m.status != Status.PUBLISHED:
            continue
        acts = [a for a in m.activities if include_unpublished or a.status == Status.PUBLISHED]
        out.append((m, acts))
    return out


def completed(user_id, course_ids, *, activity_ids=None, all_activities=False, modules=True):
    """(ids of the activities, ids of the modules) ``user_id`` has completed in ``course_ids``, from
    the progress rows, in one statement (a UNION ALL when both are asked for). Activities: those of
    ``activity_ids``, or every one in the courses with ``all_activities``, else none."""
    complete = ProgressState.COMPLETE
    parts = []
    if activity_ids is not None or all_activities:
        where = ActivityProgress.activity_id.in_(activity_ids) if activity_ids is not None else \
            ActivityProgress.course_id.in_(course_ids)
        parts.append(select(literal_column("0").label("k"), ActivityProgress.activity_id.label("id")).where(
            ActivityProgress.user_id == user_id, ActivityProgress.state == complete, where))
    if modules:
        parts.append(select(literal_column("1").label("k"), ModuleProgress.module_id.label("id")).where(
            ModuleProgress.user_id == user_id, ModuleProgress.course_id.in_(course_ids),
            ModuleProgress.state == complete))
    out = (set(), set())
    if parts:
        for k, id_ in db.session.execute(parts[0] if len(parts) == 1 else union_all(*parts)):
            out[k].add(id_)
    return out


@dataclass
class ModuleState:
    module: Module
    activities: list
    state: str  # done, available, locked
    missing: list  # prerequisite modules not yet done
    done_ids: set


def module_states(user, course, outline, *, done: bool = True):
    """Each module's state for ``user``: done, available, or locked while a prerequisite is not
    done, from the precomputed rows. ``outline`` is the cached one (``outline_cache``) or ORM
    objects of the same shape. Reads only what is needed: the modules the viewer completed only when
    some module has a published prerequisite, the activities they completed only when ``done``."""
    ids = [a.id for _m, acts in outline for a in acts]
    staff = is_staff_member(user)  # staff are not learners: nothing is locked for them
    want_modules = done or (not staff and any(p.status == Status.PUBLISHED for m, _a in outline for p in m.prerequisites))
    done_ids, done_modules = completed(user.id, [course.id], activity_ids=ids if done and ids else None,
                                       modules=want_modules)
    states = []
    for m, acts in outline:
        missing = [] if staff else [p for p in m.prerequisites if p.status == Status.PUBLISHED and p.id not in done_modules]
        state = "done" if m.id in done_modules else ("locked" if missing else "available")
        states.append(ModuleState(m, acts, state, missing, done_ids))
    return states


def record_event(user, activity: Activity, verb: str, now=None, reopened: bool = False):
    """Log a raw event and tell progress (``core.signals.facts_changed``), which refreshes the
    trainee's rows in this transaction. Returns their course row. ``reopened``: the event only says
    the trainee opened the activity (progress may then just move its times)."""
    now = now or utcnow()
    db.session.add(ActivityEvent(user_id=user.id, activity_id=activity.id, course_id=activity.course_id,
                                 verb=verb, created_at=now))
    db.session.flush()
    return tell_facts_changed(activity.course_id, user.id, now=now, reopened=activity.id if reopened else None)


def record_view(user, activity: Activity):
    """A trainee opened ``activity``: log its kind's opening verb, if it has one (``kinds``)."""
    verb = kinds.get(activity.kind).open_verb
    return record_event(user, activity, verb, reopened=True) if verb else None


def neighbours(outline, activity):
    flat = [a for _m, acts in outline for a in acts]
    ids = [a.id for a in flat]
    if activity.id not in ids:
        return None, None
    i = ids.index(activity.id)
    return (flat[i - 1] if i > 0 else None), (flat[i + 1] if i + 1 < len(flat) else None)


# --- authoring -------------------------------------------------------------------------------------------

def _unique_slug(base, taken):
    base = slugify(base)[:70] or "muc"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_title(title):
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError(_("Tiêu đề không được để trống."), field="title")
    if len(title) > 200:
        raise ServiceError(_("Tiêu đề dài tối đa 200 ký tự."), field="title")
    return title


def create_course(user, title, summary, hours) -> Course:
    taken = set(db.session.scalars(select(Course.slug)))
    course = Course(slug=_unique_slug(title, taken), title=_check_title(title), summary=summary or "",
                    hours=hours or 0, status=Status.DRAFT)
    db.session.add(course)
    db.session.flush()
    if joins_staff_on_create(user):
        db.session.add(CourseStaff(course_id=course.id, user_id=user.id))
    db.session.flush()
    return course


def create_module(course, title, summary="") -> Module:
    taken = set(db.session.scalars(select(Module.slug).where(Module.course_id == course.id)))
    position = db.session.scalar(select(func.coalesce(func.max(Module.position), -1)).where(Module.course_id == course.id)) + 1
    module = Module(course_id=course.id, slug=_unique_slug(title, taken), title=_check_title(title),
                    summary=summary or "", position=position, status=Status.DRAFT)
    db.session.add(module)
    db.session.flush()
    return module


def update_module(module, *, title, summary, prerequisite_ids, completion=None):
    module.title = _check_title(title)
    module.summary = summary or ""
    if completion is not None and completion != (module.completion or {}):
        module.completion = completion
        db.session.flush()
        course_rules_changed.send(module.course_id)  # the rules changed: everyone's rows follow
    allowed = {m.id: m for m in db.session.scalars(select(Module).where(Module.course_id == module.course_id,
                                                                      Module.id != module.id))}
    if any(pid not in allowed for pid in prerequisite_ids):
        raise ServiceError(_("Điều kiện tiên quyết phải là module khác của cùng khoá học."), field="prerequisites")
    chosen = [allowed[p] for p in prerequisite_ids]
    # refuse cycles: a chosen module may not (transitively) require this one
    stack, seen = list(chosen), set()
    while stack:
        m = stack.pop()
        if m.id == module.id:
            raise ServiceError(_("Điều kiện tiên quyết tạo thành vòng lặp."), field="prerequisites")
        if m.id in seen:
            continue
        seen.add(m.id)
        stack.extend(m.prerequisites)
    module.prerequisites = chosen
    db.session.flush()


def _next_activity_position(module):
    return db.session.scalar(select(func.coalesce(func.max(Activity.position), -1)).where(Activity.module_id == module.id)) + 1


def check_lesson_body(body_md) -> None:
    """What saving and the preview both refuse: an empty body, raw HTML, images without a size."""
    from ..core.markdown import problems

    if not (body_md or "").strip():
        raise ServiceError(_("Bài học chưa có nội dung."), field="body_md")
    found = problems(body_md)
    if found:
        line, message = found[0]
        raise ServiceError(_("Dòng %(line)s: %(message)s", line=line or "?", message=message), field="body_md")


def save_lesson(module, activity: Activity | None, *, title, body_md, minutes=None) -> Activity:
    title = _check_title(title)
    check_lesson_body(body_md)
    if activity is None:
        taken = set(db.session.scalars(select(Activity.slug).where(Activity.module_id == module.id)))
        activity = Activity(module_id=module.id, course_id=module.course_id, kind=kinds.LESSON.name,
                            slug=_unique_slug(title, taken), title=title,
                            position=_next_activity_position(module), status=Status.DRAFT)
        db.session.add(activity)
        db.session.flush()
        db.session.add(Lesson(activity_id=activity.id))
        db.session.flush()
        db.session.refresh(activity)
    activity.title = title
    lesson = activity.lesson
    lesson.body_md = body_md
    lesson.body_html = render(body_md)
    lesson.minutes = minutes or reading_minutes(body_md)
    db.session.flush()
    return activity


def new_activity(module, title, kind) -> Activity:
    """A new draft activity of ``kind`` at the end of ``module``."""
    taken = set(db.session.scalars(select(Activity.slug).where(Activity.module_id == module.id)))
    activity = Activity(module_id=module.id, course_id=module.course_id, kind=kind,
                        slug=_unique_slug(title, taken), title=_check_title(title),
                        position=_next_activity_position(module), status=Status.DRAFT)
    db.session.add(activity)
    db.session.flush()
    return activity


def new_material(module, title) -> Activity:
    taken = set(db.session.scalars(select(Activity.slug).where(Activity.module_id == module.id)))
    activity = Activity(module_id=module.id, course_id=module.course_id, kind=kinds.MATERIAL.name,
                        slug=_unique_slug(title, taken), title=_check_title(title),
                        position=_next_activity_position(module), status=Status.DRAFT)
    db.session.add(activity)
    db.session.flush()
    return activity


def add_material_version(activity, stored, uploaded_by_id):
    """Add the next version of a material's file (``stored`` from ``core.uploads.store_upload``).
    Two uploads at once must not take the same number (``max + 1`` would race the unique
    constraint): the activity row is locked first (PostgreSQL ``FOR UPDATE``; SQLite already
    serialises writing requests), so the second upload waits and then counts the first."""
    from .models import MaterialFile

    db.session.execute(select(Activity.id).where(Activity.id == activity.id).with_for_update())
    version = (db.session.scalar(select(func.max(MaterialFile.version))
                                 .where(MaterialFile.activity_id == activity.id)) or 0) + 1
    row = MaterialFile(activity_id=activity.id, version=version, stored_name=stored.stored_name,
                       original_name=stored.original_name, mime=stored.mime, size=stored.size,
                       sha256=stored.sha256, width=stored.width, height=stored.height, uploaded_by_id=uploaded_by_id)
    db.session.add(row)
    db.session.flush()
    return row


def set_status(obj, status):
    if status not in ("draft", "published", "archived"):
        raise ServiceError(_("Trạng thái không hợp lệ."))
    obj.status = status
    db.session.flush()


def move(obj, direction: int):
    """Swap ``obj`` (a Module or Activity) with its neighbour above (-1) or below (+1)."""
    model = type(obj)
    parent_col = Module.course_id if model is Module else Activity.module_id
    parent_val = obj.course_id if model is Module else obj.module_id
    siblings = db.session.scalars(select(model).where(parent_col == parent_val)
                                  .order_by(model.position, model.id)).all()
    i = siblings.index(obj)
    j = i + direction
    if not 0 <= j < len(siblings):
        return
    for pos, item in enumerate(siblings):
        item.position = pos
    siblings[i].position, siblings[j].position = j, i
    db.session.flush()


def enrol_org(course, org):
    if db.session.scalar(select(Enrolment.id).where(Enrolment.course_id == course.id, Enrolment.org_id == org.id)):
        return
    db.session.add(Enrolment(course_id=course.id, org_id=org.id))
    db.session.flush()


def enrol_user(course, user):
    if db.session.scalar(select(Enrolment.id).where(Enrolment.course_id == course.id, Enrolment.user_id == user.id)):
        return
    db.session.add(Enrolment(course_id=course.id, user_id=user.id))
    db.session.flush()


def add_staff(course, user):
    if not can_be_course_staff(user):
        raise ServiceError(_("Chỉ giảng viên mới được phân công phụ trách khoá học."))
    if db.session.get(CourseStaff, (course.id, user.id)) is None:
        db.session.add(CourseStaff(course_id=course.id, user_id=user.id))
        db.session.flush()
