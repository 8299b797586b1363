"""Instructor authoring in the browser: courses, modules, lessons (Markdown with preview),
materials (uploads with versions), order, publish and archive, enrolment and staff."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..auth.forms import ConfirmForm
from ..auth.services import get_user_by_email
from ..core import once
from ..core.errors import ServiceError
from ..core.loading import loads
from ..core.markdown import render
from ..core.uploads import discard, store_upload
from ..extensions import db
from ..orgs.services import tree_rows, visible_units
from . import bp, loaders, services
from .forms import (
    CourseForm,
    EnrolForm,
    EnrolUserForm,
    LessonForm,
    MaterialForm,
    ModuleForm,
    ReplaceFileForm,
    StaffForm,
)
from .kinds import MATERIAL
from .models import PROGRESS_LABELS, CourseStaff, Enrolment, MaterialFile, Module, Status
from .permissions import can_create_course, learners_condition


def _back(course):
    return redirect(url_for("courses.manage", slug=course.slug))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_course():
    if not can_create_course(current_user):
        abort(403)
    form = CourseForm()
    if form.validate_on_submit():
        replay = once.claim(form)
        if replay is not None:
            return replay
        try:
            course = services.create_course(current_user, form.title.data, form.summary.data, float(form.hours.data or 0))
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
        else:
            once.done(url_for("courses.manage", slug=course.slug))
            db.session.commit()
            flash(_("Đã tạo khoá học (bản nháp)."), "success")
            return _back(course)
    return render_template("courses/manage/course_form.html", form=form)


@bp.route("/<slug>/manage")
@login_required
@loads(loaders.load_editable_course, into="course")
def manage(course):
    outline = services.load_outline(course, include_unpublished=True)
    staff = db.session.execute(
        select(CourseStaff.user_id).where(CourseStaff.course_id == course.id)).scalars().all()
    from ..auth.models import User
    from ..orgs.models import OrgUnit

    staff_users = db.session.scalars(select(User).where(User.id.in_(staff))).all() if staff else []
    enrolled_units = db.session.scalars(select(OrgUnit).join(Enrolment, Enrolment.org_id == OrgUnit.id)
                                        .where(Enrolment.course_id == course.id)).all()
    enrolled_users = db.session.scalar(select(func.count(Enrolment.id)).where(
        Enrolment.course_id == course.id, Enrolment.user_id.is_not(None)))
    enrol = EnrolForm(formdata=None)
    enrol_user = EnrolUserForm(formdata=None)
    enrol.org_id.choices = [(u.id, "— " * lvl + u.name) for u, lvl in tree_rows(visible_units(current_user))]
    return render_template("courses/manage/outline.html", course=course, outline=outline, confirm=ConfirmForm(),
                           module_form=ModuleForm(formdata=None), staff=staff_users, enrolled_units=enrolled_units,
                           enrolled_users=enrolled_users, enrol=enrol, staff_form=StaffForm(formdata=None),
                           enrol_user=enrol_user)


@bp.route("/<slug>/manage/status/<status>", methods=["GET", "POST"])
@login_required
@loads(loaders.load_editable_course, into="course")
def course_status(course, status):
    slug = course.slug
    if status not in ("draft", "published", "archived"):
        abort(404)
    form = ConfirmForm()
    if status == Status.ARCHIVED and request.method == "GET":
        return render_template("admin/confirm.html", form=form, title=_("Lưu trữ khoá học"),
                               message=_("Lưu trữ khoá học “%(t)s”? Học viên sẽ không thấy khoá học nữa; tiến độ của họ vẫn được giữ.", t=course.title),
                               cancel=url_for("courses.manage", slug=slug), button=_("Lưu trữ"))
    if not form.validate_on_submit():
        abort(400)
    services.set_status(course, status)
    db.session.commit()
    flash(_("Đã cập nhật trạng thái khoá học."), "success")
    return _back(course)


@bp.route("/<slug>/manage/modules/new", methods=["POST"])
@login_required
@loads(loaders.load_editable_course, into="course")
def new_module(course):
    slug = course.slug
    form = ModuleForm()
    form.prerequisites.choices = []
    form.require.choices = [("all", _("tất cả hoạt động bắt buộc"))]  # a new module has no activities yet
    if form.validate_on_submit():
        replay = once.claim(form)
        if replay is not None:
            return replay
        try:
            module = services.create_module(course, form.title.data, form.summary.data)
        except ServiceError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            once.done(url_for("courses.edit_module", slug=slug, module_id=module.id))
            db.session.commit()
            flash(_("Đã thêm module (bản nháp)."), "success")
            return redirect(url_for("courses.edit_module", slug=slug, module_id=module.id))
    else:
        for errors in form.errors.values():
            for e in errors:
                flash(e, "error")
    return _back(course)


@bp.route("/<slug>/manage/modules/<int:module_id>", methods=["GET", "POST"])
@login_required
@loads(loaders.load_editable_module, into=("course", "module"))
def edit_module(course, module):
    form = ModuleForm(obj=module) if request.method == "GET" else ModuleForm()
    others = db.session.scalars(select(Module).where(Module.course_id == course.id, Module.id != module.id)
                                .order_by(Module.position)).all()
    form.prerequisites.choices = [(m.id, m.title) for m in others]
    required = [a for a in module.activities if a.status != Status.ARCHIVED]
    form.require.choices = [("all", _("tất cả hoạt động bắt buộc"))] + \
        [(str(n), _("bất kỳ %(n)d hoạt động", n=n)) for n in range(1, max(len(required), 1) + 1)]
    if request.method == "GET":
        from datetime import date

        rule = module.completion or {}
        form.prerequisites.data = [m.id for m in module.prerequisites]
        form.require.data = str(rule.get("require", "all"))
        form.min_grade.data = rule.get("min_grade")
        form.due.data = date.fromisoformat(rule["due"]) if rule.get("due") else None
    if form.validate_on_submit():
        rule = {"require": "all" if form.require.data == "all" else int(form.require.data)}
        if form.min_grade.data is not None:
            rule["min_grade"] = float(form.min_grade.data)
        if form.due.data:
            rule["due"] = form.due.data.isoformat()
        try:
            services.update_module(module, title=form.title.data, summary=form.summary.data,
                                   prerequisite_ids=form.prerequisites.data or [], completion=rule)
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
        else:
            db.session.commit()
            flash(_("Đã lưu module."), "success")
            return _back(course)
    return render_template("courses/manage/module_form.html", course=course, module=module, form=form)


@bp.route("/<slug>/manage/<kind>/<int:obj_id>/<action>", methods=["GET", "POST"])
@login_required
@loads(loaders.load_outline_item, into=("course", "obj", "kind", "action"))
def change(course, obj, kind, action):
    """Publish, unpublish, archive (with confirmation) or move a module or an activity."""
    slug = course.slug
    form = ConfirmForm()
    if action == "archive" and request.method == "GET":
        return render_template("admin/confirm.html", form=form, title=_("Lưu trữ"),
                               message=_("Lưu trữ “%(t)s”? Học viên sẽ không thấy mục này nữa; tiến độ của họ vẫn được giữ.", t=obj.title),
                               cancel=url_for("courses.manage", slug=slug), button=_("Lưu trữ"))
    if request.method != "POST" or not form.validate_on_submit():
        abort(400)
    if action in ("up", "down"):
        services.move(obj, -1 if action == "up" else 1)
    else:
        services.set_status(obj, {"publish": "published", "draft": "draft", "archive": "archived"}[action])
    db.session.commit()
    return redirect(url_for("courses.manage", slug=slug) + f"#{kind}-{obj.id}")


@bp.route("/<slug>/manage/modules/<int:module_id>/lessons/new", methods=["GET", "POST"])
@bp.route("/<slug>/manage/lessons/<int:activity_id>", methods=["GET", "POST"])
@login_required
@loads(loaders.load_lesson_form, into=("course", "module", "activity"))
def edit_lesson(course, module, activity):
    slug = course.slug
    if request.method == "GET" and activity is not None:
        form = LessonForm(title=activity.title, body_md=activity.lesson.body_md, minutes=activity.lesson.minutes)
    else:
        form = LessonForm()
    preview = None
    if form.validate_on_submit():
        if "preview" in request.form:
            try:
                services.check_lesson_body(form.body_md.data)  # refused as saving would refuse it
            except ServiceError as err:
                err.show_on(form)
            else:
                preview = render(form.body_md.data)  # shown, not saved
        else:
            replay = once.claim(form) if activity is None else None  # creating: store once
            if replay is not None:
                return replay
            try:
                activity = services.save_lesson(module, activity, title=form.title.data, body_md=form.body_md.data,
                                                minutes=form.minutes.data)
            except ServiceError as err:
                db.session.rollback()
                err.show_on(form)
            else:
                once.done(url_for("courses.manage", slug=slug) + f"#activity-{activity.id}")
                db.session.commit()
                flash(_("Đã lưu bài học."), "success")
                return redirect(url_for("courses.manage", slug=slug) + f"#activity-{activity.id}")
    return render_template("courses/manage/lesson_form.html", course=course, module=module, activity=activity,
                           form=form, preview=preview)


def _store_version(activity, file_storage, location):
    """Store the upload, then its row, and commit; if the row cannot be saved, the file is removed
    again. ``location(activity)`` is where a repeated submission of the form is sent."""
    stored = store_upload(file_storage, "materials")
    try:
        row = services.add_material_version(activity, stored, current_user.id)
        once.done(location(activity))
        db.session.commit()
    except Exception:
        db.session.rollback()
        discard(stored.stored_name, "materials")
        raise
    return row.version


@bp.route("/<slug>/manage/modules/<int:module_id>/materials/new", methods=["GET", "POST"])
@login_required
@loads(loaders.load_editable_module, into=("course", "module"))
def new_material(course, module):
    slug = course.slug
    form = MaterialForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        if not upload or not upload.filename:
            form.file.errors.append(_("Hãy chọn một tệp."))
        else:
            replay = once.claim(form)
            if replay is not None:
                return replay
            try:
                activity = services.new_material(module, form.title.data)
                _store_version(activity, upload,
                               lambda a: url_for("courses.manage", slug=slug) + f"#activity-{a.id}")
            except ServiceError as err:
                db.session.rollback()
                err.show_on(form)
            else:
                flash(_("Đã tải lên tài liệu (bản nháp)."), "success")
                return redirect(url_for("courses.manage", slug=slug) + f"#activity-{activity.id}")
    return render_template("courses/manage/material_form.html", course=course, module=module, form=form, activity=None)


@bp.route("/<slug>/manage/materials/<int:activity_id>", methods=["GET", "POST"])
@login_required
@loads(loaders.load_editable_course_activity, into=("course", "activity"), kind=MATERIAL.name)
def replace_material(course, activity):
    slug = course.slug
    form = ReplaceFileForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        if not upload or not upload.filename:
            form.file.errors.append(_("Hãy chọn một tệp."))
        else:
            replay = once.claim(form)
            if replay is not None:
                return replay
            try:
                version = _store_version(activity, upload,
                                         lambda a: url_for("courses.replace_material", slug=slug, activity_id=a.id))
            except ServiceError as err:
                db.session.rollback()
                err.show_on(form)
            else:
                flash(_("Đã thay tệp; phiên bản %(v)d. Các phiên bản cũ vẫn được giữ.", v=version), "success")
                return redirect(url_for("courses.replace_material", slug=slug, activity_id=activity.id))
    files = db.session.scalars(select(MaterialFile).where(MaterialFile.activity_id == activity.id)
                               .order_by(MaterialFile.version.desc())).all()
    return render_template("courses/manage/material_form.html", course=course, module=activity.module,
                           form=form, activity=activity, files=files)


@bp.route("/<slug>/manage/enrol", methods=["POST"])
@login_required
@loads(loaders.load_editable_course, into="course")
def enrol(course):
    form = EnrolForm()
    units = {u.id: u for u in visible_units(current_user)}
    form.org_id.choices = [(i, "") for i in units]
    if form.validate_on_submit():
        services.enrol_org(course, units[form.org_id.data])
        db.session.commit()
        flash(_("Đã ghi danh %(unit)s và các đơn vị cấp dưới.", unit=units[form.org_id.data].name), "success")
    else:
        flash(_("Hãy chọn một đơn vị."), "error")
    return _back(course)


def _person_action(course, form_class, action, done_message):
    """Look up an active account by the form's e-mail and apply ``action(course, user)``."""
    form = form_class()
    if form.validate_on_submit():
        user = get_user_by_email(form.email.data)
        if user is None or not user.active:
            flash(_("Không có tài khoản đang hoạt động %(email)s.", email=form.email.data), "error")
        else:
            try:
                action(course, user)
            except ServiceError as err:
                db.session.rollback()
                flash(err.message, "error")
            else:
                db.session.commit()
                flash(done_message(user), "success")
    return _back(course)


@bp.route("/<slug>/manage/enrol-user", methods=["POST"])
@login_required
@loads(loaders.load_editable_course, into="course")
def enrol_one(course):
    return _person_action(course, EnrolUserForm, services.enrol_user, lambda u: _("Đã ghi danh %(name)s.", name=u.name))


@bp.route("/<slug>/manage/staff", methods=["POST"])
@login_required
@loads(loaders.load_editable_course, into="course")
def add_staff(course):
    return _person_action(course, StaffForm, services.add_staff,
                          lambda u: _("%(name)s đã được phân công phụ trách khoá học.", name=u.name))


@bp.route("/<slug>/manage/progress.<fmt>")
@login_required
@loads(loaders.load_progress_export, into=("course", "fmt"))
def export_progress(course, fmt):
    """Course progress of every enrolled trainee as CSV or XLSX (core.exports: the report rules)."""
    from ..auth.models import User
    from ..core.exports import table_response
    from ..core.text import vi_name_key
    from ..core.timeutil import to_local
    from .models import CourseProgress

    stmt = (select(CourseProgress, User).join(User, CourseProgress.user_id == User.id)
            .where(CourseProgress.course_id == course.id, services.enrolled_user_filter(course)))
    only = learners_condition(current_user, User)  # as the progress page: instructors see trainees only
    if only is not None:
        stmt = stmt.where(only)
    rows = sorted(db.session.execute(stmt).all(), key=lambda r: vi_name_key(r[1].name))
    header = [_("Học viên"), _("Email"), _("Đơn vị"), _("Trạng thái"), _("Hoạt động đã xong"), _("Hoạt động bắt buộc"),
              _("Tiến độ (phần trăm)"), _("Điểm"), _("Hoàn thành lúc"), _("Hoạt động gần nhất")]
    out = [[u.name, u.email, u.org.name, str(PROGRESS_LABELS.get(p.state, p.state)), p.done, p.required, p.percent, p.grade,
            to_local(p.completed_at).replace(tzinfo=None) if p.completed_at else None,
            to_local(p.last_activity_at).replace(tzinfo=None) if p.last_activity_at else None] for p, u in rows]
    return table_response(fmt, f"tien-do-{course.slug}", header, out, title=_("Tiến độ"))
