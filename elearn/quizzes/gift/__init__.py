"""Moodle GIFT parser and exporter (pure Python, no Flask).

``parse(text)`` returns a :class:`GiftResult` with the valid questions and one :class:`GiftError`
per bad question (1-based line of the question's first line, Vietnamese message); parsing goes on
after an error. ``export(questions)`` writes GIFT text that parses back to equal questions.

Rules follow Moodle's importer (question/format/gift/format.php):

* questions are separated by blank lines; lines starting with ``//`` are comments;
  a ``$CATEGORY: a/b/c`` line sets the category of the questions after it (an empty path resets it);
* ``::title::`` then an optional ``[html]``/``[moodle]``/``[plain]``/``[markdown]`` prefix;
* escapes ``\\~ \\= \\# \\{ \\} \\: \\\\ \\n``;
* the type comes from the answer block: none -> description, ``{}`` -> essay, ``{#...}`` -> numerical,
  any ``~`` -> multichoice, ``=`` with ``->`` -> matching, ``T/TRUE/F/FALSE`` -> truefalse,
  otherwise shortanswer; ``####`` starts the general feedback;
* a multichoice question with no ``=`` answer is multiple-answer (``multiple=True``): its positive
  ``~%n%`` weights must add up to 100 (±0.5). With an ``=`` answer it is single-answer and needs
  a 100% answer; other answers may carry partial or negative weights (``~%50%``, ``~%-50%``);
* text after the closing brace makes a "missing word" question: ``text`` holds ``_____`` where the
  block was and ``missing_word`` is True (any answer type may be written this way).

True/false questions get two answers, ``"true"`` and ``"false"``: the right one has weight 100 and
the "right" feedback of ``{T#wrong#right}``, the other one the "wrong" feedback. Numerical answers
have ``value``/``tolerance`` or ``min``/``max`` and a canonical ``text`` ("3.14:0.01", "1..5");
``{#...~#feedback}`` adds a catch-all answer ``"*"`` of weight 0. Matching answers carry the right
side in ``match``. Feedback texts are kept as written (a ``[format]`` prefix there is not read).
"""

from .model import (
                    BLANK,
                    FORMAT_RE,
                    FORMATS,
                    NUMBER_RE,
                    Answer,
                    GiftError,
                    GiftResult,
                    Question,
                    format_number,
                    numeric_text,
)
from .parser import parse
from .writer import export, export_question

__all__ = ["BLANK", "FORMATS", "FORMAT_RE", "NUMBER_RE", "Answer", "GiftError", "GiftResult", "Question",
           "export", "export_question", "format_number", "numeric_text", "parse"]
