"""``kyodo users add/list/passwd/disable/enable/remove``: what is printed is what is stored; sessions end."""

import pytest
from typer.testing import CliRunner

from kyodo.runner.cli import app
from kyodo.runner.dashboard.sessions import open_session, session_user
from kyodo.runner.dashboard.users import authenticate, get_staff


def kyodo(*args, password="long-enough-pass-1", confirm=None):
    env = {"KYODO_NEW_PASSWORD": password}
    r = CliRunner().invoke(app, list(args), env=env, input=confirm)
    return r.exit_code, r.output


@pytest.fixture()
def store(kyodo_home):
    from kyodo.runner.store import open_store

    return open_store()


@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_municipality_is_refused_not_widened(store, empty):
    code, out = kyodo("users", "add", "taro", "--municipality", empty)
    assert code == 2 and "空です" in out and "--municipality を付けずに" in out
    assert get_staff(store, "taro") is None


def test_add_prints_what_it_stores(store):
    code, out = kyodo("users", "add", "taro", "--municipality", "352039")
    assert code == 0 and "山口市（352039）" in out
    assert get_staff(store, "taro").municipality == "352039"
    code, out = kyodo("users", "add", "ken")
    assert code == 0 and "県（全自治体）" in out
    who = get_staff(store, "ken")
    assert who.municipality is None and who.is_prefecture
    code, out = kyodo("users", "list")
    assert code == 0 and "taro" in out and "山口市（352039）" in out and "ken" in out and "県（全自治体）" in out
    assert "argon2" not in out


def test_passwd_disable_remove_end_sessions(store):
    kyodo("users", "add", "taro", "--municipality", "352039")
    tokens = [open_session(store, "taro") for _ in range(2)]
    assert all(session_user(store, t) == "taro" for t in tokens)
    code, out = kyodo("users", "passwd", "taro", password="another-pass-22")
    assert code == 0 and "2 件をログアウト" in out
    assert not any(session_user(store, t) for t in tokens)
    assert authenticate(store, "taro", "long-enough-pass-1") is None and authenticate(store, "taro", "another-pass-22")

    token = open_session(store, "taro")
    code, out = kyodo("users", "disable", "taro")
    assert code == 0 and "無効" in out
    assert session_user(store, token) is None and authenticate(store, "taro", "another-pass-22") is None
    assert "無効" in kyodo("users", "list")[1]
    assert kyodo("users", "enable", "taro")[0] == 0 and authenticate(store, "taro", "another-pass-22")

    token = open_session(store, "taro")
    assert kyodo("users", "remove", "taro", confirm="n\n")[0] == 1  # asked, said no
    assert kyodo("users", "remove", "taro", "--yes")[0] == 0
    assert session_user(store, token) is None and get_staff(store, "taro") is None
    code, out = kyodo("users", "passwd", "taro")
    assert code == 2 and "登録されていません" in out


def test_user_changes_are_audited(store):
    kyodo("users", "add", "taro", "--municipality", "352039")
    kyodo("users", "disable", "taro")
    from kyodo.runner.store.models import AuditRecord

    with store.session() as s:
        actions = [a.action for a in s.query(AuditRecord).order_by(AuditRecord.id)]
    assert "user.add" in actions and "user.disable" in actions
