from flask import request

from ..extensions import db
from .http import db_int


def paginate(stmt, per_page: int | None = None):
    """A Flask-SQLAlchemy Pagination for ``stmt`` from ?page=; a page past the end is empty, not 404."""
    from flask import current_app

    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = request.args.get("page", 1, type=db_int) or 1
    return db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False, max_per_page=100)
