"""The one CSV reader (``elearn.core.csvread``) behind the org, account and sign-in-sheet imports."""
import pytest

from elearn.core.csvread import read_rows
from elearn.core.errors import ServiceError

COLS = ("email", "session", "status")


def test_bom_semicolons_and_line_numbers(app):
    data = "\ufeffEmail ; Session;Status\r\na@x.vn;1;có mặt\r\n\r\n\"b@x.vn\";\"2\";\"vắng\nthật\"\r\nc@x.vn;3\r\n".encode()
    with app.test_request_context():
        rows = read_rows(data, COLS)
    assert rows == [(2, {"email": "a@x.vn", "session": "1", "status": "có mặt"}),
                    (4, {"email": "b@x.vn", "session": "2", "status": "vắng\nthật"}),
                    (6, {"email": "c@x.vn", "session": "3", "status": ""})]


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_the_delimiter_is_the_one_that_reads_the_header(app, sep):
    data = sep.join(COLS) + "\n" + sep.join(["a@x.vn", "1", "late"]) + "\n"
    with app.test_request_context():
        assert read_rows(data.encode(), COLS) == [(2, {"email": "a@x.vn", "session": "1", "status": "late"})]


def test_other_encodings_are_refused_in_vietnamese_with_the_line(app):
    data = "email,session,status\na@x.vn,1,présent\n".encode("cp1252")  # e.g. Excel's "CSV (Windows)"
    with app.test_request_context(), pytest.raises(ServiceError) as err:
        read_rows(data, COLS)
    assert "UTF-8" in err.value.message and "dòng 2" in err.value.message


def test_header_empty_and_size_errors(app):
    with app.test_request_context():
        with pytest.raises(ServiceError, match="Dòng tiêu đề phải là: email,session,status"):
            read_rows(b"mail,session,status\na,1,late\n", COLS)
        with pytest.raises(ServiceError, match="trống"):
            read_rows(b"  \n", COLS)
        with pytest.raises(ServiceError, match="quá 2 dòng"):
            read_rows(b"email,session,status\na,1,x\nb,1,x\nc,1,x\n", COLS, max_rows=2)
        assert read_rows(b"email,session,status,extra\n", COLS) == []


def test_the_imports_share_it(app):
    """Semicolons and a BOM work for org units and accounts too (one reader, no second copy)."""
    from elearn.auth.imports import read_user_rows
    from elearn.orgs import services as orgs

    with app.test_request_context():
        rows = read_user_rows("\ufeffemail;name;role;org_code\nA@x.vn;An;trainee;ls\n".encode())
        assert rows == [(2, {"email": "A@x.vn", "name": "An", "role": "trainee", "org_code": "ls"})]
        result = orgs.import_units("code;name;parent_code\nLS;Thư viện tỉnh;\n".encode())
        assert result.created == ["LS"] and not result.errors
    assert not hasattr(orgs, "read_csv_rows")
