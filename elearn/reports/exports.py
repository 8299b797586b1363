"""The columns of the report exports: headers, widths and records for what the report page shows.
Writing them (CSV with BOM, XLSX write-only, formula neutralisation, streaming) is
``elearn.core.exports``, shared with the quiz and course exports.
"""
from datetime import datetime

from flask_babel import gettext as _

from ..core.exports import csv_stream, neutralise, xlsx_stream  # noqa: F401 (the report views use them from here)
from ..core.timeutil import to_local


def _local_date(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_local(value).date()
    return value


def unit_header():
    return [_("Mã đơn vị"), _("Đơn vị"), _("Ghi danh"), _("Chưa bắt đầu"), _("Đang học"), _("Đã hoàn thành"),
            _("Tỷ lệ hoàn thành (%)"), _("Điểm TB"), _("Tỷ lệ tham dự (%)"), _("Quá hạn")]


UNIT_WIDTHS = [14, 40, 10, 14, 10, 14, 20, 10, 18, 10]


def unit_records(rows, total):
    for r in list(rows) + [total]:
        name = r.unit_name if r is not total else _("Tổng cộng")
        yield [r.unit_code, name, r.enrolled, r.not_started, r.in_progress, r.completed, r.completion_rate,
               r.average_grade, r.attendance_rate, r.overdue]


def trainee_header():
    return [_("Mã học viên"), _("Họ và tên"), _("Email"), _("Mã đơn vị"), _("Đơn vị"), _("Trạng thái"),
            _("Tiến độ (%)"), _("Điểm"), _("Hoạt động gần nhất"), _("Ngày hoàn thành"), _("Mã chứng nhận"),
            _("Quá hạn")]


TRAINEE_WIDTHS = [12, 30, 30, 14, 36, 16, 12, 8, 20, 18, 16, 10]


def yes_no():
    return _("Có"), _("Không")


def trainee_records(rows, state_labels, yes="Có", no="Không"):
    for t in rows:
        yield [t.id, t.name, t.email, t.unit_code, t.unit_name, state_labels[t.state], t.percent, t.grade,
               _local_date(t.last_activity_at), _local_date(t.completed_at), t.certificate_code or "",
               yes if t.overdue else no]
