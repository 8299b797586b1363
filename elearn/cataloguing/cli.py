"""``flask cataloguing check KEY SUBMISSION [--json]``."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from .exercise import ExerciseError
from .records import MarcFormatError
from .services import check, key_from_file

cataloguing_cli = AppGroup("cataloguing", help="Biên mục: kiểm tra biểu ghi MARC 21.")


@cataloguing_cli.command("check")
@click.argument("key_file", metavar="KEY", type=click.Path(dir_okay=False))
@click.argument("submission_file", metavar="SUBMISSION", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def check_cmd(key_file, submission_file, as_json):
    """So sánh biểu ghi SUBMISSION với khóa KEY (.mrk, MARCXML hoặc tệp bài tập YAML; nhận theo nội dung)."""
    def fail(which, path, message):
        if as_json:
            click.echo(json.dumps({"error": {"file": which, "path": path, "message": message}},
                                  ensure_ascii=False))
        else:
            click.echo(f"Lỗi ở {'khóa' if which == 'key' else 'bài nộp'} {path}: {message}", err=True)
        sys.exit(1)

    try:
        key = key_from_file(key_file)
    except OSError as e:
        fail("key", key_file, f"không đọc được tệp ({e.strerror}).")
    except (MarcFormatError, ExerciseError) as e:
        fail("key", key_file, e.text() if isinstance(e, MarcFormatError) else str(e))
    try:
        with open(submission_file, "rb") as fh:
            data = fh.read()
    except OSError as e:
        fail("submission", submission_file, f"không đọc được tệp ({e.strerror}).")
    try:
        result = check(key, data)
    except MarcFormatError as e:
        fail("submission", submission_file, e.text())

    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"Điểm: {result.score:.4g} ({result.score * 100:.1f}%)")
    if not result.differences:
        click.echo("Biểu ghi khớp hoàn toàn với khóa.")
    for d in result.differences:
        where = d["tag"] + (f" chỉ thị {d['ind']}" if d.get("ind") else "") + (f" ${d['code']}" if d.get("code") and d["tag"] not in ("LDR", "008") else "")
        lesson = f"  [bài học: {d['lesson']}]" if d.get("lesson") else ""
        click.echo(f"- {where}: {d['message']}{lesson}")
