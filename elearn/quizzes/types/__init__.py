"""Question types: one registry, one class per type (like CTFd's challenge classes).

A stored question is ``(qtype, text, text_format, data, general_feedback, default_mark)``.
``data`` is the type's own JSON; every answer in it has a short stable ``id`` so that shuffled
layouts and saved responses name answers by id, never by position. Parsing gives "a1", "a2", ...
in the original order; when a question is stored, multiple-choice ids are replaced by opaque ones
(``choice.option_ids``: a hash of the question key and the answer text), because they are shown to
the trainee and "a1" was the right answer in nearly every file. The JSON shapes:

* ``multichoice``: ``{"multiple": bool, "missing_word": bool[, "shuffle": false],
  "answers": [{"id", "text", "weight", "feedback"[, "format"]}]}`` (weight in percent, -100..100;
  answers are shuffled in attempts unless the quiz or ``"shuffle": false`` says otherwise)
* ``truefalse``: ``{"correct": bool, "missing_word": bool, "feedback": {"true": str, "false": str}}``
  (the feedback shown to whoever picks that answer)
* ``shortanswer``: ``{"case_sensitive": bool, "missing_word": bool,
  "answers": [{"id", "text", "weight", "feedback"[, "format"]}]}`` (``*`` matches any run of
  characters, ``\\*`` is a literal star)
* ``numerical``: ``{"missing_word": bool, "answers": [{"id", "weight", "feedback", ...}]}`` where
  each answer has either ``"value"`` and ``"tolerance"``, or ``"min"`` and ``"max"``, or
  ``"any": true`` (GIFT's ``~#feedback`` catch-all, any valid number)
* ``matching``: ``{"missing_word": bool, "pairs": [{"id", "stem", "match"[, "format"]}]}``; a pair
  with an empty stem only adds a distractor to the right-hand choices
* ``essay``: ``{"missing_word": bool}``; ``description``: ``{}``

``"format"`` on an answer is the GIFT ``[html]`` prefix of that answer; absent means the
question's format. Responses (JSON): multichoice single ``"a2"``, multiple ``["a1", "a3"]``;
truefalse ``"true"``/``"false"``; shortanswer, numerical and essay the text as typed; matching
``{stem_id: choice_id}``. ``None`` is "not answered".

Matching choice ids are opaque: ``"c"`` + a hash of the right-hand text, so nothing in the public
view ties a choice to a stem. Grades are fractions in 0..1; essay (manual) and description (not
graded) return ``None``: services should skip ``gradable=False`` types and queue ``manual`` ones.
"""
from .base import BLANK, MAX_TEXT, REGISTRY, QuestionType, from_gift, get_type, parse_number, register, to_gift  # noqa: F401
from . import choice, text  # noqa: E402,F401  (registers the types)
from .choice import choice_id  # noqa: E402,F401
