"""Error pages and JSON errors.

HTML pages are generic and show only an incident id for server errors; the traceback goes to the
log under the same id. Anything under /api/ gets ``{"error": {"code", "message"}}``.
"""
import logging
import secrets

from flask import Response, g, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

log = logging.getLogger("elearn.errors")


class ServiceError(Exception):
    """A business rule refused the action. Views show ``message`` as a form or flash error."""

    status = 422
    code = "invalid"

    def __init__(self, message, *, field=None, code=None, status=None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code
        if status:
            self.status = status

    def show_on(self, form) -> None:
        """Put the message on the form field it names, else at the top of the form."""
        field = getattr(form, self.field, None) if self.field else None
        if field is not None:
            field.errors = list(field.errors) + [self.message]
        else:
            form.form_errors.append(self.message)


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


def _messages():
    return {
        400: _("Yêu cầu không hợp lệ."),
        401: _("Bạn cần đăng nhập."),
        403: _("Bạn không có quyền truy cập trang này."),
        404: _("Không tìm thấy trang hoặc dữ liệu bạn cần."),
        405: _("Phương thức không được hỗ trợ."),
        409: _("Dữ liệu vừa được thay đổi ở nơi khác. Hãy tải lại trang và thử lại."),
        410: _("Nội dung này không còn nữa (ví dụ: giấy chứng nhận đã bị thu hồi)."),
        413: _("Tệp hoặc dữ liệu gửi lên quá lớn."),
        422: _("Dữ liệu không hợp lệ."),
        429: _("Bạn đã thử quá nhiều lần. Hãy đợi vài phút rồi thử lại."),
        500: _("Đã có lỗi ở máy chủ. Chúng tôi đã ghi lại sự cố."),
        503: _("Dịch vụ tạm thời chưa sẵn sàng. Hãy thử lại sau ít phút."),
    }


CODE_NAMES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 410: "gone", 413: "too_large", 422: "invalid",
              429: "too_many_requests", 500: "server_error", 503: "unavailable"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status, message, code=None, **extra):
    body = {"error": {"code": code or CODE_NAMES.get(status, "error"), "message": message, **extra}}
    return jsonify(body), status


def _page(status, message, incident=None):
    """The HTML error page; plain text when no page can be rendered.

    A request whose Host is not in TRUSTED_HOSTS has no URL adapter (no link can be built), and a
    page can fail to render when what it needs is down (the database). Both still get an answer,
    and the after_request hook still adds the security headers to it.
    """
    if request_ctx.url_adapter is None:
        return _bare(status, message, incident)
    try:
        return make_response(render_template("errors/error.html", status=status, message=message,
                                             incident=incident), status)
    except Exception:
        log.exception("the error page for %s could not be rendered (incident %s)", status, incident)
        return _bare(status, message, incident)


def _bare(status, message, incident=None):
    text = f"{status}: {message}" + (f" ({incident})" if incident else "")
    return Response(text + "\n", status, mimetype="text/plain", headers={"Cache-Control": "no-store"})


def _with_allow(e, resp):
    """A 405 names the methods the URL does take (RFC 9110), like Werkzeug's own answer."""
    if isinstance(e, MethodNotAllowed) and e.valid_methods:
        resp.headers["Allow"] = ", ".join(e.valid_methods)
    return resp


def handle_http(e: HTTPException):
    if isinstance(e, InternalServerError) and e.original_exception is not None:
        return handle_unexpected(e.original_exception)
    status = e.code or 500
    if isinstance(e, CSRFError):
        message = _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang và gửi lại.")
        code = "csrf_failed"
    else:
        # Never Werkzeug's English description: a known message, or a generic Vietnamese one.
        message = _messages().get(status) or (_messages()[500] if status >= 500 else _messages()[400])
        code = None
    if wants_json():
        data = getattr(e, "data", None) or {}
        extra = {}
        if data.get("messages"):  # webargs/marshmallow validation errors
            extra["fields"] = data["messages"]
            status = 422 if status == 400 else status
        if data.get("message"):
            message = data["message"]
        resp, st = json_error(status, message, code, **extra)
        if status == 401:
            resp.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return _with_allow(e, resp), st
    return _with_allow(e, _page(status, message))


def database_unavailable(e: BaseException) -> bool:
    """The database cannot be reached or used right now (down, gone, locked, out of connections)."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(e, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    return isinstance(e, DBAPIError) and bool(e.connection_invalidated)


def refused_by_database(e: BaseException) -> bool:
    """The database refused a value (DataError: NUL in text, out of range, too long)."""
    from sqlalchemy.exc import DataError

    return isinstance(e, DataError)


def _forget_request_state():
    """After a failure, render the error page without touching the database again: roll the
    session back (it may be broken) and treat the visitor as anonymous for this response."""
    from ..extensions import db, login

    try:
        db.session.rollback()
    except Exception:  # the connection itself is gone
        log.debug("rollback failed while handling an error", exc_info=True)
    try:
        g._login_user = login.anonymous_user()
    except Exception:
        log.debug("could not reset the user while handling an error", exc_info=True)


def handle_unexpected(e: BaseException):
    if isinstance(e, HTTPException) and not (isinstance(e, InternalServerError) and e.original_exception):
        return handle_http(e)
    if isinstance(e, InternalServerError):
        e = e.original_exception
    incident = secrets.token_hex(4).upper()
    _forget_request_state()
    if refused_by_database(e):
        # A value that validation let through and the database refused (e.g. NUL in a text column on
        # PostgreSQL, a number out of range): the transaction is rolled back, so nothing is stored.
        log.warning("incident %s on %s %s: the database refused the data: %s", incident, request.method,
                    request.path, getattr(e, "orig", e))
        message = _("Dữ liệu gửi lên không lưu được (quá dài, quá lớn hoặc có ký tự không được phép). "
                    "Hãy sửa rồi gửi lại.")
        if wants_json():
            return json_error(400, message, "bad_request")
        return _page(400, message)
    if database_unavailable(e):
        status = 503
        log.error("incident %s on %s %s: database unavailable: %s", incident, request.method, request.path,
                  e, exc_info=e)
    else:
        status = 500
        log.error("incident %s on %s %s", incident, request.method, request.path, exc_info=e)
    try:
        message = (_("Cơ sở dữ liệu tạm thời không truy cập được. Hãy thử lại sau ít phút.") if status == 503
                   else _messages()[500])
    except Exception:  # translations need the locale, which may need the user
        message = "Cơ sở dữ liệu tạm thời không truy cập được." if status == 503 else "Đã có lỗi ở máy chủ."
    if wants_json():
        resp, st = json_error(status, message, incident=incident)
    else:
        resp, st = _page(status, message, incident), status
    if status == 503:
        resp.headers["Retry-After"] = "60"
    return resp, st


def handle_service_error(e: ServiceError):
    if wants_json():
        return json_error(e.status, e.message, e.code)
    return _page(e.status, e.message)


def register(app):
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)
