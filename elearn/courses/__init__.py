from flask import Blueprint

from . import kinds

bp = Blueprint("courses", __name__, url_prefix="/courses")


@bp.app_template_filter("kind_label")
def kind_label(name):
    """An activity kind's label (``kinds``), for any template."""
    return kinds.get(name).label


@bp.app_template_filter("kind_edit_url")
def kind_edit_url(activity, course):
    """The activity's editor on the manage page, or None."""
    return kinds.get(activity.kind).edit_url(activity, course)


from . import manage, views  # noqa: E402,F401
