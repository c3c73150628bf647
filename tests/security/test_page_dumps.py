"""Failure page dumps (HTML beside the screenshot): no secret in any escaped form, no applicant's name."""

from pathlib import Path

import pytest

from kyodo.core.errors import KyodoError
from kyodo.core.privacy import mask_html, personal_scope, register_personal, register_secret
from kyodo.robots import RunContext, get_action
from kyodo.robots.browser._capture import save_failure
from kyodo.runner.demo.portal.data import applications_for
from kyodo.runner.engine import call_action
from kyodo.runner.secrets import get_secret

pytestmark = pytest.mark.browser

PASSWORD = "Pass\"word'2026<&>"
HOSTILE = """<!doctype html><html><head><title>ログイン</title>
<script>var last = "Pass\\"word'2026<&>";</script></head><body>
<form><input name="user" value="kyodo-352039"><input name="password" type="password" value="{attr}">
<textarea name="memo">山口 花子 さんから電話</textarea><input type="submit" value="ログイン"></form>
<p title="{attr}">前回の入力: {text}</p><p>数値参照: Pass&#34;word&#x27;2026&#60;&#38;&#62;</p>
<table id="applications"><thead><tr><th>受付番号</th><th>申請者氏名</th><th>住所</th><th>状態</th></tr></thead>
<tbody><tr><td>352039-0001</td><td>宇部 一郎</td><td>山口市亀山町1-1</td><td>受付</td></tr></tbody></table>
<table id="detail"><tr><th>受付番号</th><td>352039-0002</td></tr><tr><th>氏名（カナ）</th><td>ウベ イチロウ</td></tr></table>
<dl><dt>届出人</dt><dd>周南 次郎</dd><dt>状態</dt><dd>審査中</dd></dl>
</body></html>"""


@pytest.fixture()
def ctx(tmp_path: Path):
    c = RunContext(run_id="t", artifact_dir=tmp_path / "run", municipality_code="352039", municipality_name="山口市",
                   input_dirs=(tmp_path,), secret_resolver=get_secret)
    yield c
    c.close()


def test_masker_finds_a_secret_in_every_html_escaping():
    register_secret(PASSWORD)
    for form in ("Pass&quot;word'2026&lt;&amp;&gt;", "Pass&#34;word&#39;2026&#60;&#38;&#62;",
                 "Pass&#x22;word&apos;2026&LT;&AMP;&GT;", "Pass\"word&#x00027;2026<&amp;>"):
        assert "word" not in mask_html(f'<input value="{form}">'), form
    with personal_scope():
        register_personal(["山田 太郎"])
        assert "太郎" not in mask_html("<td>山田&nbsp;太郎</td><td>&#23665;田　太郎</td>")


def test_dump_of_a_hostile_page_has_no_secret_and_no_name(ctx, monkeypatch):
    from kyodo.robots.browser._session import page

    register_secret(PASSWORD)
    pg = page(ctx)
    pg.set_content(HOSTILE.format(attr="Pass&quot;word'2026&lt;&amp;&gt;", text="Pass\"word'2026&lt;&amp;&gt;"))
    save_failure(ctx, pg, "login")
    [dump] = ctx.artifact_dir.glob("failure-*-login.html")
    html = dump.read_text(encoding="utf-8")
    assert "2026" not in html and "Pass" not in html, html
    for name in ("宇部 一郎", "ウベ イチロウ", "周南 次郎", "山口 花子", "亀山町", "kyodo-352039"):
        assert name not in html, name
    for kept in ("受付番号", "申請者氏名", "352039-0001", "審査中", "ログイン"):  # the evidence is still useful
        assert kept in html, kept


def test_real_failure_on_the_portal_list_page_has_no_applicant_name(ctx, demo_portal):
    act = lambda name, **a: call_action(get_action(name), ctx, a)
    act("browser.login", url=f"{demo_portal}/352039/login", user="kyodo-352039", password_secret="PORTAL_352039")
    with pytest.raises(KyodoError):
        act("browser.click", selector="#no-such-button", timeout_seconds=1)
    [dump] = ctx.artifact_dir.glob("failure-*.html")
    html = dump.read_text(encoding="utf-8")
    names = {a.name for a in applications_for("352039", "山口市")}
    assert "申請者氏名" in html and "受付一覧" in html
    assert not [n for n in names if n in html]
