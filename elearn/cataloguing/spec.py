"""A cataloguing exercise in a module.yaml ``activities:`` list (courses/FORMAT.md, "Cataloguing
exercises")::

    - cataloguing: bt-sach-mot-tac-gia       # activity slug
      exercise: ../bai-tap/01-sach-mot-tac-gia.yaml   # the exercise file, inside the course folder
      title: ...                             # optional: the exercise's own title by default
      pass_mark: 80                          # percent (default 80)
      attempts: 0                            # submissions allowed, 0 = unlimited (default)
      grading: best                          # best (default) or last submitted attempt
      minutes: 15                            # time one attempt takes (default 15), for the hours
      completion: passed                     # passed (default), graded, manual or none
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .exercise import ExerciseError, load_exercise
from .models import GRADINGS

DEFAULT_PASS_MARK = 80
DEFAULT_MINUTES = 15
KNOWN = {"cataloguing", "exercise", "title", "pass_mark", "attempts", "grading", "minutes", "completion"}
# The exercise file's keys that are checking options (the rest is title, item and key).
OPTION_KEYS = ("lenient", "ignore", "extra_ok", "lessons", "explain", "variants")


@dataclass
class CataloguingSpec:
    slug: str
    title: str
    source: str  # the exercise file, relative to the course folder
    item: str
    key_record: str
    options: dict = field(default_factory=dict)
    pass_mark: float = DEFAULT_PASS_MARK
    attempts: int = 0
    grading: str = "best"
    completion: str = "passed"
    kind: str = "cataloguing"
    minutes: int = DEFAULT_MINUTES

    def minutes_needed(self) -> int:
        return self.minutes

    def tally(self) -> dict:
        return {"exercises": 1}


def _number(reader, path, item, key, default, low, high, what):
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        reader.err(path, item.lines.get(key, item.line), what)
        return default
    return value


def read_cataloguing(reader, folder, module_path, item, slug, line):
    unknown = sorted(set(item) - KNOWN)
    if unknown:
        reader.err(module_path, line, f"bài tập biên mục '{slug}': không biết khoá {', '.join(unknown)}")
    raw = item.get("exercise")
    course_folder = os.path.dirname(os.path.abspath(folder))
    path = os.path.normpath(os.path.join(folder, raw)) if isinstance(raw, str) and raw.strip() else None
    if path is None or not os.path.realpath(path).startswith(os.path.realpath(course_folder) + os.sep) \
            or not os.path.isfile(path):
        reader.err(module_path, item.lines.get("exercise", line),
                   f"bài tập biên mục '{slug}' cần 'exercise': một tệp bài tập (.yaml) trong thư mục khóa học")
        return None
    try:
        ex = load_exercise(path)
    except ExerciseError as e:
        reader.err(path, None, str(e).split(": ", 1)[-1])
        return None
    for tag, lesson in (ex.meta.get("lessons") or {}).items():
        if not any(os.path.isfile(os.path.join(course_folder, m, f"{lesson}.md")) for m in os.listdir(course_folder)):
            reader.err(path, None, f"'lessons' {tag}: không có bài học '{lesson}' trong khóa học")
    title = item.get("title", ex.title)
    if not isinstance(title, str) or not title.strip():
        reader.err(module_path, item.lines.get("title", line), "'title' phải là chuỗi không rỗng")
        title = ex.title
    grading = item.get("grading", "best")
    if grading not in GRADINGS:
        reader.err(module_path, item.lines.get("grading", line), "'grading' phải là best hoặc last")
        grading = "best"
    pass_mark = _number(reader, module_path, item, "pass_mark", DEFAULT_PASS_MARK, 0, 100, "'pass_mark' phải từ 0 đến 100")
    attempts = _number(reader, module_path, item, "attempts", 0, 0, 1000,
                       "'attempts' phải là số nguyên không âm (0 = không giới hạn)")
    minutes = _number(reader, module_path, item, "minutes", DEFAULT_MINUTES, 1, 600, "'minutes' phải là số phút nguyên dương")
    if not isinstance(attempts, int) or not isinstance(minutes, int):
        reader.err(module_path, line, "'attempts' và 'minutes' phải là số nguyên")
        attempts, minutes = int(attempts), int(minutes)
    with open(ex.key_path, encoding="utf-8") as fh:
        key_text = fh.read()
    options = {k: ex.meta[k] for k in OPTION_KEYS if k in ex.meta}
    return CataloguingSpec(slug, title.strip(), os.path.relpath(path, course_folder), ex.item.strip(),
                           key_text,
                           options, float(pass_mark), attempts, grading, minutes=minutes)


def apply_cataloguing(writer, activity, spec: CataloguingSpec):
    from ..extensions import db
    from .models import CataloguingExercise

    settings = {"completion": spec.completion, "exercise_file": spec.source}
    if activity.settings != settings:
        activity.settings = settings
        writer.changes += 1
    ex = db.session.get(CataloguingExercise, activity.id)
    if ex is None:
        ex = writer.new(CataloguingExercise(activity_id=activity.id))
    writer.set(ex, item=spec.item, key_record=spec.key_record, options=spec.options, pass_mark=spec.pass_mark,
               attempts_allowed=spec.attempts, grading=spec.grading, source=spec.source)
