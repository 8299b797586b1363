import logging

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..core import once
from ..core.errors import ServiceError
from ..core.loading import loads
from ..core.mail import MailError
from ..core.ratelimit import hit_limit, login_failed, login_succeeded, login_wait
from ..core.seclog import security_event
from ..core.security import is_safe_next
from ..extensions import db, login
from . import bp, links, services
from .forms import (ChangePasswordForm, ConfirmForm, ForgotForm, LanguageForm, LoginForm, NewPasswordForm, TokenForm)
from .loaders import load_own_token
from .models import User


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
            links.start_password_reset(email)
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
    if links.reset_target(token) is None:
        return render_template("auth/reset_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = links.finish_password_reset(token, form.password.data)
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
    inv = links.invitation_target(token)
    if inv is None:
        return render_template("auth/invite_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = links.accept_invitation(token, form.password.data)
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
@loads(load_own_token, into="token")
def revoke_token(token):
    token_id = token.id
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
