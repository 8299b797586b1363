from flask import Blueprint

from . import kinds
from .models import PROGRESS_LABELS, STATUS_LABELS

bp = Blueprint("courses", __name__, url_prefix="/courses")


@bp.app_template_filter("kind_label")
def kind_label(name):
    """An activity kind's label (``kinds``), for any template."""
    return kinds.get(name).label


@bp.app_template_filter("status_label")
def status_label(status):
    """Draft / published / archived, labelled (``models.STATUS_LABELS``)."""
    return STATUS_LABELS.get(status, status)


@bp.app_template_filter("progress_label")
def progress_label(state):
    return PROGRESS_LABELS.get(state, state)


@bp.app_template_filter("kind_edit_url")
def kind_edit_url(activity, course):
    """The activity's editor on the manage page, or None."""
    return kinds.get(activity.kind).edit_url(activity, course)


from . import manage, views  # noqa: E402,F401
