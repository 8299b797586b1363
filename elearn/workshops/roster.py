"""Staff side of attendance: the phone roster with "mark all present", the rotating check-in code
for the projector, the paper sign-in sheet and its CSV import, and attendance % per unit."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..auth.forms import ConfirmForm
from ..auth.models import User
from ..core.errors import ServiceError
from ..core.timeutil import format_datetime, utcnow
from ..courses import services as courses
from ..courses.models import Course
from ..extensions import db
from ..orgs.models import OrgUnit
from ..orgs.services import read_csv_rows
from . import attendance, bp
from .manage import _staff_ws
from .permissions import attendance_scope, can_manage_workshop, can_view_unit_attendance
from .models import ATTENDANCE, Attendance, Registration, Workshop, WorkshopSession


@bp.route("/workshops/sessions/<int:session_id>/roster", methods=["GET", "POST"])
@login_required
def roster(session_id):
    session = db.get_or_404(WorkshopSession, session_id)
    ws, course = _staff_ws(session.workshop_id)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            if request.form.get("all_present"):
                attendance.mark_all_present(session, current_user)
            else:
                booked = {u.id for u, _s in attendance.roster(session)}
                for key, value in request.form.items():
                    user_id = key[2:]
                    if key.startswith("u-") and user_id.isascii() and user_id.isdigit() and value in ATTENDANCE \
                            and int(user_id) in booked:
                        attendance.mark(session, int(user_id), value, current_user)
        except ServiceError as err:
            db.session.rollback()
            flash(err.message, "error")
            return render_template("workshops/roster.html", ws=ws, session=session, rows=attendance.roster(session),
                                   form=ConfirmForm(), opens_at=attendance.marking_opens_at(session),
                                   now=utcnow()), err.status
        db.session.commit()
        flash(_("Đã lưu điểm danh."), "success")
        return redirect(url_for("workshops.roster", session_id=session.id))
    return render_template("workshops/roster.html", ws=ws, session=session, rows=attendance.roster(session),
                           form=ConfirmForm(), opens_at=attendance.marking_opens_at(session), now=utcnow())


@bp.route("/workshops/sessions/<int:session_id>/code")
@login_required
def checkin_code(session_id):
    """The code to show on the projector: refreshes itself (meta refresh, no script)."""
    import segno

    session = db.get_or_404(WorkshopSession, session_id)
    ws, course = _staff_ws(session.workshop_id)
    code = attendance.checkin_code(session)
    url = url_for("workshops.checkin", s=session.id, c=code, _external=True)
    qr = segno.make(url, error="m", micro=False).png_data_uri(scale=6)
    resp = Response(render_template("workshops/code.html", ws=ws, session=session, code=code, qr=qr, url=url))
    resp.headers["Refresh"] = "20"
    return resp


@bp.route("/workshops/sessions/<int:session_id>/signin.pdf")
@login_required
def signin_sheet(session_id):
    from .signin_pdf import SheetRow, render_signin_sheet

    session = db.get_or_404(WorkshopSession, session_id)
    ws, course = _staff_ws(session.workshop_id)
    rows = [SheetRow(name=u.name, unit=u.org.name) for u, _s in attendance.roster(session)]
    pdf = render_signin_sheet(workshop_title=ws.title, session_title=session.title,
                              starts_local=f"{format_datetime(session.starts_at)}–{format_datetime(session.ends_at)[-5:]}",
                              venue=session.venue, trainer=session.trainer, rows=rows)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="ky-ten-buoi-{session.id}.pdf"'})


@bp.route("/workshops/<int:workshop_id>/attendance/import", methods=["POST"])
@login_required
def import_attendance(workshop_id):
    """Paper results back in: email,session,status (session = its number 1, 2, … in date order).
    All or nothing, with an error per row."""
    ws, course = _staff_ws(workshop_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    errors, marks = import_rows(ws, upload.read() if upload else b"")
    if errors:
        for line, msg in errors[:20]:
            flash(_("Dòng %(l)s: %(m)s", l=line, m=msg), "error")
        flash(_("Có %(n)d lỗi; chưa ghi gì.", n=len(errors)), "error")
    else:
        for session, user_id, status in marks:
            attendance.mark(session, user_id, status, current_user, "import")
        db.session.commit()
        flash(_("Đã nhập %(n)d dòng điểm danh.", n=len(marks)), "success")
    return redirect(url_for("workshops.registrations", workshop_id=ws.id))


def import_rows(ws, data):
    from ..auth.services import get_user_by_email

    sessions = [s for s in ws.sessions if s.status == "scheduled"]
    booked = set(db.session.scalars(select(Registration.user_id).where(Registration.workshop_id == ws.id,
                                                                       Registration.status == "booked")))
    errors, marks = [], []
    try:
        rows = read_csv_rows(data, ("email", "session", "status"))
    except ServiceError as err:
        return [(1, err.message)], []
    labels = {"present": "present", "co mat": "present", "có mặt": "present", "late": "late", "muộn": "late",
              "excused": "excused", "có phép": "excused", "absent": "absent", "vắng": "absent"}
    for line, r in rows:
        user = get_user_by_email(r["email"])
        status = labels.get(r["status"].strip().lower())
        if user is None:
            errors.append((line, _("không có tài khoản %(e)s", e=r["email"] or "∅")))
        elif user.id not in booked:
            errors.append((line, _("%(e)s không có chỗ trong lớp", e=r["email"])))
        if not r["session"].isdigit() or not 1 <= int(r["session"]) <= len(sessions):
            errors.append((line, _("buổi phải là số từ 1 đến %(n)d", n=len(sessions))))
        if status is None:
            errors.append((line, _("trạng thái phải là present, late, excused hoặc absent")))
        if r["session"].isdigit() and 1 <= int(r["session"]) <= len(sessions) \
                and utcnow() < attendance.marking_opens_at(sessions[int(r["session"]) - 1]):
            errors.append((line, _("buổi %(n)s chưa bắt đầu; chưa điểm danh được", n=r["session"])))
        elif user is not None and status and r["session"].isdigit() and 1 <= int(r["session"]) <= len(sessions) \
                and user.id in booked:
            marks.append((sessions[int(r["session"]) - 1], user.id, status))
    return errors, marks


@bp.route("/workshops/<int:workshop_id>/units")
@login_required
def units(workshop_id):
    """Attendance % per unit, for staff and for managers (their subtree only)."""
    ws = db.get_or_404(Workshop, workshop_id)
    course = db.session.get(Course, ws.course_id)
    staff = can_manage_workshop(current_user, course, is_staff=courses.is_staff(current_user, course))
    if not can_view_unit_attendance(current_user, staff=staff):
        abort(403)
    return render_template("workshops/units.html", ws=ws,
                           rows=attendance_by_unit(ws, attendance_scope(current_user, staff=staff)))


def attendance_by_unit(ws, manager=None):
    """[(unit, booked, attended sessions, possible sessions, percent)], in the manager's scope."""
    sessions = [s.id for s in ws.sessions if s.status == "scheduled"]
    stmt = select(User.org_id, func.count(Registration.id)).join(User, Registration.user_id == User.id).where(
        Registration.workshop_id == ws.id, Registration.status == "booked").group_by(User.org_id)
    att = select(User.org_id, func.count(Attendance.id)).join(User, Attendance.user_id == User.id).where(
        Attendance.session_id.in_(sessions), Attendance.status.in_(("present", "late"))).group_by(User.org_id)
    if manager is not None:
        from ..orgs.services import scope_to_viewer

        stmt = scope_to_viewer(stmt, User.org_id, manager)
        att = scope_to_viewer(att, User.org_id, manager)
    booked, came = dict(db.session.execute(stmt).all()), dict(db.session.execute(att).all())
    units = {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(set(booked))))} if booked else {}
    out = []
    for org_id, n in booked.items():
        possible = n * len(sessions)
        out.append((units[org_id], n, came.get(org_id, 0), possible,
                    round(100 * came.get(org_id, 0) / possible) if possible else 0))
    return sorted(out, key=lambda r: r[0].path)
