"""The dashboard's discussion lines: per course, posts new since the last visit to its forum, and
for staff the questions still unanswered (their to-do list)."""
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ..auth.permissions import can_author, oversees_units
from ..courses import services as courses
from . import bp, loaders, services


@bp.app_template_global("forum_news")
def forum_news():
    """[(course, new posts, unanswered questions or None)] for the signed-in user's courses."""
    if not current_user.is_authenticated:
        return []
    if can_author(current_user):
        mine = courses.staff_courses(current_user)
    elif oversees_units(current_user):
        mine = courses.overseen_courses(current_user)
    else:
        mine = courses.my_courses(current_user)[0]
    out = []
    for course in mine[:20]:
        try:
            access = loaders.forum_access(course)
        except HTTPException:
            continue
        new = services.new_since_last_visit(current_user, access)
        todo = services.unanswered_count(access) if access.moderator else None
        if new or todo:
            out.append((course, new, todo))
    return out
