from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import once
from ..core.errors import ServiceError
from ..core.loading import loads
from ..extensions import db
from . import bp, services
from .forms import ArchiveForm, MoveForm, OrgForm, RenameForm
from .loaders import load_org_unit
from .models import OrgUnit
from .permissions import can_manage_orgs


@bp.before_request
@login_required
def _admins_only():
    if not can_manage_orgs(current_user):
        abort(403)


def _parent_choices(exclude: OrgUnit | None = None):
    rows = services.tree_rows(services.visible_units(current_user))
    choices = [(0, _("(Không có — đơn vị gốc)"))]
    for unit, level in rows:
        if exclude is not None and unit.is_within(exclude):
            continue  # a unit cannot go under itself or its descendants
        choices.append((unit.id, "— " * level + f"{unit.name} ({unit.code})"))
    return choices


@bp.route("/")
def index():
    units = services.visible_units(current_user, include_archived=True)
    counts = services.member_counts(None)
    return render_template("orgs/index.html", rows=services.tree_rows(units), counts=counts)


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = OrgForm()
    form.parent_id.choices = _parent_choices()
    if form.validate_on_submit():
        replay = once.claim(form)
        if replay is not None:
            return replay
        parent = db.session.get(OrgUnit, form.parent_id.data) if form.parent_id.data else None
        try:
            unit = services.create_unit(form.code.data, form.name.data, parent)
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
        else:
            once.done(url_for("orgs.index"))
            db.session.commit()
            flash(_("Đã tạo đơn vị %(name)s.", name=unit.name), "success")
            return redirect(url_for("orgs.index"))
    return render_template("orgs/form.html", form=form, unit=None)


@bp.route("/<int:unit_id>")
@loads(load_org_unit, into="unit")
def edit(unit):
    rename = RenameForm(obj=unit, prefix="rename")
    move = MoveForm(prefix="move", parent_id=unit.parent_id or 0)
    move.parent_id.choices = _parent_choices(exclude=unit)
    return render_template("orgs/edit.html", unit=unit, rename=rename, move=move, archive=ArchiveForm())


@bp.route("/<int:unit_id>/rename", methods=["POST"])
@loads(load_org_unit, into="unit")
def do_rename(unit):
    rename = RenameForm(prefix="rename")
    move = MoveForm(prefix="move", parent_id=unit.parent_id or 0)
    move.parent_id.choices = _parent_choices(exclude=unit)
    if rename.validate_on_submit():
        try:
            services.rename_unit(unit, rename.name.data)
        except ServiceError as err:
            db.session.rollback()
            err.show_on(rename)
        else:
            db.session.commit()
            flash(_("Đã đổi tên đơn vị."), "success")
            return redirect(url_for("orgs.edit", unit_id=unit.id))
    return render_template("orgs/edit.html", unit=unit, rename=rename, move=move, archive=ArchiveForm()), 422


@bp.route("/<int:unit_id>/move", methods=["POST"])
@loads(load_org_unit, into="unit")
def do_move(unit):
    unit_id = unit.id
    rename = RenameForm(obj=unit, prefix="rename")
    move = MoveForm(prefix="move")
    # Every unit is a valid choice for the form; the service refuses descendants with a clear message.
    move.parent_id.choices = _parent_choices()
    if move.validate_on_submit():
        parent = db.session.get(OrgUnit, move.parent_id.data) if move.parent_id.data else None
        try:
            services.move_unit(unit, parent)
        except ServiceError as err:
            db.session.rollback()
            err.show_on(move)
        else:
            db.session.commit()
            flash(_("Đã chuyển đơn vị."), "success")
            return redirect(url_for("orgs.edit", unit_id=unit_id))
    move.parent_id.choices = _parent_choices(exclude=unit)
    return render_template("orgs/edit.html", unit=unit, rename=rename, move=move, archive=ArchiveForm()), 422


@bp.route("/<int:unit_id>/archive", methods=["POST"])
@loads(load_org_unit, into="unit")
def do_archive(unit):
    """Archive the unit and its subtree (hidden from pickers; users stay), or restore it."""
    unit_id = unit.id
    if not ArchiveForm().validate_on_submit():
        abort(400)
    try:
        if unit.archived_at is None:
            n = services.archive_unit(unit)
            message = _("Đã lưu trữ %(n)d đơn vị. Người dùng vẫn thuộc đơn vị cũ.", n=n)
        else:
            n = services.restore_unit(unit)
            message = _("Đã khôi phục %(n)d đơn vị.", n=n)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for("orgs.edit", unit_id=unit_id))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("orgs.edit", unit_id=unit_id))
