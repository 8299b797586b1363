"""Staff are not learners: the workshop page offers them no personal sign-up."""
from datetime import timedelta

from elearn.core.timeutil import utcnow


def test_workshop_page_offers_no_personal_signup_to_staff(client, auth, db, make_org, make_user):
    from elearn.courses import services as courses
    from elearn.courses.models import Activity
    from elearn.workshops import services
    from elearn.workshops.models import Workshop

    province = make_org("Thư viện tỉnh Lạng Sơn", code="LS")
    instructor = make_user("instructor", province)
    manager = make_user("manager", province)
    trainee = make_user("trainee", province)
    course = courses.create_course(instructor, "Pháp luật về thư viện", "", 8)
    course.status = "published"
    module = courses.create_module(course, "Tập huấn trực tiếp")
    module.status = "published"
    courses.enrol_org(course, province)
    ws = Workshop(course_id=course.id, title="Tập huấn Luật", capacity=5, status="published", cancel_cutoff_hours=24)
    db.session.add(ws)
    db.session.flush()
    act = Activity(module_id=module.id, course_id=course.id, kind="workshop", slug="tap-huan", title=ws.title,
                   status="published", settings={"completion": "attended"})
    db.session.add(act)
    db.session.flush()
    ws.activity_id = act.id
    start = (utcnow() + timedelta(days=8)).replace(hour=1, minute=30, second=0, microsecond=0)
    services.new_session(ws, title="Ngày 1", starts_at=start, ends_at=start + timedelta(hours=3), venue="Hội trường",
                         trainer="Hạnh")
    db.session.commit()
    signup = f"/workshops/{ws.id}/signup"
    for staff in (instructor, manager):
        auth.login(staff.email)
        html = client.get(f"/workshops/{ws.id}").get_data(as_text=True)
        assert signup not in html and "Lớp tập huấn dành cho học viên" in html
        auth.logout()
    auth.login(trainee.email)
    assert signup in client.get(f"/workshops/{ws.id}").get_data(as_text=True)
