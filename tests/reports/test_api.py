"""GET /api/v1/reports/completion and /completion/trainees."""
import re

import pytest


@pytest.fixture
def token(tree, runner):
    def make(email):
        out = runner.invoke(args=["tokens", "create", email]).output
        return re.search(r"\S{30,}", out).group(0)

    return make


def test_completion_report_json(tree, client, token):
    r = client.get("/api/v1/reports/completion?course=khoa-a&unit=P",
                   headers={"Authorization": f"Bearer {token('mp@example.vn')}"})
    assert r.status_code == 200
    body = r.get_json()
    assert body["course"] == {"slug": "khoa-a", "title": "Khoá A"}
    assert body["unit"] == {"code": "P", "name": "Thư viện tỉnh Phú Thọ"}
    d1 = next(row for row in body["rows"] if row["unit_code"] == "D1")
    assert d1 == {"unit_code": "D1", "unit_name": "Thư viện huyện Đoan Hùng", "enrolled": 6, "not_started": 2,
                  "in_progress": 2, "completed": 2, "completion_rate": 33.3, "average_grade": 70.0,
                  "attendance_rate": 66.7, "overdue": 0}
    assert body["total"]["enrolled"] == 8 and body["total"]["completed"] == 3
    assert body["total"]["average_grade"] == 76.7


def test_trainees_json_in_name_order_with_rfc3339_times(tree, client, token):
    r = client.get("/api/v1/reports/completion/trainees?course=khoa-a&unit=C1",
                   headers={"Authorization": f"Bearer {token('md1@example.vn')}"})
    assert r.status_code == 200
    body = r.get_json()
    assert body["total"] == 3
    assert [t["name"] for t in body["rows"]] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Đức"]
    t1 = body["rows"][0]
    assert t1["state"] == "completed" and t1["certificate_code"] == "CERT-T1" and t1["grade"] == 80.0
    assert t1["completed_at"] == "2026-10-15T03:00:00Z"
    assert t1["unit_code"] == "C1" and t1["percent"] == 100 and t1["id"] == tree["users"]["t1"].id
    assert body["rows"][2]["state"] == "not_started" and body["rows"][2]["last_activity_at"] is None


def test_trainees_paging_in_name_order(tree, client, token):
    tok = token("admin@example.vn")
    names = []
    for p in (1, 2, 3):
        body = client.get(f"/api/v1/reports/completion/trainees?course=khoa-a&unit=P&per_page=3&page={p}",
                          headers={"Authorization": f"Bearer {tok}"}).get_json()
        names += [t["name"] for t in body["rows"]]
    assert names == ["Nguyễn Văn An", "Đỗ Thị Ánh", "Vũ Văn Ân", "Trần Thị Bình", "Hoàng Văn Cường",
                     "Lê Văn Đức", "Bùi Thị Em", "Đinh Văn Giang"]


@pytest.mark.parametrize("query,status,code", [
    ("course=khoa-a&state=x", 422, None),  # not in the declared enum: the schema refuses it
    ("course=khoa-a&sort=id;drop", 422, None),
    ("course=nope", 404, "not_found"),
    ("course=khoa-a&unit=ZZZ", 404, "not_found"),
    ("course=khoa-a&page=0", 422, None),
])
def test_api_errors_are_json(tree, client, token, query, status, code):
    r = client.get(f"/api/v1/reports/completion/trainees?{query}",
                   headers={"Authorization": f"Bearer {token('mp@example.vn')}"})
    assert r.status_code == status
    err = r.get_json()["error"]
    assert err["message"] and (code is None or err["code"] == code)


def test_api_is_in_the_openapi_document(tree, client, token):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/reports/completion" in spec["paths"]
    assert "/api/v1/reports/completion/trainees" in spec["paths"]
