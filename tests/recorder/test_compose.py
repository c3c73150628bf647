"""Turning recorded events into steps: parameters, secrets, personal data, caused page loads."""

from __future__ import annotations

import yaml

from kyodo.runner.recorder import Event, EventKind, Options, compose, scenario_yaml

BASE = "http://portal.example.lg.jp/352039"


def ev(kind: EventKind, t: float, **kw) -> Event:
    return Event(kind, t=t, url=kw.pop("url", f"{BASE}/form"), **kw)


def test_personal_values_become_required_params_and_are_never_written():
    events = [
        ev(EventKind.PAGE, 0, h1="申請入力"),
        ev(EventKind.FILL, 1, selector="#name", name="applicant_name", label="申請者氏名", value="山田 花子"),
        ev(EventKind.FILL, 2, selector="#note", name="note", label="備考", value="電話 090-1234-5678 まで"),
        ev(EventKind.FILL, 3, selector="#kw", name="keyword", label="検索語", value="児童手当"),
    ]
    composed = compose(events, Options(name="t", portal_url=BASE))
    text = scenario_yaml(composed, BASE)
    assert "山田" not in text and "090-1234-5678" not in text
    params = composed.scenario["params"]
    assert params["applicant_name"] == {"type": "str", "required": True, "description": params["applicant_name"]["description"]}
    assert params["note"]["required"] is True and "default" not in params["note"]  # personal by its value
    assert params["keyword"]["default"] == "児童手当"
    assert len([w for w in composed.warnings if "個人情報" in w]) == 2
    assert composed.scenario["steps"][0]["with"]["url"] == "${municipality.portal_url}/form"


def test_a_password_without_municipality_becomes_a_named_secret():
    events = [
        ev(EventKind.PAGE, 0, url="https://forms.example.com/login"),
        ev(EventKind.FILL, 1, url="https://forms.example.com/login", selector="#id", id="id", value="clerk01"),
        ev(EventKind.FILL, 2, url="https://forms.example.com/login", selector="#pw", secret=True),
        ev(EventKind.CLICK, 3, url="https://forms.example.com/login", selector='role=button[name="ログイン"s]', label="ログイン"),
        ev(EventKind.PAGE, 3.5, url="https://forms.example.com/home", h1="ホーム", logout="サインアウト"),
    ]
    composed = compose(events, Options(name="t"))
    [login] = composed.scenario["steps"]
    assert login["action"] == "browser.login"
    assert login["with"]["password_secret"] == "FORMS_EXAMPLE_COM_PASSWORD"
    assert login["with"]["success"] == 'text="サインアウト"'
    assert login["with"]["user"] == "${params.login_user}"
    assert composed.secrets == ["FORMS_EXAMPLE_COM_PASSWORD"]
    assert "FORMS_EXAMPLE_COM_PASSWORD" in scenario_yaml(composed, "x").splitlines()[3]


def test_keystrokes_merge_clicks_absorb_submits_and_downloads_and_caused_loads_vanish():
    events = [
        ev(EventKind.PAGE, 0, h1="一覧"),
        ev(EventKind.FILL, 1, selector="#q", name="q", value="児"),
        ev(EventKind.FILL, 1.1, selector="#q", name="q", value="児童"),
        ev(EventKind.CLICK, 2, selector="#search", label="検索"),
        ev(EventKind.SUBMIT, 2.05, selector="#search"),
        ev(EventKind.PAGE, 2.4, h1="一覧"),
        ev(EventKind.CLICK, 3, selector="#export", label="CSV出力"),
        ev(EventKind.DOWNLOAD, 3.8, filename="list_352039.csv", sha256="ab"),
        ev(EventKind.PAGE, 60, url=f"{BASE}/other", h1="別の画面"),
    ]
    composed = compose(events, Options(name="t", portal_url=BASE, code="352039"))
    steps = composed.scenario["steps"]
    assert [s["action"] for s in steps] == ["browser.open", "browser.fill", "browser.click", "browser.download", "browser.open"]
    assert composed.scenario["params"]["q"]["default"] == "児童"
    assert steps[3]["with"] == {"click": "#export", "filename": "list_${municipality.code}.csv"}
    assert steps[4]["with"]["url"] == "${municipality.portal_url}/other"


def test_positional_selectors_and_ambiguity_are_warned_about():
    events = [ev(EventKind.CLICK, 1, selector="main > div:nth-of-type(3) > span", selector_kind="position", label="")]
    composed = compose(events, Options(name="t"))
    assert any("位置で指定" in w for w in composed.warnings)
    assert yaml.safe_load(scenario_yaml(composed, "x"))["steps"][0]["with"]["selector"] == "main > div:nth-of-type(3) > span"


def test_nothing_recorded_is_said():
    composed = compose([], Options(name="t"))
    assert composed.warnings == ["記録された操作がありません。ブラウザで操作してから終了してください。"]


def test_actions_inside_a_frame_are_warned_about():
    composed = compose([ev(EventKind.CLICK, 1, selector="#ok", label="OK", in_frame=True)], Options(name="t"))
    assert any("iframe" in w for w in composed.warnings)


def test_a_download_without_a_click_is_said_not_written():
    composed = compose([ev(EventKind.PAGE, 0), ev(EventKind.DOWNLOAD, 60, filename="a.csv")], Options(name="t"))
    assert [s["action"] for s in composed.scenario["steps"]] == ["browser.open"]
    assert any("a.csv" in w for w in composed.warnings)
