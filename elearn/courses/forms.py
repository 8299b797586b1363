from flask_babel import lazy_gettext as _l
from ..core.forms import Form
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.once import OnceMixin


class CourseForm(OnceMixin, Form):
    title = StringField(_l("Tên khoá học"), validators=[DataRequired(_l("Hãy nhập tên khoá học.")), Length(max=200)])
    summary = TextAreaField(_l("Giới thiệu ngắn"), validators=[Length(max=2000)])
    hours = DecimalField(_l("Số giờ học"), places=1, validators=[Optional(), NumberRange(0, 500, _l("Số giờ từ 0 đến 500."))])


class ModuleForm(OnceMixin, Form):
    title = StringField(_l("Tên module"), validators=[DataRequired(_l("Hãy nhập tên module.")), Length(max=200)])
    summary = TextAreaField(_l("Giới thiệu"), validators=[Length(max=2000)])
    prerequisites = SelectMultipleField(_l("Cần hoàn thành trước"), coerce=int,
                                        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    require = SelectField(_l("Hoàn thành module khi xong"), default="all")
    min_grade = DecimalField(_l("Điểm trung bình tối thiểu (%)"), places=0,
                             validators=[Optional(), NumberRange(0, 100, _l("Từ 0 đến 100."))])
    due = DateField(_l("Hạn hoàn thành"), validators=[Optional()])


class LessonForm(OnceMixin, Form):
    title = StringField(_l("Tên bài học"), validators=[DataRequired(_l("Hãy nhập tên bài học.")), Length(max=200)])
    body_md = TextAreaField(_l("Nội dung (Markdown)"), validators=[DataRequired(_l("Bài học chưa có nội dung.")), Length(max=200_000)])
    minutes = IntegerField(_l("Thời gian đọc (phút)"), validators=[Optional(), NumberRange(1, 600)])


class MaterialForm(OnceMixin, Form):
    title = StringField(_l("Tên tài liệu"), validators=[DataRequired(_l("Hãy nhập tên tài liệu.")), Length(max=200)])
    file = FileField(_l("Tệp"))


class ReplaceFileForm(OnceMixin, Form):
    file = FileField(_l("Tệp mới"))


class EnrolForm(Form):
    org_id = SelectField(_l("Ghi danh cả đơn vị (gồm các đơn vị cấp dưới)"), coerce=int)


class StaffForm(Form):
    email = StringField(_l("Email giảng viên"), id="staff-email", validators=[DataRequired(_l("Hãy nhập email.")), Length(max=254)])


class StatusForm(Form):
    status = SelectField(choices=[("draft", _l("Bản nháp")), ("published", _l("Đã xuất bản")), ("archived", _l("Lưu trữ"))])


class MoveForm(Form):
    direction = SelectField(choices=[("-1", "up"), ("1", "down")])


class EnrolUserForm(Form):
    email = StringField(_l("Ghi danh riêng một học viên (email)"),
                        validators=[DataRequired(_l("Hãy nhập email.")), Length(max=254)])
