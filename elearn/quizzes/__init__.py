from flask import Blueprint

from .enums import AttemptState, ReviewItem

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")


@bp.context_processor
def _quiz_enums():
    """The quiz pages compare states with the enum and show its labels (``enums``)."""
    return {"AttemptState": AttemptState, "ReviewItem": ReviewItem}


from . import views, manage, bank_views, kind  # noqa: E402,F401
