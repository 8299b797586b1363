import logging

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..core import once
from ..core.errors import ServiceError
from ..core.mail import MailError
from ..core.ratelimit import hit_limit, login_failed, login_succeeded, login_wait
from ..core.seclog import security_event
from ..core.security import is_safe_next
from ..extensions import db, login
from ..orgs.models import OrgUnit
from ..orgs.services import tree_rows, visible_units
from ..core.http import db_int
from ..core.pagination import paginate
from . import bp, services
from .forms import (ChangePasswordForm, ConfirmForm, ForgotForm, ImportConfirmForm, ImportUploadForm,
                    LanguageForm, LoginForm, NewPasswordForm, TokenForm, UserForm, role_choices)
from .models import User
from .permissions import (can_change_own_admin_rights, can_import_users, can_list_users, can_manage_users,
                          can_resend_invitation)


@login.user_loader
def load_user(user_id: str):
    """Sessions carry "id:session_version"; an older version means the session was ended."""
    try:
        uid, version = (int(x) for x in user_id.split(":", 1))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, uid)
    if user is None or not user.active or user.session_version != version:
        return None
    services.touch_last_seen(user)
    return user


@bp.route("/login", methods=["GET", "POST"])
def login_view():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        ip = request.remote_addr
        email = services.normalize_email(form.email.data)
        wait = login_wait(ip, email)
        if wait:
            security_event("login_throttled", email=email, ip=ip, wait=wait)
            form.form_errors.append(_("Bạn đã thử quá nhiều lần. Hãy đợi %(seconds)d giây rồi thử lại.", seconds=wait))
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(wait)}
        user = services.authenticate(email, form.password.data)
        if user is None:
            started = login_failed(ip, email)
            security_event("login_failed", logging.WARNING, email=email, ip=ip)
            if started.get("pair_locked") or started.get("ip_locked") or started.get("backoff"):
                security_event("lockout", logging.WARNING, email=email, ip=ip, pair=started.get("pair_locked"),
                               ip_wide=started.get("ip_locked"), backoff_seconds=started.get("backoff"),
                               failures=started.get("failures"))
            form.form_errors.append(_("Email hoặc mật khẩu không đúng."))
        else:
            target = form.next.data if is_safe_next(form.next.data) else url_for("home.index")
            lang = session.get("lang")
            session.clear()  # rotate: nothing from before login survives
            if lang:
                session["lang"] = lang
            session.permanent = True
            login_user(user, remember=form.remember.data)
            services.record_login(user)
            db.session.commit()
            login_succeeded(ip, email)
            security_event("login_ok", email=email, ip=ip, user_id=user.id)
            return redirect(target)
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.end_sessions(current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login_view"))


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        email = services.normalize_email(form.email.data)
        limit = current_app.config["RESET_LIMIT_PER_IP"]
        if not (hit_limit("reset-ip", request.remote_addr, limit) and hit_limit("reset-acct", email, "3 per hour")):
            form.form_errors.append(_("Bạn đã yêu cầu quá nhiều lần. Hãy đợi rồi thử lại."))
            return render_template("auth/forgot.html", form=form), 429
        try:
            services.start_password_reset(email)
            db.session.commit()
        except MailError:
            db.session.rollback()
            form.form_errors.append(_("Chưa gửi được thư lúc này. Hãy thử lại sau ít phút."))
            return render_template("auth/forgot.html", form=form), 503
        security_event("password_reset_requested", email=email, ip=request.remote_addr)
        return render_template("auth/forgot_sent.html", email=email)
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    if services.reset_target(token) is None:
        return render_template("auth/reset_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.finish_password_reset(token, form.password.data)
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
        else:
            db.session.commit()
            security_event("password_reset_done", user_id=user.id, email=user.email, ip=request.remote_addr)
            logout_user()
            session.clear()
            flash(_("Đã đặt mật khẩu mới. Hãy đăng nhập."), "success")
            flash(_("Để an toàn, mọi mã truy cập API của tài khoản đã bị thu hồi; hãy tạo mã mới nếu cần."), "success")
            return redirect(url_for("auth.login_view"))
    return render_template("auth/reset.html", form=form)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    """The "set your password" page of an invitation (its own page, not the reset page)."""
    inv = services.invitation_target(token)
    if inv is None:
        return render_template("auth/invite_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(token, form.password.data)
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
        else:
            db.session.commit()
            security_event("invitation_accepted", user_id=user.id, email=user.email, ip=request.remote_addr)
            logout_user()
            session.clear()
            flash(_("Đã đặt mật khẩu. Hãy đăng nhập bằng email %(email)s.", email=user.email), "success")
            return redirect(url_for("auth.login_view"))
    return render_template("auth/invite.html", form=form, user=inv.user)


@bp.route("/account", methods=["GET"])
@login_required
def account():
    return render_template("account/index.html", pw_form=ChangePasswordForm(), token_form=TokenForm(),
                           tokens=services.user_tokens(current_user), confirm=ConfirmForm(),
                           new_token=session.pop("new_token", None))


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if services.authenticate(user.email, form.current.data) is None:
            form.current.errors.append(_("Mật khẩu hiện tại không đúng."))
        else:
            try:
                services.set_password(user, form.password.data)
                revoked = services.revoke_all_tokens(user) if form.revoke_tokens.data else 0
            except ServiceError as err:
                db.session.rollback()
                err.show_on(form)
            else:
                db.session.commit()
                security_event("password_changed", user_id=user.id, email=user.email, ip=request.remote_addr)
                session.clear()
                login_user(user)  # this session continues; all others have ended
                flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất."), "success")
                if revoked:
                    flash(_("Đã thu hồi %(n)d mã truy cập API.", n=revoked), "success")
                return redirect(url_for("auth.account"))
    return render_template("account/index.html", pw_form=form, token_form=TokenForm(),
                           tokens=services.user_tokens(user), confirm=ConfirmForm(), new_token=None), 422


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        abort(400)
    replay = once.claim(form)
    if replay is not None:
        return replay  # the first submission's token was shown once already
    token, raw = services.create_token(current_user, form.name.data)
    once.done(url_for("auth.account"))
    db.session.commit()
    security_event("token_created", user_id=current_user.id, token_id=token.id, prefix=token.prefix,
                   name=token.name, ip=request.remote_addr)
    session["new_token"] = raw  # shown once, on the next page, then gone
    return redirect(url_for("auth.account"))


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.revoke_token(current_user, token_id)
    db.session.commit()
    security_event("token_revoked", user_id=current_user.id, token_id=token_id, ip=request.remote_addr)
    flash(_("Đã thu hồi mã truy cập."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/lang", methods=["POST"])
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
    return redirect(form.next.data if is_safe_next(form.next.data) else url_for("home.index"))


# --- admin: accounts ------------------------------------------------------------------------------

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
                           invitations=services.invitation_states(page.items), resend_form=ConfirmForm(),
                           can_edit=can_manage_users(current_user), can_resend=can_resend_invitation,
                           can_import=can_import_users(current_user), endpoint=endpoint)


@bp.route("/admin/users/<int:user_id>/invite", methods=["POST"])
@login_required
def admin_user_invite(user_id):
    """Send a new invitation (the old link stops working): an admin, or a manager in scope."""
    user = db.get_or_404(User, user_id)
    if not can_resend_invitation(current_user, user):
        abort(403)
    back = url_for("auth.admin_users" if can_manage_users(current_user) else "auth.scoped_users")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.invite_user(user, current_user._get_current_object())
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
    import base64
    import binascii

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
            result = services.import_users(data, filename=confirm.filename.data or "", invite=True,
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
        data = f.read(services.MAX_IMPORT_BYTES + 1)
        if len(data) > services.MAX_IMPORT_BYTES:
            upload.file.errors.append(_("Tệp quá lớn (tối đa 2 MB)."))
            return render_template("admin/users_import.html", form=upload, result=None), 413
        try:
            result = services.check_user_rows(services.read_user_rows(data, f.filename or ""), current_user)
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
            services.invite_user(user, current_user._get_current_object())
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
def admin_user_edit(user_id):
    _require_admin()
    user = db.get_or_404(User, user_id)
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
def admin_user_deactivate(user_id):
    _require_admin()
    user = db.get_or_404(User, user_id)
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
