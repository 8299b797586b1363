"""Forms of the cataloguing pages (the field rows of the editor are read by ``editor``)."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..core.forms import Form


class EditorForm(Form):
    """Save or submit a draft: in .mrk (``record``) or as field rows (``mode`` = rows)."""

    mode = HiddenField(default="rows")
    number = HiddenField()
    seq = HiddenField()
    record = TextAreaField(_l("Biểu ghi ở dạng .mrk"))


class SettingsForm(Form):
    pass_mark = IntegerField(_l("Điểm đạt (%)"), validators=[InputRequired(), NumberRange(0, 100)])
    attempts_allowed = IntegerField(_l("Số lượt nộp (0 = không giới hạn)"),
                                    validators=[Optional(), NumberRange(0, 1000)], default=0)
    grading = SelectField(_l("Điểm của bài tập"), choices=[("best", _l("Lượt cao nhất")), ("last", _l("Lượt cuối cùng"))])
