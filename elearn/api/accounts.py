"""The signed-in account (/me) and the org units it may see (/orgs)."""
from flask_login import current_user

from ..orgs.services import visible_units
from . import bp, links
from ..extensions import db
from .schemas import ErrorSchema, MePatchSchema, MeSchema, OrgListQuery, OrgSchema


@bp.route("/me", methods=["GET"])
@bp.doc(operationId="getMe")
@links(200, progress=("getUserProgress", {"user_id": "$response.body#/id"}))
@bp.response(200, MeSchema)
@bp.alt_response(401, schema=ErrorSchema, description="Chưa đăng nhập")
def me():
    """Người dùng hiện tại"""
    return current_user


@bp.route("/me", methods=["PATCH"])
@bp.arguments(MePatchSchema)
@bp.response(200, MeSchema)
@bp.alt_response(401, schema=ErrorSchema, description="Chưa đăng nhập")
@bp.alt_response(422, schema=ErrorSchema, description="Dữ liệu không hợp lệ")
def update_me(args):
    """Đổi ngôn ngữ giao diện của người dùng hiện tại"""
    current_user.locale = args["locale"]
    db.session.commit()
    return current_user


@bp.route("/orgs")
@bp.arguments(OrgListQuery, location="query")
@bp.response(200, OrgSchema(many=True))
@bp.alt_response(401, schema=ErrorSchema, description="Chưa đăng nhập")
def orgs(args):
    """Các đơn vị người dùng được xem (quản lý: cây đơn vị cấp dưới)"""
    q = args["q"].lower()
    units = visible_units(current_user)
    return [u for u in units if not q or q in u.name.lower() or q in u.code.lower()]
