from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from ..core.forms import Form
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..core.once import OnceMixin
from .roles import ROLES, role_label


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Hãy nhập email."))])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Hãy nhập mật khẩu."))])
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên máy này"))
    next = HiddenField()


class ForgotForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Hãy nhập email."))])


class NewPasswordForm(Form):
    password = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(_l("Hãy nhập mật khẩu mới.")), Length(max=256)])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"),
                            validators=[EqualTo("password", _l("Hai lần nhập mật khẩu không khớp."))])


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Hãy nhập mật khẩu hiện tại."))])
    revoke_tokens = BooleanField(_l("Thu hồi luôn mọi mã truy cập API của tôi"), default=True)


class LanguageForm(Form):
    lang = SelectField(_l("Ngôn ngữ"), choices=[("vi", "Tiếng Việt"), ("en", "English")])
    next = HiddenField()


class TokenForm(OnceMixin, Form):
    name = StringField(_l("Tên gợi nhớ"), validators=[Length(max=100)])


class ConfirmForm(Form):
    """An empty form: a CSRF-protected POST button (revoke, deactivate, …)."""


def role_choices():
    return [(r, role_label(r)) for r in ROLES]


class UserForm(OnceMixin, Form):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Hãy nhập email.")), Length(max=254)])
    name = StringField(_l("Họ và tên"), validators=[DataRequired(_l("Hãy nhập họ và tên.")), Length(max=200)])
    role = SelectField(_l("Vai trò"))
    org_id = SelectField(_l("Đơn vị"), coerce=int)
    active = BooleanField(_l("Đang hoạt động"), default=True)


class ImportUploadForm(Form):
    file = FileField(_l("Tệp CSV hoặc XLSX (email,name,role,org_code)"),
                     validators=[FileRequired(_l("Hãy chọn tệp CSV hoặc XLSX."))])


class ImportConfirmForm(Form):
    """The checked file, carried to the confirm step; the confirm step checks it again."""
    payload = HiddenField()
    filename = HiddenField()
