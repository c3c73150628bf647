"""The demo portal must look like the real thing: encodings, CRLF, quoting, pagination, logins."""

import csv
import io

import pytest
from fastapi.testclient import TestClient

from kyodo.runner.demo.portal.app import HEADERS, PAGE_SIZE, Tenant, create_app
from kyodo.runner.demo.portal.data import PROCEDURES, applications_for


@pytest.fixture()
def client():
    tenants = [Tenant("352039", "山口市", "u1", "pw-1", "cp932"), Tenant("352021", "宇部市", "u2", "pw-2", "utf-8-sig", "v2")]
    with TestClient(create_app(tenants)) as c:
        yield c


def login(c, code, user, pw):
    return c.post(f"/{code}/login", data={"user": user, "password": pw}, follow_redirects=False)


def test_data_is_deterministic_and_plausible():
    a, b = applications_for("352039", "山口市"), applications_for("352039", "山口市")
    assert a == b and len(a) >= 40
    assert {x.procedure for x in a} <= set(PROCEDURES)
    assert all(x.address.startswith("山口県山口市") for x in a)
    assert applications_for("352021", "宇部市") != a


def test_wrong_password_is_refused_and_pages_need_login(client):
    r = login(client, "352039", "u1", "wrong")
    assert r.status_code == 401 and "IDまたはパスワードが違います" in r.text
    r = client.get("/352039/applications", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/352039/login"


def test_a_login_is_valid_only_for_its_own_municipality(client):
    assert login(client, "352039", "u1", "pw-1").status_code == 303
    assert client.get("/352039/applications").status_code == 200
    assert client.get("/352021/export", follow_redirects=False).status_code == 303


def test_pagination_covers_every_application_once(client):
    login(client, "352039", "u1", "pw-1")
    total = len(applications_for("352039", "山口市"))
    seen = []
    page = 1
    while True:
        html = client.get(f"/352039/applications?page={page}").text
        seen += [line.split('">', 1)[1].split("<", 1)[0] for line in html.splitlines() if "/352039/applications/352039-" in line]
        if 'rel="next"' not in html:
            break
        page += 1
    assert page == -(-total // PAGE_SIZE)
    assert len(seen) == total == len(set(seen))


def test_cp932_export_with_crlf_and_quoted_line_breaks(client):
    login(client, "352039", "u1", "pw-1")
    r = client.get("/352039/export")
    raw = r.content
    assert r.headers["content-disposition"].startswith("attachment")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp932")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == HEADERS["standard"]
    apps = applications_for("352039", "山口市")
    assert len(rows) - 1 == len(apps)
    assert any("\n" in row[7] for row in rows[1:]), "some notes contain line breaks inside quotes"
    first = apps[0]
    assert rows[1][1] == f"{first.received_at:%Y/%m/%d} {first.received_at.hour}:{first.received_at:%M:%S}"


def test_utf8_bom_export_uses_the_older_headers_and_filters(client):
    login(client, "352021", "u2", "pw-2")
    raw = client.get("/352021/export", params={"procedure": "妊娠の届出", "date_from": "2026-06-01"}).content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == HEADERS["v2"]
    expected = [a for a in applications_for("352021", "宇部市") if a.procedure == "妊娠の届出" and a.received_at.date().isoformat() >= "2026-06-01"]
    assert [r[0] for r in rows[1:]] == [a.receipt_no for a in expected]


def test_detail_page_and_unknown_ids(client):
    login(client, "352039", "u1", "pw-1")
    a = applications_for("352039", "山口市")[3]
    html = client.get(f"/352039/applications/{a.receipt_no}").text
    assert a.address in html and a.phone in html
    assert client.get("/352039/applications/nope").status_code == 404
    assert client.get("/999999/login").status_code == 404
