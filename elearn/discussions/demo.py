"""Demo threads (``flask demo load``): two in the law course, one answered, and one on the demo
workshop. Idempotent: nothing is added when the course already has threads."""
from datetime import timedelta

from sqlalchemy import delete, select

from ..auth import services as accounts
from ..core.timeutil import utcnow
from ..courses.models import Course, Module
from ..extensions import db
from .loaders import ForumAccess
from .models import ForumMail, Post, Thread
from . import services

LAW = "phap-luat-thu-vien"


def load_demo_threads() -> int:
    law = db.session.scalar(select(Course).where(Course.slug == LAW))
    if law is None or db.session.scalar(select(Thread.id).where(Thread.course_id == law.id)):
        return 0
    trainee = accounts.get_user_by_email("hocvien@demo.thuvien.vn")
    other = accounts.get_user_by_email("lananh@demo.thuvien.vn")
    instructor = accounts.get_user_by_email("giangvien@demo.thuvien.vn")
    if not (trainee and other and instructor):
        return 0
    first_module = db.session.scalars(select(Module).where(Module.course_id == law.id)
                                      .order_by(Module.position, Module.id)).first()
    access = ForumAccess(law, moderator=False, writer=True)
    last_mail = db.session.scalar(select(db.func.max(ForumMail.id))) or 0
    now = utcnow() - timedelta(days=3)

    q = services.create_thread(
        trainee, access, module=first_module, question=True, now=now,
        title="Thư viện xã có bắt buộc phải có nội quy riêng không?",
        body="Thư viện xã Đồng Đăng mới được bố trí phòng đọc ở nhà văn hoá. Theo Luật Thư viện 2019, "
             "chúng em có phải xây dựng **nội quy** riêng không, hay dùng nội quy của Thư viện tỉnh?")
    ans = services.reply(
        instructor, q, now=now + timedelta(hours=2),
        body="Nên có. Luật Thư viện 2019 yêu cầu người sử dụng tuân thủ nội quy của thư viện, nên thư viện "
             "xã cần một bản nội quy của chính mình. Chị có thể dựa vào mẫu của Thư viện tỉnh, sửa giờ mở "
             "cửa và cách mượn cho phù hợp với xã, trình lãnh đạo xã duyệt rồi niêm yết ở nơi dễ thấy.")
    services.mark_answer(q, ans)
    services.reply(other, q, now=now + timedelta(hours=5), quote_of_id=ans.id,
                   body="Cảm ơn cô. Xã Tân Liên cũng vừa làm như vậy, nhớ ghi rõ giờ mở cửa cuối tuần "
                        "vì bà con thường đến vào thứ Bảy.")

    services.create_thread(
        other, access, now=now + timedelta(days=1),
        title="Kinh nghiệm luân chuyển sách giữa các điểm đọc thôn",
        body="Ở Tân Liên có ba điểm đọc thôn. Mọi người luân chuyển sách mấy tháng một lần, và ghi sổ "
             "thế nào cho đơn giản?")

    from ..workshops.models import Workshop

    ws = db.session.scalar(select(Workshop).order_by(Workshop.id))
    if ws is not None:
        ws_course = db.session.get(Course, ws.course_id)
        services.create_thread(
            trainee, ForumAccess(ws_course, moderator=False, writer=True), workshop=ws, question=True,
            now=now + timedelta(days=2),
            title="Cần mang theo gì khi dự tập huấn ở Thư viện tỉnh?",
            body="Em ở xa, đi xe khách lên thành phố. Ngoài máy tính xách tay, có cần mang theo "
                 "sổ đăng ký bạn đọc của xã để thực hành không ạ?")
    db.session.flush()
    # the demo's own conversation is not news: nothing to mail about it
    db.session.execute(delete(ForumMail).where(ForumMail.id > last_mail))
    return db.session.scalar(select(db.func.count(Post.id)).join(Thread).where(Thread.course_id == law.id))
