"""`flask courses import [DIR]`: the curriculum in courses/ → the database.

Everything is read and checked first; an error names the file and the line, and then nothing is
written. Courses, modules and activities are matched by slug, so re-importing updates content in
place and keeps trainees' progress. What has gone from the files is archived, never deleted.
"""
import os
import re
from dataclasses import dataclass, field

import yaml

from ..core.markdown import problems as markdown_problems
from ..core.markdown import reading_minutes
from ..quizzes import gift
from . import kinds as registry
from ..quizzes.models import DEFAULT_REVIEW, REVIEW_SHOWN, REVIEW_WHAT, REVIEW_WHEN

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
ACTIVITY_KINDS = ("lesson", "quiz")


class _LineLoader(yaml.SafeLoader):
    """A YAML loader whose mappings remember the line of each key (1-based)."""


class LineDict(dict):
    line = 1
    lines: dict


def _construct_mapping(loader, node, deep=False):
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.lines = {k.value: k.start_mark.line + 1 for k, _v in node.value if hasattr(k, "value")}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class ImportError_:
    file: str
    line: int | None
    message: str

    def __str__(self):
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"

    def to_dict(self):
        return {"file": self.file, "line": self.line, "message": self.message}


# `review:` in module.yaml → the quiz's review matrix (when → what the trainee may see of an attempt).
# "after_close": the score and which answers were right during the course, but the right answers and
# the feedback (which often names them) only once the quiz has closed, so a later attempt cannot be
# copied from the review of an earlier one.
_DURING_COURSE = ["responses", "correctness", "marks"]
REVIEW_PRESETS = {
    "full": DEFAULT_REVIEW,
    "after_close": {"during": [], "immediately": _DURING_COURSE, "open": _DURING_COURSE,
                    "closed": list(REVIEW_SHOWN)},
    "marks_only": {"during": [], "immediately": ["marks"], "open": ["marks"], "closed": ["marks"]},
}
#: What gives the answers away when a trainee may try again.
REVIEW_REVEALS = ("right_answer", "feedback")

#: Time a trainee needs for one attempt, in minutes, per question type (essay: writing it).
QUESTION_MINUTES = {"essay": 15, "description": 0}
DEFAULT_QUESTION_MINUTES = 1
#: A course that claims more than this many times its content gets a warning.
HOURS_SLACK = 2

ACTIVITY_RULES = ("viewed", "manual", "none", "graded", "passed", "passed_or_exhausted")
DEFAULT_RULE = {"lesson": "viewed", "quiz": "passed"}


@dataclass
class LessonSpec:
    slug: str
    title: str
    body_md: str
    minutes: int
    sources: list
    completion: str = "viewed"


@dataclass
class QuizSpec:
    slug: str
    title: str
    questions_file: str
    questions: list
    pass_mark: float
    attempts: int
    completion: str = "passed"
    review: dict = field(default_factory=lambda: _copy_review(DEFAULT_REVIEW))

    def minutes(self):
        return sum(QUESTION_MINUTES.get(q.qtype, DEFAULT_QUESTION_MINUTES) for q in self.questions)


def _copy_review(review):
    return {when: list(review.get(when, [])) for when in REVIEW_WHEN}


@dataclass
class ModuleSpec:
    slug: str
    title: str
    summary: str
    prerequisites: list
    activities: list  # LessonSpec | QuizSpec, in order
    completion: dict = field(default_factory=dict)
    practice_minutes: int = 0  # exercises done outside the lessons and quizzes


@dataclass
class CourseSpec:
    slug: str
    title: str
    summary: str
    hours: float
    completion: dict
    modules: list = field(default_factory=list)
    workshop_hours: float = 0  # linked workshop sessions that the course requires

    def content_minutes(self):
        """Reading time + one attempt at each quiz + exercises + workshops: the least ``hours`` may claim."""
        minutes = 0
        for m in self.modules:
            minutes += m.practice_minutes
            for a in m.activities:
                minutes += a.minutes if isinstance(a, LessonSpec) else a.minutes()
        return minutes + round(self.workshop_hours * 60)

    def counts(self):
        lessons = sum(isinstance(a, LessonSpec) for m in self.modules for a in m.activities)
        questions = sum(len(a.questions) for m in self.modules for a in m.activities if isinstance(a, QuizSpec))
        return {"slug": self.slug, "title": self.title, "modules": len(self.modules),
                "lessons": lessons, "questions": questions}


@dataclass
class ImportReport:
    courses: list = field(default_factory=list)  # CourseSpec
    errors: list = field(default_factory=list)  # ImportError_
    warnings: list = field(default_factory=list)  # ImportError_: imported anyway
    changes: int = 0

    def to_json(self):
        return {"courses": [c.counts() for c in self.courses], "errors": [e.to_dict() for e in self.errors],
                "warnings": [w.to_dict() for w in self.warnings], "changes": self.changes}


# --- reading and checking ---------------------------------------------------------------------------

class _Reader:
    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.errors = []
        self.warnings = []

    def rel(self, path):
        return os.path.relpath(path, os.path.dirname(self.root))

    def err(self, path, line, message):
        self.errors.append(ImportError_(self.rel(path), line, message))

    def warn(self, path, line, message):
        self.warnings.append(ImportError_(self.rel(path), line, message))

    def yaml_file(self, path):
        if not os.path.isfile(path):
            self.err(path, None, "thiếu tệp")
            return None
        try:
            with open(path, encoding="utf-8") as fh:
                data = yaml.load(fh, Loader=_LineLoader)
        except UnicodeDecodeError:
            self.err(path, None, "tệp phải dùng mã UTF-8")
            return None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.err(path, mark.line + 1 if mark else None, f"YAML không hợp lệ: {getattr(exc, 'problem', exc)}")
            return None
        if not isinstance(data, dict):
            self.err(path, 1, "tệp phải là một bảng khoá: giá trị (mapping)")
            return None
        return data

    def text(self, path, data, key, required=True):
        value = data.get(key)
        if value is None:
            if required:
                self.err(path, data.line, f"thiếu khoá '{key}'")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.err(path, data.lines.get(key), f"'{key}' phải là chuỗi không rỗng")
            return ""
        return value.strip()

    def course(self, folder) -> CourseSpec | None:
        slug = os.path.basename(folder)
        path = os.path.join(folder, "course.yaml")
        if not SLUG_RE.match(slug):
            self.err(folder, None, "tên thư mục khoá học chỉ gồm chữ thường không dấu, số và dấu gạch")
            return None
        data = self.yaml_file(path)
        if data is None:
            return None
        spec = CourseSpec(slug, self.text(path, data, "title"), self.text(path, data, "summary"), 0, {})
        hours = data.get("hours", 0)
        if not isinstance(hours, (int, float)) or hours < 0:
            self.err(path, data.lines.get("hours"), "'hours' phải là số giờ không âm")
        else:
            spec.hours = float(hours)
        workshop_hours = data.get("workshop_hours", 0)
        if isinstance(workshop_hours, bool) or not isinstance(workshop_hours, (int, float)) or workshop_hours < 0:
            self.err(path, data.lines.get("workshop_hours"), "'workshop_hours' phải là số giờ không âm")
        else:
            spec.workshop_hours = float(workshop_hours)
        modules = data.get("modules")
        if not isinstance(modules, list) or not modules or not all(isinstance(m, str) for m in modules):
            self.err(path, data.lines.get("modules", data.line), "'modules' phải là danh sách tên thư mục module")
            return spec
        if len(set(modules)) != len(modules):
            self.err(path, data.lines.get("modules"), "một module được liệt kê hai lần")
        spec.completion = self.completion_rule(path, data, "modules", len(modules))
        known = []
        quiz_slugs = {}
        for mslug in modules:
            mfolder = os.path.join(folder, mslug)
            if not SLUG_RE.match(mslug) or not os.path.isdir(mfolder):
                self.err(path, data.lines.get("modules"), f"không có thư mục module '{mslug}'")
                continue
            module = self.module(mfolder, known, quiz_slugs)
            if module:
                spec.modules.append(module)
            known.append(mslug)
        self.check_hours(path, data, spec)
        return spec

    def check_hours(self, path, data, spec):
        """``hours`` (printed on the certificate) should be between the content's time and twice it."""
        if not spec.hours:
            return
        content = spec.content_minutes()
        line = data.lines.get("hours")
        need = _hours_text(content / 60)
        if spec.hours * 60 < content:
            self.warn(path, line, f"'hours: {_hours_text(spec.hours)}' ít hơn thời gian của nội dung "
                                  f"(khoảng {need} giờ: đọc bài, làm bài kiểm tra, bài tập, buổi học trực tiếp)")
        elif spec.hours * 60 > HOURS_SLACK * content:
            self.warn(path, line, f"'hours: {_hours_text(spec.hours)}' nhiều hơn gấp đôi thời gian của nội dung "
                                  f"(khoảng {need} giờ: đọc bài, làm bài kiểm tra, bài tập, buổi học trực tiếp)")

    def completion_rule(self, path, data, count_key, count):
        """``completion: {<count_key>: all|n, min_grade: 0-100, due: YYYY-MM-DD}`` → a rule dict."""
        raw = data.get("completion") or {}
        line = data.lines.get("completion", data.line)
        if not isinstance(raw, dict):
            self.err(path, line, "'completion' phải là bảng khoá: giá trị")
            return {}
        rule = {}
        require = raw.get(count_key, "all")
        if require == "all" or (isinstance(require, int) and not isinstance(require, bool) and 1 <= require <= max(count, 1)):
            rule["require"] = require
        else:
            self.err(path, line, f"'completion.{count_key}' phải là all hoặc một số từ 1 đến {count}")
        if raw.get("min_grade") is not None:
            if isinstance(raw["min_grade"], (int, float)) and 0 <= raw["min_grade"] <= 100:
                rule["min_grade"] = float(raw["min_grade"])
            else:
                self.err(path, line, "'completion.min_grade' phải từ 0 đến 100")
        if raw.get("due") is not None:
            due = raw["due"]
            if hasattr(due, "isoformat") and not hasattr(due, "hour"):
                rule["due"] = due.isoformat()
            else:
                self.err(path, line, "'completion.due' phải là ngày dạng YYYY-MM-DD")
        return rule

    def activity_rule(self, path, item, kind):
        rule = item.get("completion", DEFAULT_RULE[kind]) if isinstance(item, dict) else DEFAULT_RULE[kind]
        allowed = ("viewed", "manual", "none") if kind == "lesson" else ("graded", "passed", "passed_or_exhausted", "manual", "none")
        if rule not in allowed:
            self.err(path, getattr(item, "line", None), f"'completion' của {kind} phải là một trong: {', '.join(allowed)}")
            return DEFAULT_RULE[kind]
        return rule

    def module(self, folder, earlier, quiz_slugs) -> ModuleSpec | None:
        path = os.path.join(folder, "module.yaml")
        data = self.yaml_file(path)
        if data is None:
            return None
        slug = os.path.basename(folder)
        spec = ModuleSpec(slug, self.text(path, data, "title"), self.text(path, data, "summary", required=False), [], [])
        activities_count = len(data.get("activities") or []) if isinstance(data.get("activities"), list) else 0
        spec.completion = self.completion_rule(path, data, "require", activities_count)
        prereqs = data.get("prerequisites") or []
        if not isinstance(prereqs, list):
            self.err(path, data.lines.get("prerequisites"), "'prerequisites' phải là danh sách")
            prereqs = []
        for p in prereqs:
            if p not in earlier:
                self.err(path, data.lines.get("prerequisites"),
                         f"điều kiện tiên quyết '{p}' phải là một module đứng trước trong course.yaml")
            else:
                spec.prerequisites.append(p)
        practice = data.get("practice_minutes", 0)
        if isinstance(practice, bool) or not isinstance(practice, int) or practice < 0:
            self.err(path, data.lines.get("practice_minutes"), "'practice_minutes' phải là số phút nguyên không âm")
        else:
            spec.practice_minutes = practice
        activities = data.get("activities")
        if not isinstance(activities, list) or not activities:
            self.err(path, data.lines.get("activities", data.line), "'activities' phải là danh sách hoạt động")
            return spec
        seen = set()
        for item in activities:
            line = getattr(item, "line", data.lines.get("activities"))
            keys = ACTIVITY_KINDS + tuple(k for k in registry.importable() if k not in ACTIVITY_KINDS)
            kinds = [k for k in keys if isinstance(item, dict) and k in item]
            if len(kinds) != 1:
                self.err(path, line, f"mỗi hoạt động cần đúng một khoá trong {', '.join(keys)}")
                continue
            kind = kinds[0]
            aslug = item[kind]
            if not isinstance(aslug, str) or not SLUG_RE.match(aslug):
                self.err(path, line, f"tên hoạt động '{aslug}' chỉ gồm chữ thường không dấu, số và dấu gạch")
                continue
            if aslug in seen:
                self.err(path, line, f"hoạt động '{aslug}' bị lặp")
                continue
            seen.add(aslug)
            if kind == "lesson":
                lesson = self.lesson(os.path.join(folder, aslug + ".md"), path, line, aslug)
                if lesson:
                    lesson.completion = self.activity_rule(path, item, "lesson")
                    spec.activities.append(lesson)
            elif kind != "quiz":  # a kind of the registry (elearn/courses/kinds.py)
                other = registry.importable()[kind].read_spec(self, folder, path, item, aslug, line)
                if other:
                    spec.activities.append(other)
            else:
                quiz = self.quiz(folder, path, item, aslug, quiz_slugs)
                if quiz:
                    quiz.completion = self.activity_rule(path, item, "quiz")
                    spec.activities.append(quiz)
        return spec

    def lesson(self, path, module_path, line, slug) -> LessonSpec | None:
        if not os.path.isfile(path):
            self.err(module_path, line, f"không có tệp bài học {os.path.basename(path)}")
            return None
        try:
            with open(path, encoding="utf-8") as fh:
                raw = fh.read()
        except UnicodeDecodeError:
            self.err(path, None, "tệp phải dùng mã UTF-8")
            return None
        m = FRONT_MATTER_RE.match(raw)
        if not m:
            self.err(path, 1, "bài học phải mở đầu bằng phần thông tin giữa hai dòng ---")
            return None
        try:
            meta = yaml.load(m.group(1), Loader=_LineLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.err(path, (mark.line + 2) if mark else 1, f"phần thông tin không hợp lệ: {getattr(exc, 'problem', exc)}")
            return None
        if not isinstance(meta, dict):
            self.err(path, 2, "phần thông tin phải là bảng khoá: giá trị")
            return None
        title = meta.get("title")
        if not isinstance(title, str) or not title.strip():
            self.err(path, 2, "thiếu 'title'")
            return None
        body = raw[m.end():]
        body_start = raw[: m.end()].count("\n")
        if not body.strip():
            self.err(path, body_start + 1, "bài học không có nội dung")
        for bline, message in markdown_problems(body):
            self.err(path, (bline + body_start) if bline else None, message)
        minutes = meta.get("minutes")
        if minutes is not None and (not isinstance(minutes, int) or minutes < 1):
            self.err(path, meta.lines.get("minutes", 1) + 1, "'minutes' phải là số phút nguyên dương")
            minutes = None
        sources = meta.get("sources") or []
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            self.err(path, meta.lines.get("sources", 1) + 1, "'sources' phải là danh sách chuỗi")
            sources = []
        return LessonSpec(slug, title.strip(), body, minutes or reading_minutes(body), sources)

    def quiz(self, folder, module_path, item, slug, quiz_slugs) -> QuizSpec | None:
        line = item.line
        if slug in quiz_slugs:
            self.err(module_path, line, f"bài kiểm tra '{slug}' đã có ở {quiz_slugs[slug]}")
            return None
        quiz_slugs[slug] = self.rel(module_path)
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            self.err(module_path, line, "bài kiểm tra cần 'title'")
            return None
        qfile = item.get("questions")
        qpath = os.path.join(folder, qfile) if isinstance(qfile, str) else None
        if not qpath or os.path.dirname(os.path.normpath(qfile)) or not os.path.isfile(qpath):
            self.err(module_path, item.lines.get("questions", line), f"không có tệp câu hỏi '{qfile}' trong thư mục module")
            return None
        with open(qpath, encoding="utf-8") as fh:
            parsed = gift.parse(fh.read())
        for e in parsed.errors:
            self.err(qpath, e.line, e.message)
        if not parsed.questions and not parsed.errors:
            self.err(qpath, None, "tệp không có câu hỏi nào")
        pass_mark = item.get("pass_mark", 50)
        if not isinstance(pass_mark, (int, float)) or not 0 <= pass_mark <= 100:
            self.err(module_path, item.lines.get("pass_mark", line), "'pass_mark' phải từ 0 đến 100")
            pass_mark = 50
        attempts = item.get("attempts", 0)
        if not isinstance(attempts, int) or attempts < 0:
            self.err(module_path, item.lines.get("attempts", line), "'attempts' phải là số nguyên không âm (0 = không giới hạn)")
            attempts = 0
        review = self.review(module_path, item, attempts)
        return QuizSpec(slug, title.strip(), qfile, parsed.questions, float(pass_mark), attempts, review=review)

    def review(self, module_path, item, attempts):
        """``review:``: a preset name (see REVIEW_PRESETS) or ``{when: [what, ...]}``; default "full"."""
        raw = item.get("review", "full")
        line = item.lines.get("review", item.line)
        if isinstance(raw, str) and raw in REVIEW_PRESETS:
            review = _copy_review(REVIEW_PRESETS[raw])
        elif isinstance(raw, dict) and raw and set(raw) <= set(REVIEW_WHEN) and all(
                isinstance(v, list) and set(v) <= set(REVIEW_WHAT) for v in raw.values()):
            review = _copy_review(raw)
        else:
            self.err(module_path, line, f"'review' phải là một trong: {', '.join(REVIEW_PRESETS)}; hoặc bảng "
                                        f"{'/'.join(REVIEW_WHEN)}: danh sách trong {', '.join(REVIEW_WHAT)}")
            return _copy_review(DEFAULT_REVIEW)
        leaks = [w for w in ("during", "immediately", "open") if set(review[w]) & set(REVIEW_REVEALS)]
        if leaks and attempts != 1:
            self.warn(module_path, line, "bài kiểm tra cho làm lại nhưng phần xem lại hiện đáp án đúng hoặc phản hồi "
                                         "trước khi đóng: người học có thể chép đáp án từ lần làm trước "
                                         "(đặt 'review: after_close' hoặc 'attempts: 1')")
        return review


def _hours_text(hours):
    return f"{hours:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def read_courses(root: str) -> ImportReport:
    """Read and check every course folder under ``root`` (or ``root`` itself if it is one)."""
    reader = _Reader(root)
    report = ImportReport()
    if not os.path.isdir(root):
        reader.err(root, None, "không có thư mục")
        report.errors = reader.errors
        return report
    if os.path.isfile(os.path.join(root, "course.yaml")):
        folders = [root]
    else:
        folders = sorted(os.path.join(root, d) for d in os.listdir(root)
                         if os.path.isdir(os.path.join(root, d)) and not d.startswith("."))
    for folder in folders:
        spec = reader.course(folder)
        if spec:
            report.courses.append(spec)
    report.errors = reader.errors
    report.warnings = reader.warnings
    return report
