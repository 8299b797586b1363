"""Reading `flask courses import [DIR]`: the curriculum in courses/, checked.

Everything is read and checked first; an error names the file and the line, and then nothing is
written. Courses, modules and activities are matched by slug, so re-importing updates content in
place and keeps trainees' progress. What has gone from the files is archived, never deleted.
"""
import os
import re
from dataclasses import dataclass, field

import yaml

from ..core import yamlfile
from ..courses import kinds

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


@dataclass
class ImportError_:
    file: str
    line: int | None
    message: str

    def __str__(self):
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"

    def to_dict(self):
        return {"file": self.file, "line": self.line, "message": self.message}


#: A course that claims more than this many times its content gets a warning.
HOURS_SLACK = 2


@dataclass
class ModuleSpec:
    slug: str
    title: str
    summary: str
    prerequisites: list
    activities: list  # each kind's spec (``ActivityKind.read_spec``), in order
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
                minutes += a.minutes_needed()
        return minutes + round(self.workshop_hours * 60)

    def counts(self):
        counts = {"slug": self.slug, "title": self.title, "modules": len(self.modules), "lessons": 0, "questions": 0}
        for m in self.modules:
            for a in m.activities:
                for key, n in a.tally().items():
                    counts[key] = counts.get(key, 0) + n
        return counts


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
        self.course_state = {}  # per course, for kinds that check across modules (``read_spec``)

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
                data = yamlfile.load(fh)
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
        self.course_state = {}
        for mslug in modules:
            mfolder = os.path.join(folder, mslug)
            if not SLUG_RE.match(mslug) or not os.path.isdir(mfolder):
                self.err(path, data.lines.get("modules"), f"không có thư mục module '{mslug}'")
                continue
            module = self.module(mfolder, known)
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

    def activity_rule(self, path, item, key, kind):
        rule = item.get("completion", kind.default_rule)
        if rule not in kind.rules:
            self.err(path, getattr(item, "line", None),
                     f"'completion' của {key} phải là một trong: {', '.join(kind.rules)}")
            return kind.default_rule
        return rule

    def module(self, folder, earlier) -> ModuleSpec | None:
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
        known_kinds = kinds.importable()
        for item in activities:
            line = getattr(item, "line", data.lines.get("activities"))
            keys = [k for k in known_kinds if isinstance(item, dict) and k in item]
            if len(keys) != 1:
                self.err(path, line, f"mỗi hoạt động cần đúng một khoá trong {', '.join(known_kinds)}")
                continue
            key = keys[0]
            aslug = item[key]
            if not isinstance(aslug, str) or not SLUG_RE.match(aslug):
                self.err(path, line, f"tên hoạt động '{aslug}' chỉ gồm chữ thường không dấu, số và dấu gạch")
                continue
            if aslug in seen:
                self.err(path, line, f"hoạt động '{aslug}' bị lặp")
                continue
            seen.add(aslug)
            kind = known_kinds[key]
            activity = kind.read_spec(self, folder, path, item, aslug, line)
            if activity:
                activity.completion = self.activity_rule(path, item, key, kind)
                activity.kind = kind.name
                spec.activities.append(activity)
        return spec


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
