import json
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..core.errors import NotFound
from ..core.timeutil import utcnow
from ..courses.services import get_course
from ..extensions import db
from . import bank, services
from .enums import AttemptState
from .models import Quiz, QuizAttempt

questions_cli = AppGroup("questions", help="Ngân hàng câu hỏi.")
quizzes_cli = AppGroup("quizzes", help="Bài kiểm tra.")


def _course(slug):
    try:
        return get_course(slug)
    except NotFound:
        click.echo(f"Không có khoá học {slug}.", err=True)
        sys.exit(1)


@questions_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--course", "slug", required=True, help="Slug của khoá học")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.option("--skip-bad", is_flag=True, help="Nhập các câu đúng, bỏ qua câu lỗi.")
@click.option("--replace", is_flag=True,
              help="Câu trùng nhóm và tiêu đề với câu đã có thì thay câu cũ (mặc định: thêm thành câu mới).")
def import_cmd(file, slug, as_json, skip_bad, replace):
    """Import FILE (GIFT or Moodle XML, decided by content) into a course's question bank."""
    course = _course(slug)
    parsed = bank.parse_file(file.read())
    errors = [{"line": e.line, "message": e.message} for e in parsed.errors]
    result = None
    if not errors or skip_bad:
        result = bank.store_questions(course, parsed.questions, f"{course.slug}/nhap", replace=replace)
        db.session.commit()
    out = {"imported": len(result.questions) if result else 0,
           "created": result.created if result else 0,
           "replaced": result.updated if result else 0,
           "by_type": result.by_type if result else {},
           "categories": result.categories if result else [],
           "errors": errors}
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for e in errors:
            click.echo(f"{file.name}:{e['line']}: {e['message']}", err=True)
        if result is None:
            click.echo(f"{len(errors)} câu lỗi; không nhập gì (dùng --skip-bad để bỏ qua câu lỗi).", err=True)
        else:
            click.echo(f"Đã nhập {out['imported']} câu hỏi: " + ", ".join(f"{k} {v}" for k, v in out["by_type"].items()))
    if result is None:
        sys.exit(1)


@questions_cli.command("export")
@click.option("--course", "slug", required=True)
@click.option("--format", "fmt", type=click.Choice(["gift"]), default="gift")
def export_cmd(slug, fmt):
    """Print a course's question bank as GIFT."""
    click.echo(bank.export_course(_course(slug)), nl=False)


@quizzes_cli.command("close-overdue")
def close_overdue_cmd():
    """Close attempts whose time is up and grade what was saved (run from cron)."""
    now = utcnow()
    overdue = db.session.scalars(select(QuizAttempt).where(QuizAttempt.state == AttemptState.IN_PROGRESS,
                                                           QuizAttempt.deadline_at < now)).all()
    closed = 0
    for attempt in overdue:
        quiz = db.session.get(Quiz, attempt.quiz_id)
        services.process_overdue(attempt, quiz, now)
        closed += attempt.state != AttemptState.IN_PROGRESS
        db.session.commit()
    click.echo(f"Đã đóng {closed} lượt làm bài quá hạn.")
