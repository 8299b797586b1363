from flask import Blueprint

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")

from . import views, manage, bank_views, kind  # noqa: E402,F401
