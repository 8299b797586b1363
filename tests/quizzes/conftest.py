import pytest
from sqlalchemy import select

GIFT = """$CATEGORY: thu-nghiem/mot

::TF:: Ngày Sách và Văn hóa đọc Việt Nam là ngày 21/4. {T#Sai rồi, đó là 21/4.#Chính xác.}

::MC:: Luật Thư viện có hiệu lực từ ngày nào? {
=01/7/2020#BI-MAT-DUNG
~21/11/2019#BI-MAT-SAI
~01/4/2001#Pháp lệnh
}

::NUM:: Luật Thư viện có bao nhiêu điều? {#52:0}

::SA:: Trường MARC nào ghi nhan đề? {=245 =%50%24*}

::ESSAY:: Hãy nêu hai quyền của người sử dụng thư viện. {}
"""


@pytest.fixture
def quiz_setup(tmp_path, runner, db, make_org, make_user):
    """A published course with one quiz (5 questions: TF, MC, numerical, short answer, essay)."""
    from elearn.courses import services as courses
    from elearn.courses.models import Activity, Course
    from elearn.quizzes.models import Quiz

    root = tmp_path / "courses" / "thu-nghiem"
    (root / "mot").mkdir(parents=True)
    (root / "course.yaml").write_text("title: Khoá thử\nsummary: x\nmodules: [mot]\n", encoding="utf-8")
    (root / "mot" / "module.yaml").write_text(
        "title: Module một\nactivities:\n  - quiz: kt\n    title: Kiểm tra\n    questions: q.gift\n    pass_mark: 60\n",
        encoding="utf-8")
    (root / "mot" / "q.gift").write_text(GIFT, encoding="utf-8")
    assert runner.invoke(args=["courses", "import", str(root.parent)]).exit_code == 0
    org = make_org(code="LS")
    course = db.session.scalar(select(Course))
    courses.enrol_org(course, org)
    instructor = make_user("instructor", org)
    courses.add_staff(course, instructor)
    activity = db.session.scalar(select(Activity).where(Activity.kind == "quiz"))
    quiz = db.session.get(Quiz, activity.id)
    quiz.per_page = 2
    quiz.shuffle_answers = False
    db.session.commit()
    return {"activity": activity, "quiz": quiz, "course": course, "org": org, "instructor": instructor,
            "trainee": make_user("trainee", org, name="Hoàng Thị Mai")}


def question_ids(db):
    from elearn.quizzes.models import Question

    return {q.title: q.id for q in db.session.scalars(select(Question))}
