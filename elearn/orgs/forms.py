from flask_babel import lazy_gettext as _l
from ..core.forms import Form
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..core.once import OnceMixin


class OrgForm(OnceMixin, Form):
    code = StringField(_l("Mã đơn vị"), validators=[DataRequired(_l("Hãy nhập mã đơn vị.")), Length(max=40)])
    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(_l("Hãy nhập tên đơn vị.")), Length(max=200)])
    parent_id = SelectField(_l("Đơn vị cấp trên"), coerce=int)


class RenameForm(Form):
    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(_l("Hãy nhập tên đơn vị.")), Length(max=200)])


class MoveForm(Form):
    parent_id = SelectField(_l("Chuyển vào dưới đơn vị"), coerce=int)


class ArchiveForm(Form):
    """A CSRF-protected button: archive or restore a unit."""
