"""The completion report's numbers on the hand-built tree of tests/reports/conftest.py."""
from datetime import datetime

import pytest

from elearn.extensions import db
from elearn.reports import services, trainees
from elearn.core.namekey import name_sort_key
from elearn.core.text import vi_name_key


def _ids(tree, *keys):
    return {tree["users"][k].id for k in keys}


def test_enrolled_trainees_is_one_query_over_org_and_individual_enrolments(tree, count_queries):
    P, D2, C1 = tree["units"]["P"], tree["units"]["D2"], tree["units"]["C1"]
    stmt = services.enrolled_trainees(tree["A"], P)
    with count_queries() as n:
        got = set(db.session.scalars(stmt))
    assert n() == 1
    # active trainees of P's subtree only: not t4 (inactive), not the managers, not tq (province Q)
    assert got == _ids(tree, "t1", "t2", "t3", "t5", "t6", "t7", "t8", "t9")
    assert set(db.session.scalars(services.enrolled_trainees(tree["A"], C1))) == _ids(tree, "t1", "t2", "t3")
    # course B: D2's subtree by org, plus t1 by an individual enrolment
    assert set(db.session.scalars(services.enrolled_trainees(tree["B"], P))) == _ids(tree, "t1", "t8", "t9")
    assert set(db.session.scalars(services.enrolled_trainees(tree["B"], D2))) == _ids(tree, "t8", "t9")


def test_province_report_counts(tree):
    rep = services.completion_report(tree["A"], tree["units"]["P"])
    rows = {r.unit_code: r for r in rep.rows}
    assert list(rows) == ["D2", "D1"]  # Ba Vì before Đoan Hùng (đ after d), no row for P itself
    d1, d2 = rows["D1"], rows["D2"]
    assert (d1.enrolled, d1.not_started, d1.in_progress, d1.completed) == (6, 2, 2, 2)
    assert d1.completion_rate == pytest.approx(33.3)
    assert d1.average_grade == pytest.approx(70.0)  # t1 80, t5 60 (inactive t4's 10 is not counted)
    assert d1.attendance_rate == pytest.approx(66.7)  # t1 present, t5 late, t2 absent; cancelled session ignored
    assert (d2.enrolled, d2.not_started, d2.in_progress, d2.completed) == (2, 1, 0, 1)
    assert d2.completion_rate == pytest.approx(50.0)
    assert d2.average_grade == pytest.approx(90.0)
    assert d2.attendance_rate is None  # nobody marked
    t = rep.total
    assert (t.enrolled, t.not_started, t.in_progress, t.completed, t.overdue) == (8, 3, 2, 3, 0)
    assert t.completion_rate == pytest.approx(37.5)
    assert t.average_grade == pytest.approx(76.7)
    assert t.attendance_rate == pytest.approx(66.7)


def test_district_report_has_a_row_for_trainees_placed_in_the_district_itself(tree):
    rep = services.completion_report(tree["A"], tree["units"]["D1"])
    rows = [(r.unit_code, r.is_self, r.enrolled, r.not_started, r.in_progress, r.completed) for r in rep.rows]
    assert rows == [("D1", True, 1, 0, 1, 0), ("C2", False, 2, 1, 0, 1), ("C1", False, 3, 1, 1, 1)]
    assert rep.total.enrolled == 6


def test_commune_without_children_reports_itself(tree):
    rep = services.completion_report(tree["A"], tree["units"]["C3"])
    assert [(r.unit_code, r.enrolled, r.completed) for r in rep.rows] == [("C3", 2, 1)]


def test_course_b_counts_individual_enrolment_in_its_unit(tree):
    rep = services.completion_report(tree["B"], tree["units"]["P"])
    rows = {r.unit_code: r for r in rep.rows}
    assert (rows["D1"].enrolled, rows["D1"].not_started) == (1, 1)
    assert (rows["D2"].enrolled, rows["D2"].completed) == (2, 1)
    assert rep.total.enrolled == 3


def test_overdue_counts_everyone_not_complete_after_the_due_date(tree):
    A = tree["A"]
    A.completion = {"due": "2026-01-31"}
    db.session.commit()
    rep = services.completion_report(A, tree["units"]["P"], now=datetime(2026, 11, 30))
    rows = {r.unit_code: r for r in rep.rows}
    assert (rows["D1"].overdue, rows["D2"].overdue, rep.total.overdue) == (4, 1, 5)
    before = services.completion_report(A, tree["units"]["P"], now=datetime(2026, 1, 30))
    assert before.total.overdue == 0


def test_average_grade_hidden_when_quiz_review_hides_marks(tree):
    from elearn.courses.models import Activity, Module
    from elearn.quizzes.models import Quiz

    A = tree["A"]
    m = Module(course_id=A.id, slug="m1", title="M1", status="published")
    db.session.add(m)
    db.session.flush()
    act = Activity(module_id=m.id, course_id=A.id, kind="quiz", slug="q", title="Q", status="published")
    db.session.add(act)
    db.session.flush()
    quiz = Quiz(activity_id=act.id, review={"during": [], "immediately": ["marks"], "open": ["responses"],
                                            "closed": ["marks"]})
    db.session.add(quiz)
    db.session.commit()
    rep = services.completion_report(A, tree["units"]["P"])
    assert rep.show_grades is False
    assert rep.total.average_grade is None and all(r.average_grade is None for r in rep.rows)
    quiz.review = dict(quiz.review, open=["responses", "marks"])
    db.session.commit()
    assert services.completion_report(A, tree["units"]["P"]).total.average_grade == pytest.approx(76.7)


def test_report_query_count_is_fixed(tree, count_queries):
    course, unit = tree["A"], tree["units"]["P"]
    _ = course.id, unit.path  # loaded before counting
    with count_queries() as n:
        services.completion_report(course, unit)
    assert n() <= 7


def test_name_key_orders_like_vi_name_key():
    names = ["Nguyễn Văn An", "Đỗ Thị Ánh", "Vũ Văn Ân", "Trần Thị Bình", "Lê Văn Đức", "Lê Văn Dũng",
             "Bùi Thị Em", "Hoàng Văn Cường", "Ngô Thị Ánh", "Ngô Thị Ảnh", "Ngô Thị Anh", "An", "Lý 2", "Lý 10",
             "Trịnh Thị Zara", "Kim Wong", "Lò Văn Ý", "Lò Văn Y", "Hà Thị Ơn", "Hà Thị Ôn", "Hà Thị On", ""]
    assert sorted(names, key=name_sort_key) == sorted(names, key=vi_name_key)
    assert set(name_sort_key("Đỗ Thị Ánh Nguyệt Ỷ 9")) <= set("abcdefghijklmnop")


def test_trainee_list_is_paged_in_vietnamese_name_order_by_sql(tree):
    course, P = tree["A"], tree["units"]["P"]
    expected = ["t1", "t6", "t7", "t2", "t5", "t3", "t8", "t9"]  # An, Ánh, Ân, Bình, Cường, Đức, Em, Giang
    names = [tree["users"][k].name for k in expected]
    assert names == sorted(names, key=vi_name_key)
    got = []
    for page in (1, 2, 3):
        p = trainees.trainee_page(course, P, page=page, per_page=3)
        assert p.total == 8 and p.pages == 3
        got += [r.name for r in p.items]
    assert got == names
    desc = trainees.trainee_page(course, P, page=1, per_page=8, desc=True)
    assert [r.name for r in desc.items] == names[::-1]


def test_renaming_a_user_moves_them_in_the_order(tree):
    t9 = tree["users"]["t9"]
    t9.name = "Đinh Văn A"  # given name "A" sorts first
    db.session.commit()
    p = trainees.trainee_page(tree["A"], tree["units"]["P"], page=1, per_page=1)
    assert p.items[0].name == "Đinh Văn A"


def test_trainee_rows_and_filters(tree):
    course, P = tree["A"], tree["units"]["P"]
    rows = {r.id: r for r in trainees.trainee_page(course, P, per_page=50).items}
    t1 = rows[tree["users"]["t1"].id]
    assert (t1.state, t1.percent, t1.grade, t1.certificate_code, t1.unit_code) == ("completed", 100, 80, "CERT-T1", "C1")
    assert rows[tree["users"]["t3"].id].state == "not_started"
    assert rows[tree["users"]["t2"].id].state == "in_progress"

    def names(**f):
        return {r.id for r in trainees.trainee_page(course, P, per_page=50, **f).items}

    assert names(state="not_started") == _ids(tree, "t3", "t6", "t9")
    assert names(state="in_progress") == _ids(tree, "t2", "t7")
    assert names(state="completed") == _ids(tree, "t1", "t5", "t8")
    assert names(overdue_only=True) == set()  # no due date
    course.completion = {"due": "2026-01-31"}
    db.session.commit()
    assert names(overdue_only=True, now=datetime(2026, 11, 30)) == _ids(tree, "t2", "t3", "t6", "t7", "t9")


@pytest.mark.parametrize("sort,first", [("percent", "t6"), ("grade", "t5"), ("state", "t6"), ("unit", "t1"),
                                        ("last_activity", "t5")])
def test_trainee_sorts(tree, sort, first):
    p = trainees.trainee_page(tree["A"], tree["units"]["P"], per_page=50, sort=sort)
    # ties break by Vietnamese name: not started t3 Đức, t6 Ánh, t9 Giang → Ánh first for "state"
    assert p.items[0].id == tree["users"][first].id


def test_unknown_sort_falls_back_to_name(tree):
    p = trainees.trainee_page(tree["A"], tree["units"]["P"], per_page=50, sort="password_hash; DROP")
    assert p.items[0].name == "Nguyễn Văn An"


def test_unit_sorting_allowlist(tree):
    rows = services.completion_report(tree["A"], tree["units"]["P"]).rows
    assert [r.unit_code for r in services.sort_unit_rows(rows, "completion_rate")] == ["D1", "D2"]
    assert [r.unit_code for r in services.sort_unit_rows(rows, "completion_rate", desc=True)] == ["D2", "D1"]
    assert [r.unit_code for r in services.sort_unit_rows(rows, "attendance_rate", desc=True)] == ["D1", "D2"]
    assert [r.unit_code for r in services.sort_unit_rows(rows, "__class__")] == ["D2", "D1"]


def test_completions_by_month(tree):
    months = dict(services.completions_by_month(tree["A"], tree["units"]["P"], now=datetime(2026, 11, 30)))
    assert len(months) == 12
    assert months["2026-10"] == 2  # t1, t8 (t4 inactive, tq outside)
    assert months["2026-09"] == 1  # t5
    assert months["2026-11"] == 0


def test_enrolled_trainees_with_prefetched_paths_agrees(tree):
    for course in (tree["A"], tree["B"]):
        paths = services.enrolment_paths(course)
        for unit in tree["units"].values():
            plain = set(db.session.scalars(services.enrolled_trainees(course, unit)))
            assert set(db.session.scalars(services.enrolled_trainees(course, unit, paths))) == plain
