
import pytest
from sqlalchemy import select

from elearn.courses.models import Activity, ActivityEvent, ActivityProgress, Course, Module


@pytest.fixture
def setup(runner, db, course_dir, make_org, make_user):
    province = make_org("Thư viện tỉnh", code="LS")
    commune = make_org("Thư viện xã Đồng Đăng", parent=province, code="DD")
    other = make_org("Tỉnh khác", code="XX")
    assert runner.invoke(args=["courses", "import", str(course_dir)]).exit_code == 0
    course = db.session.scalar(select(Course))
    from elearn.courses import services

    services.enrol_org(course, province)
    db.session.commit()
    return {
        "course": course,
        "trainee": make_user("trainee", commune, name="Hoàng Thị Mai"),
        "outsider": make_user("trainee", other),
        "instructor": make_user("instructor", province),
        "staff": make_user("instructor", province),
        "admin": make_user("admin", province),
    }


def test_trainee_sees_enrolled_course_with_progress(client, auth, setup):
    auth.login(setup["trainee"].email)
    html = client.get("/courses/").get_data(as_text=True)
    assert "Khoá thử nghiệm" in html and "Đã hoàn thành 0%" in html


def test_course_hidden_from_trainees_outside_the_enrolled_subtree(client, auth, setup):
    auth.login(setup["outsider"].email)
    assert "Khoá thử nghiệm" not in client.get("/courses/").get_data(as_text=True)
    assert client.get("/courses/thu-nghiem").status_code == 404


def test_module_locked_until_prerequisite_done_and_says_why(client, auth, setup, db):
    auth.login(setup["trainee"].email)
    html = client.get("/courses/thu-nghiem").get_data(as_text=True)
    assert "Chưa mở" in html and "Mở khi bạn hoàn thành" in html and "Module một" in html
    assert client.get("/courses/thu-nghiem/hai/bai-2").status_code == 403
    # Finishing module one: its lesson (viewed) and its quiz (set complete by an instructor's override).
    assert client.get("/courses/thu-nghiem/mot/bai-1").status_code == 200
    quiz = db.session.scalar(select(Activity).where(Activity.slug == "kt-1"))
    from elearn.progress.services import override

    override(quiz, setup["trainee"], "complete", "Đã làm bài trên giấy tại lớp tập huấn.", setup["admin"])
    db.session.commit()
    html = client.get("/courses/thu-nghiem").get_data(as_text=True)
    assert "Đã xong" in html
    assert client.get("/courses/thu-nghiem/hai/bai-2").status_code == 200


def test_lesson_page_records_view_shows_reading_time_and_neighbours(client, auth, setup, db):
    auth.login(setup["trainee"].email)
    resp = client.get("/courses/thu-nghiem/mot/bai-1")
    html = resp.get_data(as_text=True)
    assert "<strong>đậm</strong>" in html
    assert "phút đọc" in html
    assert 'rel="next"' in html and "Kiểm tra 1" in html
    assert "Luật Thư viện số 46/2019/QH14, Điều 3" in html
    assert len(resp.data) < 50 * 1024
    client.get("/courses/thu-nghiem/mot/bai-1")  # a second view: one progress row, two events
    assert db.session.scalar(select(ActivityProgress.state)) == "complete"
    assert len(db.session.scalars(select(ActivityEvent)).all()) == 2
    assert "Đã hoàn thành 33%" in client.get("/courses/").get_data(as_text=True)  # 1 of 3 activities


def test_draft_course_is_invisible_to_trainees(client, auth, setup, db):
    setup["course"].status = "draft"
    db.session.commit()
    auth.login(setup["trainee"].email)
    assert client.get("/courses/thu-nghiem").status_code == 404


def test_instructor_not_on_staff_cannot_edit(client, auth, setup):
    auth.login(setup["instructor"].email)
    assert client.get("/courses/thu-nghiem/manage").status_code == 403


def test_staff_instructor_writes_and_publishes_a_lesson(client, auth, setup, db):
    from elearn.courses import services

    services.add_staff(setup["course"], setup["staff"])
    db.session.commit()
    auth.login(setup["staff"].email)
    assert client.get("/courses/thu-nghiem/manage").status_code == 200
    module = db.session.scalar(select(Module).where(Module.slug == "mot"))
    url = f"/courses/thu-nghiem/manage/modules/{module.id}/lessons/new"
    preview = auth.post(url, data={"title": "Quyền của người sử dụng", "body_md": "## Điều 42\n\nMiễn phí đọc tại chỗ.",
                                   "preview": "1"})
    assert preview.status_code == 200 and "<h2>Điều 42</h2>" in preview.get_data(as_text=True)
    assert db.session.scalar(select(Activity).where(Activity.title == "Quyền của người sử dụng")) is None
    saved = auth.post(url, data={"title": "Quyền của người sử dụng", "body_md": "## Điều 42\n\nMiễn phí đọc tại chỗ."})
    assert saved.status_code == 302
    lesson = db.session.scalar(select(Activity).where(Activity.title == "Quyền của người sử dụng"))
    assert lesson.status == "draft" and lesson.position == 2
    publish = auth.post(f"/courses/thu-nghiem/manage/activity/{lesson.id}/publish", page="/courses/thu-nghiem/manage")
    assert publish.status_code == 302
    db.session.expire_all()
    assert db.session.get(Activity, lesson.id).status == "published"
    # reorder: up one
    auth.post(f"/courses/thu-nghiem/manage/activity/{lesson.id}/up", page="/courses/thu-nghiem/manage")
    db.session.expire_all()
    assert [a.slug for a in db.session.get(Module, module.id).activities][:3] == ["bai-1", lesson.slug, "kt-1"]


def test_archive_asks_for_confirmation_first(client, auth, setup, db):
    auth.login(setup["admin"].email)
    lesson = db.session.scalar(select(Activity).where(Activity.slug == "bai-1"))
    page = client.get(f"/courses/thu-nghiem/manage/activity/{lesson.id}/archive")
    assert page.status_code == 200 and "Lưu trữ" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Activity, lesson.id).status == "published"
    auth.post(f"/courses/thu-nghiem/manage/activity/{lesson.id}/archive")
    db.session.expire_all()
    assert db.session.get(Activity, lesson.id).status == "archived"


def test_module_prerequisite_cycle_is_refused(client, auth, setup, db):
    auth.login(setup["admin"].email)
    one = db.session.scalar(select(Module).where(Module.slug == "mot"))
    two = db.session.scalar(select(Module).where(Module.slug == "hai"))
    resp = auth.post(f"/courses/thu-nghiem/manage/modules/{one.id}",
                     data={"title": "Module một", "summary": "", "prerequisites": [two.id]})
    assert resp.status_code == 200 and "vòng lặp" in resp.get_data(as_text=True)


def test_instructor_creates_a_course(client, auth, setup, db):
    auth.login(setup["instructor"].email)
    resp = auth.post("/courses/new", data={"title": "Kỹ năng kể chuyện sách", "summary": "", "hours": "3"})
    assert resp.status_code == 302
    course = db.session.scalar(select(Course).where(Course.title == "Kỹ năng kể chuyện sách"))
    assert course.slug == "ky-nang-ke-chuyen-sach" and course.status == "draft"
    assert client.get(f"/courses/{course.slug}/manage").status_code == 200


def test_web_editor_refuses_raw_html_and_images_without_size(client, auth, setup, db):
    auth.login(setup["admin"].email)
    module = db.session.scalar(select(Module).where(Module.slug == "mot"))
    url = f"/courses/thu-nghiem/manage/modules/{module.id}/lessons/new"
    resp = auth.post(url, data={"title": "Bài có HTML", "body_md": "Dòng một\n\n<script>alert(1)</script>"})
    assert "Dòng 3" in resp.get_data(as_text=True) and "HTML" in resp.get_data(as_text=True)
    resp = auth.post(url, data={"title": "Bài có ảnh", "body_md": "![Bìa](/x.png)"})
    assert "kích thước" in resp.get_data(as_text=True)
    ok = auth.post(url, data={"title": "Bài có ảnh", "body_md": "![Bìa](/x.png){width=320 height=480}"})
    assert ok.status_code == 302
    lesson = db.session.scalar(select(Activity).where(Activity.title == "Bài có ảnh"))
    assert 'width="320" height="480" loading="lazy"' in lesson.lesson.body_html


def test_module_completion_rule_from_the_web_recomputes_progress(client, auth, setup, db):
    from elearn.progress.models import ModuleProgress

    auth.login(setup["trainee"].email)
    client.get("/courses/thu-nghiem/mot/bai-1")  # one of the two activities of module one
    module = db.session.scalar(select(Module).where(Module.slug == "mot"))
    assert db.session.scalar(select(ModuleProgress.state)) == "started"
    admin = client.application.test_client()
    from tests.conftest import AuthActions

    a = AuthActions(admin)
    a.login(setup["admin"].email)
    resp = a.post(f"/courses/thu-nghiem/manage/modules/{module.id}",
                  data={"title": "Module một", "summary": "", "require": "1", "min_grade": "", "due": ""})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(ModuleProgress.state)) == "complete"  # any 1 of 2 is now enough


def test_staff_enrol_one_trainee_by_email(client, auth, setup, db, make_user, make_org):
    outsider = make_user("trainee", make_org("Tỉnh khác", code="XY"), email="ngoai@example.vn")
    auth.login(setup["admin"].email)
    auth.post("/courses/thu-nghiem/manage/enrol-user", page="/courses/thu-nghiem/manage", data={"email": "ngoai@example.vn"})
    from elearn.courses.services import is_enrolled

    assert is_enrolled(outsider, setup["course"])


def test_admin_assigns_course_staff_by_email(client, auth, setup, db):
    from elearn.courses.services import is_staff

    auth.login(setup["admin"].email)
    resp = auth.post("/courses/thu-nghiem/manage/staff", page="/courses/thu-nghiem/manage",
                     data={"email": setup["trainee"].email})
    assert "Chỉ giảng viên" in client.get(resp.headers["Location"]).get_data(as_text=True)
    auth.post("/courses/thu-nghiem/manage/staff", page="/courses/thu-nghiem/manage",
              data={"email": setup["instructor"].email})
    assert is_staff(setup["instructor"], setup["course"])


def test_a_lesson_written_on_the_web_shows_its_title_as_the_heading(client, auth, setup, db):
    auth.login(setup["admin"].email)
    module = db.session.scalar(select(Module).where(Module.slug == "mot"))
    url = f"/courses/thu-nghiem/manage/modules/{module.id}/lessons/new"
    preview = auth.post(url, data={"title": "Giờ mở cửa", "body_md": "Thư viện mở cửa 8 giờ.", "preview": "1"})
    assert "<h1>Giờ mở cửa</h1>" in preview.get_data(as_text=True)
    assert auth.post(url, data={"title": "Giờ mở cửa", "body_md": "Thư viện mở cửa 8 giờ."}).status_code == 302
    lesson = db.session.scalar(select(Activity).where(Activity.title == "Giờ mở cửa"))
    page = client.get(f"/courses/thu-nghiem/mot/{lesson.slug}").get_data(as_text=True)
    assert "<h1>Giờ mở cửa</h1>" in page
    # A body that brings its own heading (as shipped lessons do) is not given a second one.
    shipped = client.get("/courses/thu-nghiem/mot/bai-1").get_data(as_text=True)
    assert shipped.count("<h1") == 1


def test_the_preview_refuses_raw_html_with_its_line_as_saving_does(client, auth, setup, db):
    auth.login(setup["admin"].email)
    module = db.session.scalar(select(Module).where(Module.slug == "mot"))
    url = f"/courses/thu-nghiem/manage/modules/{module.id}/lessons/new"
    resp = auth.post(url, data={"title": "Bài có HTML", "body_md": "Dòng một\n\n<b>đậm</b> chữ", "preview": "1"})
    html = resp.get_data(as_text=True)
    assert "Dòng 3" in html and "HTML trực tiếp không được phép" in html
    assert "Xem trước (chưa lưu)" not in html  # nothing rendered
    assert db.session.scalar(select(Activity).where(Activity.title == "Bài có HTML")) is None


def test_staff_course_lists_show_what_they_teach_or_oversee_without_progress(client, auth, setup, db, make_user, make_org):
    from elearn.courses import services

    services.add_staff(setup["course"], setup["staff"])
    db.session.commit()
    auth.login(setup["staff"].email)  # an instructor whose unit is enrolled: not a learner
    html = client.get("/courses/").get_data(as_text=True)
    assert "Khoá học tôi phụ trách" in html and "Khoá thử nghiệm" in html
    assert "<progress" not in html and "Đã hoàn thành" not in html
    page = client.get("/courses/thu-nghiem").get_data(as_text=True)
    assert "<progress" not in page and "Chưa mở" not in page and "Mở khi bạn hoàn thành" not in page
    assert "/courses/thu-nghiem/hai/bai-2" in page  # nothing is locked for staff
    auth.logout()
    manager = make_user("manager", setup["trainee"].org)
    auth.login(manager.email)
    html = client.get("/courses/").get_data(as_text=True)
    assert "Khoá học tôi theo dõi" in html and "Khoá thử nghiệm" in html and "<progress" not in html


def test_next_at_the_end_of_an_open_module_says_what_unlocks_the_locked_one(client, auth, setup, db):
    auth.login(setup["admin"].email)
    module = db.session.scalar(select(Module).where(Module.slug == "mot"))
    auth.post(f"/courses/thu-nghiem/manage/modules/{module.id}/lessons/new",
              data={"title": "Bài cuối", "body_md": "Hết module một."})
    last = db.session.scalar(select(Activity).where(Activity.title == "Bài cuối"))
    auth.post(f"/courses/thu-nghiem/manage/activity/{last.id}/publish", page="/courses/thu-nghiem/manage")
    auth.logout()
    auth.login(setup["trainee"].email)
    page = client.get(f"/courses/thu-nghiem/mot/{last.slug}").get_data(as_text=True)
    assert "/courses/thu-nghiem/hai/bai-2" not in page  # no link into the locked module
    assert "Tiếp theo: Module hai, mở khi bạn hoàn thành Module một." in page
