"""``flask cataloguing check KEY SUBMISSION [--json]``."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from .exercise import ExerciseError
from .records import MARCXML_NS, MarcFormatError
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


@cataloguing_cli.command("lint")
@click.argument("record_file", metavar="FILE", type=click.Path(dir_okay=False))
def lint_cmd(record_file):
    """Kiểm tra cấu trúc biểu ghi FILE theo khổ mẫu MARC 21 (như MARC::Lint). Mã thoát 1 nếu có lỗi."""
    from .lint import lint
    from .records import read_records

    try:
        with open(record_file, "rb") as fh:
            records = read_records(fh.read())
    except OSError as e:
        click.echo(f"Lỗi ở {record_file}: không đọc được tệp ({e.strerror}).", err=True)
        sys.exit(1)
    except MarcFormatError as e:
        click.echo(f"Lỗi ở {record_file}: {e.text()}", err=True)
        sys.exit(1)
    errors = 0
    for n, record in enumerate(records, start=1):
        for p in lint(record):
            errors += p.severity == "error"
            where = f"biểu ghi {n}, " if len(records) > 1 else ""
            line = f"dòng {p.line}, " if p.line else ""
            label = "lỗi" if p.severity == "error" else "cảnh báo"
            click.echo(f"{where}{line}{p.tag}: [{label}] {p.message}")
    if errors:
        sys.exit(1)
    click.echo(f"Không có lỗi cấu trúc ({len(records)} biểu ghi).")


@cataloguing_cli.command("convert")
@click.argument("record_file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--to", "target", type=click.Choice(["mrk", "marcxml"]), required=True,
              help="Khổ mẫu đích: mrk hoặc marcxml.")
def convert_cmd(record_file, target):
    """Chuyển biểu ghi FILE (.mrk, MARCXML hoặc ISO 2709) sang .mrk hoặc MARCXML, in ra màn hình."""
    from .records import read_records, write_marcxml, write_mrk

    try:
        with open(record_file, "rb") as fh:
            records = read_records(fh.read())
    except OSError as e:
        click.echo(f"Lỗi ở {record_file}: không đọc được tệp ({e.strerror}).", err=True)
        sys.exit(1)
    except MarcFormatError as e:
        click.echo(f"Lỗi ở {record_file}: {e.text()}", err=True)
        sys.exit(1)
    if target == "mrk":
        click.echo("\n".join(write_mrk(r) for r in records), nl=False)
    elif len(records) == 1:
        click.echo(write_marcxml(records[0]), nl=False)
    else:
        body = "".join(write_marcxml(r).split("\n", 1)[1].replace(f' xmlns="{MARCXML_NS}"', "") for r in records)
        click.echo(f'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="{MARCXML_NS}">\n{body}</collection>\n',
                   nl=False)
