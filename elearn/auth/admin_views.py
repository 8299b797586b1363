"""Admin pages for accounts: the user list (admins; managers read-only for their subtree), create,
edit, deactivate, import from CSV/XLSX and re-send invitations."""
import base64
import binascii

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import once
from ..core.errors import ServiceError
from ..core.http import db_int
from ..core.loading import loads
from ..core.mail import MailError
from ..core.pagination import paginate
from ..core.seclog import security_event
from ..extensions import db
from ..orgs.models import OrgUnit
from ..orgs.services import tree_rows, visible_units
from . import bp, imports, links, services
from .forms import ConfirmForm, ImportConfirmForm, ImportUploadForm, UserForm, role_choices
from .loaders import load_invitee, load_managed_user
from .permissions import (can_change_own_admin_rights, can_import_users, can_list_users, can_manage_users,
                          can_resend_invitation)


def _require_admin():
    if not can_manage_users(current_user):
        abort(403)


def _org_choices(viewer, keep=None):
    """Units for the picker: archived ones are hidden, except ``keep`` (a user's current unit)."""
    choices = [(u.id, "— " * level + u.name) for u, level in tree_rows(visible_units(viewer))]
    if keep is not None and keep.archived_at is not None:
        choices.append((keep.id, _("%(name)s (đã lưu trữ)", name=keep.name)))
    return choices


@bp.route("/admin/users")
@login_required
def admin_users():
    _require_admin()
    return _user_list("auth.admin_users")


@bp.route("/users")
@login_required
def scoped_users():
    """Managers: the (read-only) accounts of their subtree, where they re-send expired invitations."""
    if can_manage_users(current_user):
        return redirect(url_for("auth.admin_users"))
    if not can_list_users(current_user):
        abort(403)
    return _user_list("auth.scoped_users")


def _user_list(endpoint):
    q = request.args.get("q", "").strip()
    role = request.args.get("role") or None
    org_id = request.args.get("org", type=db_int)
    page = paginate(services.list_users(current_user, q=q, org_id=org_id, role=role))
    return render_template("admin/users.html", page=page, q=q, role=role, org_id=org_id,
                           roles=role_choices(), orgs=_org_choices(current_user),
                           invitations=links.invitation_states(page.items), resend_form=ConfirmForm(),
                           can_edit=can_manage_users(current_user), can_resend=can_resend_invitation,
                           can_import=can_import_users(current_user), endpoint=endpoint)


@bp.route("/admin/users/<int:user_id>/invite", methods=["POST"])
@login_required
@loads(load_invitee, into="user")
def admin_user_invite(user):
    """Send a new invitation (the old link stops working): an admin, or a manager in scope."""
    back = url_for("auth.admin_users" if can_manage_users(current_user) else "auth.scoped_users")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        links.invite_user(user, current_user._get_current_object())
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(back)
    except MailError:
        db.session.rollback()
        flash(_("Chưa gửi được thư mời lúc này. Hãy thử lại sau ít phút."), "error")
        return redirect(back), 503
    db.session.commit()
    security_event("invitation_sent", user_id=user.id, email=user.email, by=current_user.id)
    flash(_("Đã gửi lại lời mời cho %(email)s.", email=user.email), "success")
    return redirect(back)


@bp.route("/admin/users/import", methods=["GET", "POST"])
@login_required
def admin_users_import():
    """Upload CSV/XLSX → preview (errors per row, nothing written) → confirm → all-or-nothing + invitations.

    The file travels between the two steps inside the confirm form (base64), so nothing is stored
    server-side before confirmation; the confirm step checks every row again."""
    if not can_import_users(current_user):
        abort(403)
    upload = ImportUploadForm()
    confirm = ImportConfirmForm()
    if request.method == "POST" and "confirm" in request.form:
        if not confirm.validate_on_submit():
            abort(400)
        try:
            data = base64.b64decode(confirm.payload.data or "", validate=True)
        except (binascii.Error, ValueError):
            abort(400)
        try:
            result = imports.import_users(data, filename=confirm.filename.data or "", invite=True,
                                           by=current_user._get_current_object(), viewer=current_user)
        except ServiceError as err:
            db.session.rollback()
            upload.form_errors.append(err.message)
            return render_template("admin/users_import.html", form=upload, result=None), 422
        except MailError:
            db.session.rollback()
            upload.form_errors.append(_("Chưa gửi được thư mời; chưa tạo tài khoản nào. Hãy kiểm tra máy chủ thư rồi thử lại."))
            return render_template("admin/users_import.html", form=upload, result=None), 503
        if result.errors:
            db.session.rollback()
            return render_template("admin/users_import.html", form=upload, result=result, confirm=None), 422
        db.session.commit()
        security_event("users_imported", count=len(result.created), by=current_user.id)
        flash(_("Đã tạo %(n)d tài khoản và gửi thư mời.", n=len(result.created)), "success")
        return redirect(url_for("auth.admin_users"))
    if upload.validate_on_submit():
        f = upload.file.data
        data = f.read(imports.MAX_IMPORT_BYTES + 1)
        if len(data) > imports.MAX_IMPORT_BYTES:
            upload.file.errors.append(_("Tệp quá lớn (tối đa 2 MB)."))
            return render_template("admin/users_import.html", form=upload, result=None), 413
        try:
            result = imports.check_user_rows(imports.read_user_rows(data, f.filename or ""), current_user)
        except ServiceError as err:
            upload.file.errors.append(err.message)
            return render_template("admin/users_import.html", form=upload, result=None), 422
        finally:
            db.session.rollback()  # the preview writes nothing
        if not result.errors and result.rows:
            confirm.payload.data = base64.b64encode(data).decode()
            confirm.filename.data = (f.filename or "")[:200]
        else:
            confirm = None
        status = 422 if result.errors else 200
        return render_template("admin/users_import.html", form=upload, result=result, confirm=confirm), status
    status = 422 if request.method == "POST" else 200
    return render_template("admin/users_import.html", form=upload, result=None), status


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def admin_user_new():
    _require_admin()
    form = UserForm()
    form.role.choices = role_choices()
    form.org_id.choices = _org_choices(current_user)
    if form.validate_on_submit():
        replay = once.claim(form)
        if replay is not None:
            return replay
        try:
            user = services.create_user(form.email.data, form.name.data, form.role.data,
                                        db.session.get(OrgUnit, form.org_id.data))
            once.done(url_for("auth.admin_users"))
            links.invite_user(user, current_user._get_current_object())
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
        except MailError:
            db.session.rollback()
            form.form_errors.append(_("Chưa gửi được thư mời đặt mật khẩu; tài khoản chưa được tạo. Hãy kiểm tra máy chủ thư."))
        else:
            db.session.commit()
            security_event("user_created", user_id=user.id, email=user.email, role=user.role, by=current_user.id)
            flash(_("Đã tạo tài khoản %(email)s và gửi thư mời đặt mật khẩu.", email=user.email), "success")
            return redirect(url_for("auth.admin_users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@login_required
@loads(load_managed_user, into="user")
def admin_user_edit(user):
    form = UserForm(obj=user)
    form.role.choices = role_choices()
    form.org_id.choices = _org_choices(current_user, keep=user.org)
    if form.validate_on_submit():
        if not can_change_own_admin_rights(current_user, user, new_role=form.role.data, active=form.active.data):
            form.form_errors.append(_("Bạn không thể tự khoá hoặc tự bỏ quyền quản trị của mình."))
        else:
            old_role, was_active = user.role, user.active
            try:
                services.update_user(user, email=form.email.data, name=form.name.data, role=form.role.data,
                                     org=db.session.get(OrgUnit, form.org_id.data), active=form.active.data)
            except ServiceError as err:
                db.session.rollback()
                err.show_on(form)
            else:
                db.session.commit()
                if old_role != user.role:
                    security_event("role_changed", user_id=user.id, email=user.email, old=old_role, new=user.role,
                                   by=current_user.id)
                if was_active and not user.active:
                    security_event("user_deactivated", user_id=user.id, email=user.email, by=current_user.id)
                flash(_("Đã lưu tài khoản %(email)s.", email=user.email), "success")
                return redirect(url_for("auth.admin_users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@login_required
@loads(load_managed_user, into="user")
def admin_user_deactivate(user):
    form = ConfirmForm()
    if user.id == current_user.id:
        flash(_("Bạn không thể tự khoá tài khoản của mình."), "error")
        return redirect(url_for("auth.admin_users"))
    if form.validate_on_submit():
        services.update_user(user, email=user.email, name=user.name, role=user.role, org=user.org, active=False)
        db.session.commit()
        security_event("user_deactivated", user_id=user.id, email=user.email, by=current_user.id)
        flash(_("Đã khoá tài khoản %(email)s.", email=user.email), "success")
        return redirect(url_for("auth.admin_users"))
    return render_template("admin/confirm.html", form=form,
                           title=_("Khoá tài khoản"),
                           message=_("Khoá tài khoản %(name)s (%(email)s)? Người này sẽ bị đăng xuất và không đăng nhập được nữa. Dữ liệu học tập được giữ lại.", name=user.name, email=user.email),
                           cancel=url_for("auth.admin_users"), button=_("Khoá tài khoản"))
