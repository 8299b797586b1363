"""Cataloguing practice (issue 15): the MARC 21 checker and the activity built on it.

- ``records``: read/write a biểu ghi as .mrk, MARCXML (and read ISO 2709), decided by content
  (``model``: the biểu ghi; ``mrk``, ``marcxml``: the two text forms);
- ``marc21``: the MARC 21 definitions used by ``lint`` (structure, as MARC::Lint does);
- ``compare``: comparison with an answer key, with partial credit and variants (``keys``: the
  key; ``fields``: one field; ``normalise``: values; ``wording``: Vietnamese names in messages);
- ``exercise``: exercise files (YAML + key) under courses/<course>/bai-tap/;
- ``cli``: ``flask cataloguing check KEY SUBMISSION [--json]``;
- the activity kind ``cataloguing`` (``kind``, registered on elearn/courses/kinds.py; ``spec``: its
  module.yaml entry), its tables (``models``), drafts and attempts (``attempts``), the field-row
  editor (``editor``), the trainee's pages (``views``) and the instructor's (``manage``, with the
  common mistakes of ``mistakes``).
"""
from flask import Blueprint

bp = Blueprint("cataloguing", __name__, url_prefix="/cataloguing")

from . import kind, manage, views  # noqa: E402,F401
