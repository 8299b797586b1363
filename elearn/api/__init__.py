"""JSON API under /api/v1. The OpenAPI document is generated from the marshmallow schemas that
validate requests (flask-smorest); nothing is written by hand.

Auth: ``Authorization: Bearer <personal token>``, or the session cookie plus an ``X-CSRFToken``
header on state-changing requests.
"""
from flask import g, request
from flask_login import current_user
from flask_smorest import Api as _Api
from flask_smorest import Blueprint

from ..core.errors import json_error
from ..extensions import csrf
from .schemas import ErrorSchema


class Api(_Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """Errors are rendered app-wide by elearn.core.errors (HTML pages stay HTML)."""


api = Api()
bp = Blueprint("api", __name__, url_prefix="/api/v1", description="Thư viện học tập API")
csrf.exempt(bp)


def links(status, **targets):
    """OpenAPI links on a response, so that clients (and schemathesis' stateful phase) can follow
    ids from list and create operations: ``name=(operationId, {parameter: runtime expression})``."""
    return bp.doc(responses={status: {"links": {
        name: {"operationId": op, "parameters": params} for name, (op, params) in targets.items()}}})


@bp.before_request
def authenticate():
    from ..auth.services import user_for_token
    from ..extensions import db

    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            return json_error(401, "Tiêu đề Authorization phải có dạng 'Bearer <mã truy cập>'.", "unauthorized")
        user = user_for_token(raw.strip())
        if user is None:
            return json_error(401, "Mã truy cập không hợp lệ hoặc đã bị thu hồi.", "invalid_token")
        db.session.commit()  # last_used_at
        g._login_user = user  # Flask-Login's per-request user; nothing goes into the session
        g.api_bearer = True
        return None
    if not current_user.is_authenticated:
        return json_error(401, "Bạn cần đăng nhập hoặc gửi mã truy cập.", "unauthorized")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()  # cookie auth must carry the X-CSRFToken header
    return None


def init_app(app):
    app.config.setdefault("API_TITLE", "Thư viện học tập")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "cookie": {"type": "apiKey", "in": "cookie", "name": "elearn_session"},
        }},
        "security": [{"bearer": []}, {"cookie": []}],
        "info": {"description": (
            "Lỗi trả về dạng {\"error\": {\"code\", \"message\"}} (và \"fields\" khi dữ liệu sai). "
            "Thời gian theo RFC 3339, có múi giờ (Z). Chuỗi không được chứa ký tự NUL (U+0000): "
            "yêu cầu có NUL bị từ chối (422, hoặc 400 nếu nằm trong địa chỉ).")},
    })
    from . import accounts, courses, progress, quizzes, reports, workshops  # noqa: F401

    api.init_app(app)
    api.register_blueprint(bp)  # the spec (/api/v1/openapi.json) is served by the Api itself, read-only
