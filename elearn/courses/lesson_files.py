"""Lessons in the course files: ``<slug>.md`` with front matter, read and written for the curriculum
importer through the lesson kind (``kinds.LessonKind``)."""
import os
from dataclasses import dataclass

import yaml

from ..core import yamlfile
from ..core.markdown import problems as markdown_problems
from ..core.markdown import reading_minutes, render
from .models import Lesson


@dataclass
class LessonSpec:
    slug: str
    title: str
    body_md: str
    minutes: int
    sources: list
    completion: str = "viewed"
    kind: str = "lesson"

    def minutes_needed(self) -> int:
        return self.minutes

    def tally(self) -> dict:
        return {"lessons": 1}


def read_lesson(reader, folder, module_path, item, slug, line) -> LessonSpec | None:
    path = os.path.join(folder, slug + ".md")
    if not os.path.isfile(path):
        reader.err(module_path, line, f"không có tệp bài học {os.path.basename(path)}")
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            raw = fh.read()
    except UnicodeDecodeError:
        reader.err(path, None, "tệp phải dùng mã UTF-8")
        return None
    m = yamlfile.FRONT_MATTER_RE.match(raw)
    if not m:
        reader.err(path, 1, "bài học phải mở đầu bằng phần thông tin giữa hai dòng ---")
        return None
    try:
        meta = yamlfile.load(m.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reader.err(path, (mark.line + 2) if mark else 1, f"phần thông tin không hợp lệ: {getattr(exc, 'problem', exc)}")
        return None
    if not isinstance(meta, dict):
        reader.err(path, 2, "phần thông tin phải là bảng khoá: giá trị")
        return None
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        reader.err(path, 2, "thiếu 'title'")
        return None
    body = raw[m.end():]
    body_start = raw[: m.end()].count("\n")
    if not body.strip():
        reader.err(path, body_start + 1, "bài học không có nội dung")
    for bline, message in markdown_problems(body):
        reader.err(path, (bline + body_start) if bline else None, message)
    minutes = meta.get("minutes")
    if minutes is not None and (not isinstance(minutes, int) or minutes < 1):
        reader.err(path, meta.lines.get("minutes", 1) + 1, "'minutes' phải là số phút nguyên dương")
        minutes = None
    sources = meta.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        reader.err(path, meta.lines.get("sources", 1) + 1, "'sources' phải là danh sách chuỗi")
        sources = []
    return LessonSpec(slug, title.strip(), body, minutes or reading_minutes(body), sources)


def apply_lesson(writer, activity, spec: LessonSpec):
    settings = {"completion": spec.completion}
    if activity.settings != settings:
        activity.settings = settings
        writer.changes += 1
    lesson = activity.lesson or writer.new(Lesson(activity=activity))
    writer.set(lesson, body_md=spec.body_md, body_html=render(spec.body_md), minutes=spec.minutes,
               sources=list(spec.sources))
