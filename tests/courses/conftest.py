import os
import shutil

import pytest

REPO_COURSES = os.path.join(os.path.dirname(__file__), "..", "..", "courses")


@pytest.fixture
def course_dir(tmp_path):
    """A small valid course tree that a test may break."""
    root = tmp_path / "courses"
    c = root / "thu-nghiem"
    m1, m2 = c / "mot", c / "hai"
    m1.mkdir(parents=True)
    m2.mkdir()
    (c / "course.yaml").write_text("title: Khoá thử nghiệm\nsummary: Để kiểm thử.\nhours: 2\nmodules:\n  - mot\n  - hai\n",
                                   encoding="utf-8")
    (m1 / "module.yaml").write_text("title: Module một\nactivities:\n  - lesson: bai-1\n  - quiz: kt-1\n"
                                    "    title: Kiểm tra 1\n    questions: questions.gift\n    pass_mark: 70\n",
                                    encoding="utf-8")
    (m1 / "bai-1.md").write_text("---\ntitle: Bài một\nsources:\n  - \"Luật Thư viện số 46/2019/QH14, Điều 3\"\n---\n"
                                 "# Bài một\n\nNội dung **đậm**.\n", encoding="utf-8")
    (m1 / "questions.gift").write_text("$CATEGORY: thu-nghiem/mot\n\n::Q1:: Luật có bao nhiêu điều? {#52}\n\n"
                                       "::Q2:: Ngày Sách là 21/4. {T}\n", encoding="utf-8")
    (m2 / "module.yaml").write_text("title: Module hai\nprerequisites: [mot]\nactivities:\n  - lesson: bai-2\n",
                                    encoding="utf-8")
    (m2 / "bai-2.md").write_text("---\ntitle: Bài hai\nminutes: 3\n---\nNội dung bài hai.\n", encoding="utf-8")
    return root


@pytest.fixture
def shipped_courses(tmp_path):
    dest = tmp_path / "shipped"
    shutil.copytree(REPO_COURSES, dest)
    return dest
