"""Cataloguing practice (issue 15): the MARC 21 checker.

- ``records``: read/write a biểu ghi as .mrk, MARCXML (and read ISO 2709), decided by content
  (``model``: the biểu ghi; ``mrk``, ``marcxml``: the two text forms);
- ``marc21``: the MARC 21 definitions used by ``lint`` (structure, as MARC::Lint does);
- ``compare``: comparison with an answer key, with partial credit and variants (``keys``: the
  key; ``fields``: one field; ``normalise``: values; ``wording``: Vietnamese names in messages);
- ``exercise``: exercise files (YAML + key) under courses/<course>/bai-tap/;
- ``cli``: ``flask cataloguing check KEY SUBMISSION [--json]``.

The web activity (kind ``cataloguing`` on the activity registry) is built on top of this later.
"""
