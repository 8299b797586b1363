from flask import redirect, render_template, url_for
from flask_login import current_user

from ..auth.permissions import is_admin, oversees_units, teaches
from ..auth.roles import ROLES, Role
from ..extensions import db
from ..orgs.models import OrgUnit
from ..orgs.services import ancestors
from ..courses import services as course_services
from ..progress.dashboard import dashboard
from ..workshops.services import upcoming_sessions
from . import bp, services


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login_view"))
    user = current_user
    ctx = {"chain": ancestors(user.org)}
    if is_admin(user):
        ctx["by_role"], ctx["roles"] = services.counts_by_role(None), ROLES
        ctx["unit_count"] = db.session.query(OrgUnit).count()
        ctx["usage"] = services.usage_figures(None)
        return render_template("home/admin.html", **ctx)
    if oversees_units(user):
        from ..reports.loaders import report_courses

        ctx["rows"] = services.subtree_summary(user.org)
        ctx["learners"] = services.counts_by_role(user.org).get(Role.TRAINEE, 0)
        ctx["usage"] = services.usage_figures(user.org)
        ctx["pending"] = services.pending_approvals(user)
        ctx["actions"] = services.needs_action(user, user.org, [c for c in report_courses(user)
                                                                if c.status == "published"])
        return render_template("home/manager.html", **ctx)
    if teaches(user):
        ctx["learners"] = services.counts_by_role(None).get(Role.TRAINEE, 0)
        ctx["managed"] = course_services.staff_courses(user)
        return render_template("home/instructor.html", **ctx)
    ctx["cards"], ctx["certificates"] = dashboard(user)
    ctx["enrolled_courses"] = [card.course for card in ctx["cards"]]  # the forum card's courses
    ctx["sessions"] = upcoming_sessions(user)
    return render_template("home/trainee.html", **ctx)
