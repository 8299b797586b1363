"""Report pages: completion by unit with drill-down to a trainee, exports, charts, annual review.
Views load and check through ``loaders`` (which raise 403/404 service errors), then render."""
from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.loading import loads
from . import bp, charts, loaders, services, trainees, yearly
from .permissions import can_review_units


def _state_labels():
    return {"not_started": _("Chưa bắt đầu"), "in_progress": _("Đang học"), "completed": _("Đã hoàn thành")}


@bp.route("/")
@login_required
def index():
    loaders.require_reports(current_user)
    return redirect(url_for("reports.completion"))


@bp.route("/completion")
@login_required
def completion():
    req = loaders.load_report(current_user, request.args)
    ctx = {"req": req, "courses": loaders.report_courses(current_user), "states": _state_labels(),
           "chain": loaders.scope_chain(current_user, req.unit)}
    report = services.completion_report(req.course, req.unit)
    ctx["report"] = report
    if req.level == "trainee" or not report.children:
        ctx["page"] = trainees.trainee_page(req.course, req.unit, page=req.page,
                                            per_page=current_app.config["PAGE_SIZE"],
                                            show_grades=report.show_grades, **req.filters())
        return render_template("reports/trainees.html", **ctx)
    rows = services.filter_unit_rows(report.rows, state=req.state, overdue_only=req.overdue_only)
    ctx["rows"] = services.sort_unit_rows(rows, req.sort, req.desc)
    ctx["bar_chart"] = charts.completion_bars(report.rows)
    ctx["month_chart"] = charts.monthly_columns(services.completions_by_month(req.course, req.unit))
    return render_template("reports/completion.html", can_review_units=can_review_units(current_user), **ctx)


@bp.route("/completion/trainees/<int:user_id>")
@login_required
@loads(loaders.load_trainee_report, into=("req", "trainee"))
def trainee(req, trainee):
    detail = services.trainee_detail(req.course, trainee)
    from .permissions import grades_visible

    return render_template("reports/trainee.html", req=req, d=detail, states=_state_labels(),
                           show_grades=grades_visible(services.course_quizzes(req.course)),
                           chain=loaders.scope_chain(current_user, trainee.org))


def _trainee_records_later(app, course_id, unit_id, show_grades, filters, labels, yes, no):
    """The trainee rows of an export, read while the response streams. A plain generator: nothing
    runs until the server asks for the first chunk, and then it works in its own app context (the
    request's is gone by then), so a response that is dropped unread leaves nothing behind."""
    from ..courses.models import Course
    from ..extensions import db
    from ..orgs.models import OrgUnit
    from . import exports

    with app.app_context():
        try:
            course, unit = db.session.get(Course, course_id), db.session.get(OrgUnit, unit_id)
            rows = trainees.iter_trainees(course, unit, show_grades=show_grades, **filters)
            yield from exports.trainee_records(rows, labels, yes, no)
        finally:
            db.session.remove()


def _export(fmt):
    from ..core.exports import table_response
    from ..extensions import db
    from . import exports
    from .permissions import grades_visible

    req = loaders.load_report(current_user, request.args)
    if req.level == "unit":
        report = services.completion_report(req.course, req.unit)
        rows = services.sort_unit_rows(services.filter_unit_rows(report.rows, state=req.state,
                                                                 overdue_only=req.overdue_only), req.sort, req.desc)
        header, widths = exports.unit_header(), exports.UNIT_WIDTHS
        records = list(exports.unit_records(rows, report.total))  # a few rows, read now
        count = len(records)
    else:
        show = grades_visible(services.course_quizzes(req.course))
        count = trainees.count_trainees(trainees.trainee_query(req.course, req.unit, **req.filters()))
        header, widths = exports.trainee_header(), exports.TRAINEE_WIDTHS
        records = _trainee_records_later(current_app._get_current_object(), req.course.id, req.unit.id, show,
                                         req.filters(), _state_labels(), *exports.yes_no())
    services.log_export(current_user, fmt=fmt, level=req.level, course=req.course, unit=req.unit,
                        filters=req.as_log(), rows=count)
    db.session.commit()
    return table_response(fmt, f"hoan-thanh-{req.course.slug}-{req.unit.code}-{req.level}", header, records,
                          title=_("Báo cáo"), widths=widths)


@bp.route("/completion.csv")
@login_required
def export_csv():
    return _export("csv")


@bp.route("/completion.xlsx")
@login_required
def export_xlsx():
    return _export("xlsx")


@bp.route("/annual")
@login_required
def annual():
    """The annual review of a unit: this year against last, per child unit. Printable on A4."""
    loaders.require_reports(current_user)
    unit = loaders.load_unit(current_user, (request.args.get("unit") or "").strip())
    year = loaders.load_year(request.args.get("year"))
    rows, total = yearly.annual_review(unit, year)
    return render_template("reports/annual.html", unit=unit, year=year, rows=rows, total=total,
                           chain=loaders.scope_chain(current_user, unit))
