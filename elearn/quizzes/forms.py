from datetime import datetime

from flask_babel import lazy_gettext as _l
from ..core.forms import Form
from flask_wtf.file import FileField
from wtforms import BooleanField, DecimalField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from ..core.once import OnceMixin
from .enums import GradingMethod, Overdue


class LocalDateTimeField(StringField):
    """A local (Asia/Ho_Chi_Minh) time typed as dd/mm/yyyy HH:mm; ``data`` is a naive local datetime."""

    FORMAT = "%d/%m/%Y %H:%M"

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime(self.FORMAT) if isinstance(self.data, datetime) else ""

    def process_formdata(self, valuelist):
        self.data = None
        text = " ".join((valuelist[0] if valuelist else "").split())
        if text:
            try:
                self.data = datetime.strptime(text, self.FORMAT)
            except ValueError:
                raise ValidationError(_l("Ghi theo dạng ngày/tháng/năm giờ:phút, ví dụ 05/12/2026 08:00.")) from None


class QuizSettingsForm(Form):
    pass_mark = DecimalField(_l("Điểm đạt (%)"), places=0, validators=[NumberRange(0, 100, _l("Từ 0 đến 100."))])
    attempts_allowed = IntegerField(_l("Số lượt làm (0 = không giới hạn)"), validators=[NumberRange(0, 50, _l("Từ 0 đến 50."))])
    grading_method = SelectField(_l("Cách tính điểm"), choices=GradingMethod.choices())
    time_limit_minutes = IntegerField(_l("Thời gian làm bài (phút, 0 = không giới hạn)"),
                                      validators=[NumberRange(0, 600, _l("Từ 0 đến 600 phút."))])
    overdue = SelectField(_l("Khi hết giờ"), choices=Overdue.choices())
    grace_minutes = IntegerField(_l("Thời gian gia hạn (phút)"), validators=[NumberRange(0, 120, _l("Từ 0 đến 120 phút."))])
    open_at = LocalDateTimeField(_l("Mở lúc (giờ Việt Nam, dd/mm/yyyy HH:mm)"))
    close_at = LocalDateTimeField(_l("Đóng lúc (giờ Việt Nam, dd/mm/yyyy HH:mm)"))
    per_page = IntegerField(_l("Số câu mỗi trang"), validators=[NumberRange(1, 20, _l("Từ 1 đến 20."))])
    shuffle_questions = BooleanField(_l("Xáo thứ tự câu hỏi"))
    shuffle_answers = BooleanField(_l("Xáo thứ tự đáp án"))


class QuestionUploadForm(Form):
    file = FileField(_l("Tệp câu hỏi (GIFT hoặc Moodle XML)"))


class ConfirmImportForm(Form):
    token = HiddenField()
    skip_bad = BooleanField(_l("Bỏ qua các câu lỗi và nhập các câu còn lại"))
    mode = RadioField(_l("Câu trùng với câu đã có trong ngân hàng"), default="new", choices=[
        ("new", _l("Thêm thành câu mới, giữ câu cũ")), ("replace", _l("Thay câu cũ bằng câu trong tệp"))])


class GradeForm(Form):
    mark = StringField(_l("Điểm"))  # "0,8" or "0.8": read by grading.parse_mark
    comment = TextAreaField(_l("Nhận xét"))


class NewQuizForm(OnceMixin, Form):
    title = StringField(_l("Tên bài kiểm tra"), validators=[DataRequired(_l("Hãy nhập tên bài kiểm tra.")), Length(max=200)])
    pass_mark = DecimalField(_l("Điểm đạt (%)"), places=0, default=50,
                             validators=[NumberRange(0, 100, _l("Từ 0 đến 100."))])
    attempts_allowed = IntegerField(_l("Số lượt làm (0 = không giới hạn)"), default=0,
                                    validators=[NumberRange(0, 50, _l("Từ 0 đến 50."))])
    time_limit_minutes = IntegerField(_l("Thời gian làm bài (phút, 0 = không giới hạn)"), default=0,
                                      validators=[NumberRange(0, 600, _l("Từ 0 đến 600 phút."))])
    open_at = LocalDateTimeField(_l("Mở lúc (giờ Việt Nam, dd/mm/yyyy HH:mm)"))
    close_at = LocalDateTimeField(_l("Đóng lúc (giờ Việt Nam, dd/mm/yyyy HH:mm)"))


class QuestionForm(OnceMixin, Form):
    """A question without GIFT; the answers come as rows a-<i>-text/weight/tolerance/feedback."""

    qtype = SelectField(_l("Loại câu hỏi"), choices=[
        ("multichoice", _l("Nhiều lựa chọn")), ("truefalse", _l("Đúng/Sai")), ("shortanswer", _l("Trả lời ngắn")),
        ("numerical", _l("Số")), ("essay", _l("Tự luận"))])
    category_id = SelectField(_l("Nhóm"), coerce=int)
    title = StringField(_l("Tiêu đề (không bắt buộc)"), validators=[Length(max=255)])
    text = TextAreaField(_l("Nội dung câu hỏi"), validators=[DataRequired(_l("Hãy nhập nội dung câu hỏi.")),
                                                            Length(max=20_000)])
    tf = RadioField(_l("Đáp án đúng"), default="true", choices=[("true", _l("Đúng")), ("false", _l("Sai"))])
    tf_right_feedback = StringField(_l("Phản hồi khi trả lời đúng"), validators=[Length(max=2000)])
    tf_wrong_feedback = StringField(_l("Phản hồi khi trả lời sai"), validators=[Length(max=2000)])
    grader_info = TextAreaField(_l("Hướng dẫn chấm (chỉ người chấm thấy)"), validators=[Length(max=5000)])
    general_feedback = TextAreaField(_l("Phản hồi chung"), validators=[Length(max=5000)])


class MoveQuestionsForm(Form):
    category_id = SelectField(_l("Chuyển các câu đã chọn sang nhóm"), coerce=int)
