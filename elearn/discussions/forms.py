from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import Form
from ..core.once import OnceMixin

BODY_HINT = _l("Viết bằng Markdown: **đậm**, *nghiêng*, [liên kết](https://…), danh sách bắt đầu bằng dấu -.")


class ThreadForm(OnceMixin, Form):
    title = StringField(_l("Tiêu đề"), validators=[DataRequired(_l("Hãy nhập tiêu đề.")), Length(min=3, max=200)])
    body = TextAreaField(_l("Nội dung"), validators=[DataRequired(_l("Hãy viết nội dung.")), Length(max=20_000)])
    question = BooleanField(_l("Đây là câu hỏi (cần một câu trả lời)"))
    file = FileField(_l("Tệp đính kèm (không bắt buộc)"))


class ReplyForm(OnceMixin, Form):
    body = TextAreaField(_l("Trả lời"), validators=[DataRequired(_l("Hãy viết nội dung.")), Length(max=20_000)])
    quote_of = HiddenField()
    file = FileField(_l("Tệp đính kèm (không bắt buộc)"))


class EditForm(Form):
    title = StringField(_l("Tiêu đề"), validators=[Optional(), Length(min=3, max=200)])
    body = TextAreaField(_l("Nội dung"), validators=[DataRequired(_l("Hãy viết nội dung.")), Length(max=20_000)])


class ReasonForm(Form):
    """A moderation action (pin, lock, hide, …); hiding needs a reason."""

    action = HiddenField()
    reason = StringField(_l("Lý do (bắt buộc khi ẩn; được ghi vào nhật ký)"), validators=[Length(max=1000)])


class MoveForm(Form):
    target = SelectField(_l("Chuyển đến"))
    reason = StringField(_l("Lý do (ghi vào nhật ký)"), validators=[Length(max=1000)])


class ReportForm(Form):
    reason = TextAreaField(_l("Vì sao bài này cần được xem lại?"),
                           validators=[DataRequired(_l("Hãy ghi lý do.")), Length(min=3, max=1000)])


class FollowForm(Form):
    mode = SelectField(_l("Nhận thư"), choices=[("instant", _l("Ngay khi có bài mới")),
                                                  ("digest", _l("Một thư tổng hợp mỗi ngày")),
                                                  ("off", _l("Không theo dõi"))])
