"""The dashboard's discussion lines: per course, posts new since the last visit to its forum, and
for staff the questions still unanswered (their to-do list)."""
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ..auth.permissions import can_author, oversees_units
from ..courses import services as courses
from . import bp, loaders, services


@bp.app_template_global("forum_news")
def forum_news(enrolled=None):
    """[(course, new posts, unanswered questions or None)] for the signed-in user's courses.
    ``enrolled``: a learner's enrolled courses when the page has already loaded them."""
    if not current_user.is_authenticated:
        return []
    if can_author(current_user):
        mine = courses.staff_courses(current_user)
    elif oversees_units(current_user):
        mine = courses.overseen_courses(current_user)
    else:
        mine = enrolled if enrolled is not None else courses.my_courses(current_user)[0]
    # A learner moderates nothing, so a course shows only when it has new posts; one statement
    # finds the courses that may have some (before the per-course check of what they may see).
    maybe = None if can_author(current_user) or oversees_units(current_user) else \
        services.courses_with_new_posts(current_user, [c.id for c in mine[:20]])
    out = []
    for course in mine[:20]:
        if maybe is not None and course.id not in maybe:
            continue
        try:
            access = loaders.forum_access(course)
        except HTTPException:
            continue
        new = services.new_since_last_visit(current_user, access)
        todo = services.unanswered_count(access) if access.moderator else None
        if new or todo:
            out.append((course, new, todo))
    return out
