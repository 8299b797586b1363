"""Staff side of attendance: the phone roster with "mark all present", the rotating check-in code
for the projector, the paper sign-in sheet and its CSV import, and attendance % per unit."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.forms import ConfirmForm
from ..core.errors import ServiceError
from ..core.loading import loads
from ..core.timeutil import format_datetime, utcnow
from ..extensions import db
from . import attendance, bp
from . import attendance_records as records
from .loaders import load_attendance_view, load_staff_session, load_staff_workshop


@bp.route("/workshops/sessions/<int:session_id>/roster", methods=["GET", "POST"])
@login_required
@loads(load_staff_session, into=("session", "ws", "course"))
def roster(session, ws, course):
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            if request.form.get("all_present"):
                attendance.mark_all_present(session, current_user)
            else:
                records.mark_roster(session, _roster_marks(request.form), current_user)
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


def _roster_marks(form) -> dict:
    """{user id: status} from the roster form's ``u-<id>`` radio buttons (other fields ignored)."""
    marks = {}
    for key, value in form.items():
        user_id = key[2:]
        if key.startswith("u-") and user_id.isascii() and user_id.isdigit() and len(user_id) < 12:
            marks[int(user_id)] = value
    return marks


@bp.route("/workshops/sessions/<int:session_id>/code")
@login_required
@loads(load_staff_session, into=("session", "ws", "course"))
def checkin_code(session, ws, course):
    """The code to show on the projector: refreshes itself (meta refresh, no script)."""
    import segno

    code = attendance.checkin_code(session)
    url = url_for("workshops.checkin", s=session.id, c=code, _external=True)
    qr = segno.make(url, error="m", micro=False).png_data_uri(scale=6)
    resp = Response(render_template("workshops/code.html", ws=ws, session=session, code=code, qr=qr, url=url))
    resp.headers["Refresh"] = "20"
    return resp


@bp.route("/workshops/sessions/<int:session_id>/signin.pdf")
@login_required
@loads(load_staff_session, into=("session", "ws", "course"))
def signin_sheet(session, ws, course):
    from .signin_pdf import SheetRow, render_signin_sheet

    rows = [SheetRow(name=u.name, unit=u.org.name) for u, _s in attendance.roster(session)]
    pdf = render_signin_sheet(workshop_title=ws.title, session_title=session.title,
                              starts_local=f"{format_datetime(session.starts_at)}–{format_datetime(session.ends_at)[-5:]}",
                              venue=session.venue, trainer=session.trainer, rows=rows)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="ky-ten-buoi-{session.id}.pdf"'})


@bp.route("/workshops/<int:workshop_id>/attendance/import", methods=["POST"])
@login_required
@loads(load_staff_workshop, into=("ws", "course"))
def import_attendance(ws, course):
    """Paper results back in: email,session,status (session = its number 1, 2, … in date order).
    All or nothing, with an error per row."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    result = records.import_sheet(ws, upload.read() if upload else b"", current_user)
    if result.errors:
        db.session.rollback()
        for line, msg in result.errors[:20]:
            flash(_("Dòng %(l)s: %(m)s", l=line, m=msg), "error")
        flash(_("Có %(n)d lỗi; chưa ghi gì.", n=len(result.errors)), "error")
    else:
        db.session.commit()
        flash(_("Đã nhập %(n)d dòng điểm danh.", n=len(result.marks)), "success")
    return redirect(url_for("workshops.registrations", workshop_id=ws.id))


@bp.route("/workshops/<int:workshop_id>/units")
@login_required
@loads(load_attendance_view, into=("ws", "scope"))
def units(ws, scope):
    """Attendance % per unit, for staff and for managers (their subtree only)."""
    return render_template("workshops/units.html", ws=ws, rows=records.by_unit(ws, scope))
