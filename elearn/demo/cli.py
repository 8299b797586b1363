"""`flask demo load`: a Lạng Sơn org tree and one account per role. Idempotent."""
import secrets

import click
from flask.cli import AppGroup

from ..auth import services as accounts
from ..extensions import db
from ..orgs import services as orgs
from ..workshops.kind import WORKSHOP

demo_cli = AppGroup("demo", help="Dữ liệu trình diễn.")

# (code, name, parent_code). Since 1 July 2025 Vietnam has two tiers of local government; older
# installations keep their district libraries, so the demo shows both shapes.
ORG_TREE = [
    ("LS", "Thư viện tỉnh Lạng Sơn", ""),
    ("LS-CL", "Thư viện huyện Cao Lộc", "LS"),
    ("LS-CL-DD", "Thư viện xã Đồng Đăng", "LS-CL"),
    ("LS-CL-TL", "Thư viện xã Tân Liên", "LS-CL"),
    ("LS-CL-GC", "Thư viện xã Gia Cát", "LS-CL"),
    ("LS-VL", "Thư viện huyện Văn Lãng", "LS"),
    ("LS-VL-NS", "Thư viện xã Na Sầm", "LS-VL"),
    ("LS-VL-HVT", "Thư viện xã Hoàng Văn Thụ", "LS-VL"),
    ("LS-VL-TM", "Thư viện xã Tân Mỹ", "LS-VL"),
    ("LS-BS", "Thư viện huyện Bắc Sơn", "LS"),
    ("LS-BS-VL", "Thư viện xã Vũ Lễ", "LS-BS"),
    ("LS-BS-CT", "Thư viện xã Chiến Thắng", "LS-BS"),
    ("LS-BS-HS", "Thư viện xã Hưng Vũ", "LS-BS"),
    ("LS-TD", "Thư viện huyện Tràng Định", "LS"),
    ("LS-TD-DT", "Thư viện xã Đề Thám", "LS-TD"),
    ("LS-TD-QK", "Thư viện xã Quốc Khánh", "LS-TD"),
    ("LS-TD-DT-01", "Điểm đọc sách thôn Bản Cáu", "LS-TD-DT"),
]

# The accounts whose passwords are printed: one per role.
DEMO_ACCOUNTS = [
    ("admin@demo.thuvien.vn", "Hoàng Văn Quản", "admin", "LS"),
    ("giangvien@demo.thuvien.vn", "Lương Thị Hạnh", "instructor", "LS"),
    ("quanly@demo.thuvien.vn", "Nông Văn Dũng", "manager", "LS-CL"),
    ("hocvien@demo.thuvien.vn", "Hoàng Thị Mai", "trainee", "LS-CL-DD"),
]
# More trainees, so the manager's pages have something to show. They sign in only after a reset.
EXTRA_TRAINEES = [
    ("lananh@demo.thuvien.vn", "Vi Thị Lan Anh", "LS-CL-TL"),
    ("duc@demo.thuvien.vn", "Lộc Văn Đức", "LS-CL-GC"),
    ("thu@demo.thuvien.vn", "Chu Thị Thu", "LS-VL-NS"),
    ("binh@demo.thuvien.vn", "Triệu Văn Bình", "LS-VL-HVT"),
    ("an@demo.thuvien.vn", "Lăng Thị Ân", "LS-VL-TM"),
    ("son@demo.thuvien.vn", "Hà Văn Sơn", "LS-BS-VL"),
    ("hoa@demo.thuvien.vn", "Dương Thị Hoa", "LS-BS-CT"),
    ("tuan@demo.thuvien.vn", "Mông Văn Tuấn", "LS-TD-DT"),
    ("yen@demo.thuvien.vn", "Hoàng Thị Yến", "LS-TD-QK"),
    ("dat@demo.thuvien.vn", "Nguyễn Văn Đạt", "LS-TD-DT-01"),
]


def load_orgs():
    rows = "code,name,parent_code\n" + "\n".join(f"{c},{n},{p}" for c, n, p in ORG_TREE)
    result = orgs.import_units(rows.encode())
    if result.errors:
        raise click.ClickException("; ".join(m for _, m in result.errors))
    return result


def load_accounts(reset_passwords=False):
    printed = []
    for email, name, role, code in DEMO_ACCOUNTS:
        user = accounts.get_user_by_email(email)
        if user is None:
            password = secrets.token_urlsafe(9)
            accounts.create_user(email, name, role, orgs.get_by_code(code), password=password)
            printed.append((role, email, password))
        elif reset_passwords:
            password = secrets.token_urlsafe(9)
            accounts.set_password(user, password)
            printed.append((role, email, password))
    for email, name, code in EXTRA_TRAINEES:
        if accounts.get_user_by_email(email) is None:
            accounts.create_user(email, name, "trainee", orgs.get_by_code(code))  # no password: "Quên mật khẩu"
    return printed


def load_courses():
    """The shipped curriculum, open to the whole province, taught by the demo instructor."""
    from ..courses import services as courses
    from ..curriculum.cli import default_dir, import_dir

    report = import_dir(default_dir())
    if report.errors:
        raise click.ClickException("; ".join(str(e) for e in report.errors))
    root = orgs.get_by_code("LS")
    instructor = accounts.get_user_by_email("giangvien@demo.thuvien.vn")
    for spec in report.courses:
        course = courses.get_course(spec.slug)
        courses.enrol_org(course, root)
        courses.add_staff(course, instructor)
    return report


def load_workshop():
    """One upcoming two-day workshop (two weeks ahead), counted in the IT course's last module."""
    from datetime import datetime, time, timedelta

    from sqlalchemy import select

    from ..core.timeutil import LOCAL_TZ, local_to_utc
    from ..courses import services as courses
    from ..courses.models import Activity, Module
    from ..workshops import services as workshops
    from ..workshops.models import Workshop

    title = "Tập huấn nghiệp vụ thư viện cấp xã 2026"
    course = courses.get_course("ung-dung-cntt-internet")
    if db.session.scalar(select(Workshop.id).where(Workshop.title == title)):
        return
    module = db.session.scalars(select(Module).where(Module.course_id == course.id)
                                .order_by(Module.position.desc())).first()
    ws = Workshop(course_id=course.id, title=title, capacity=20, status="published", cancel_cutoff_hours=48,
                  description="Hai ngày tại Thư viện tỉnh Lạng Sơn: Luật Thư viện, ứng dụng CNTT và Internet, "
                              "thực hành biên mục. Mang theo máy tính xách tay nếu có.")
    db.session.add(ws)
    db.session.flush()
    act = Activity(module_id=module.id, course_id=course.id, kind=WORKSHOP.name, slug="tap-huan-truc-tiep",
                   title=title, position=99, status="published", settings={"completion": "attended"})
    db.session.add(act)
    db.session.flush()
    ws.activity_id = act.id
    day = (datetime.now(LOCAL_TZ) + timedelta(days=14)).date()

    def at(d, hh, mm):
        return local_to_utc(datetime.combine(d, time(hh, mm)))

    for n, d in enumerate((day, day + timedelta(days=1)), start=1):
        workshops.new_session(ws, title=f"Ngày {n}", starts_at=at(d, 8, 0), ends_at=at(d, 11, 30),
                              venue="Hội trường Thư viện tỉnh Lạng Sơn", trainer="Lương Thị Hạnh")


@demo_cli.command("load")
@click.option("--reset-passwords", is_flag=True, help="Đặt mật khẩu mới cho các tài khoản trình diễn và in ra.")
def load_cmd(reset_passwords):
    """Load the demo (idempotent): Lạng Sơn org tree, accounts, courses."""
    load_orgs()
    printed = load_accounts(reset_passwords)
    report = load_courses()
    load_workshop()
    db.session.commit()
    click.echo(f"Đã nạp {len(ORG_TREE)} đơn vị trình diễn và {len(report.courses)} khoá học.")
    if printed:
        click.echo("Tài khoản trình diễn (mật khẩu chỉ in một lần):")
        for role, email, password in printed:
            click.echo(f"  {role:<10} {email:<28} {password}")
    else:
        click.echo("Tài khoản trình diễn đã có; mật khẩu không đổi (dùng --reset-passwords để đặt lại).")


@demo_cli.command("scale")
@click.option("--trainees", type=click.IntRange(1, 1_000_000), default=20_000, show_default=True,
              help="Số học viên của tỉnh mô phỏng.")
@click.option("--code", default="SC", show_default=True, help="Mã đơn vị cấp tỉnh mô phỏng.")
def scale_cmd(trainees, code):
    """A synthetic province for benchmarks: communes, trainees, enrolment in the demo courses and
    progress rows in every state, inserted in batches."""
    import time

    from sqlalchemy import select

    from ..courses.models import Course
    from ..reports.scale import build_province

    started = time.perf_counter()
    if orgs.get_by_code(code):
        raise click.ClickException(f"Đơn vị {code} đã có; hãy chọn mã khác (--code) hoặc dùng cơ sở dữ liệu mới.")
    if not db.session.scalar(select(Course.id).where(Course.status == "published")):
        load_orgs()
        load_accounts()
        load_courses()
    courses = db.session.scalars(select(Course).where(Course.status == "published").order_by(Course.id)).all()[:3]
    province, units, n = build_province(trainees, courses, code=code)
    db.session.commit()
    from sqlalchemy import text

    with db.engine.connect() as conn:  # fresh statistics for the planner after the bulk insert
        conn.execute(text("ANALYZE"))
        conn.commit()
    click.echo(f"Đã tạo {province.name} ({code}): {len(units)} đơn vị cấp dưới, {n} học viên, "
               f"{len(courses)} khoá học, trong {time.perf_counter() - started:.1f} giây.")
