from flask_babel import lazy_gettext as _l
from ..core.forms import Form
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.once import OnceMixin


class WorkshopForm(OnceMixin, Form):
    title = StringField(_l("Tên lớp tập huấn"), validators=[DataRequired(_l("Hãy nhập tên lớp.")), Length(max=200)])
    description = TextAreaField(_l("Giới thiệu"), validators=[Length(max=5000)])
    capacity = IntegerField(_l("Số chỗ"), validators=[NumberRange(1, 1000, _l("Từ 1 đến 1000."))])
    signup_opens_at = DateTimeLocalField(_l("Mở đăng ký lúc"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    signup_closes_at = DateTimeLocalField(_l("Đóng đăng ký lúc"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    cancel_cutoff_hours = IntegerField(_l("Được huỷ trước buổi đầu (giờ)"), validators=[NumberRange(0, 720)])
    requires_approval = BooleanField(_l("Cần quản lý của học viên duyệt"))
    targets = SelectMultipleField(_l("Dành cho đơn vị (để trống: mọi học viên của khoá học)"), coerce=int,
                                  widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    prework = SelectMultipleField(_l("Module cần học trước"), coerce=int,
                                  widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    prework_before = SelectField(_l("Yêu cầu học trước"), choices=[
        ("none", _l("Không bắt buộc")), ("signup", _l("Trước khi đăng ký")), ("attend", _l("Trước khi tham dự"))])
    completion_module = SelectField(_l("Tham dự được tính hoàn thành trong module"), coerce=int)
    posttest = SelectField(_l("Bài kiểm tra sau lớp (mở sau buổi cuối)"), coerce=int)


class SessionForm(OnceMixin, Form):
    title = StringField(_l("Tên buổi"), validators=[DataRequired(_l("Hãy nhập tên buổi.")), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Bắt đầu (giờ Việt Nam)"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(_l("Hãy nhập giờ bắt đầu."))])
    ends_at = DateTimeLocalField(_l("Kết thúc (giờ Việt Nam)"), format="%Y-%m-%dT%H:%M",
                                 validators=[DataRequired(_l("Hãy nhập giờ kết thúc."))])
    venue = StringField(_l("Địa điểm"), validators=[Length(max=300)])
    trainer = StringField(_l("Giảng viên"), validators=[Length(max=200)])


class CheckinForm(Form):
    code = StringField(_l("Mã điểm danh"), validators=[DataRequired(_l("Hãy nhập mã.")), Length(max=12)])
