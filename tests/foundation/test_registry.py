from pathlib import Path

import pytest

from kyodo.core.errors import BusinessError
from kyodo.core.lgcode import lg_code_valid
from kyodo.runner.registry import load_registry

YAMAGUCHI = {
    "352012": "下関市", "352021": "宇部市", "352039": "山口市", "352047": "萩市", "352063": "防府市", "352071": "下松市",
    "352080": "岩国市", "352101": "光市", "352110": "長門市", "352128": "柳井市", "352136": "美祢市", "352152": "周南市",
    "352161": "山陽小野田市", "353051": "周防大島町", "353213": "和木町", "353418": "上関町", "353434": "田布施町",
    "353442": "平生町", "355020": "阿武町",
}


def test_check_digit_accepts_real_codes_and_rejects_typos():
    assert all(lg_code_valid(c) for c in YAMAGUCHI)
    assert lg_code_valid("350001")  # 山口県
    assert lg_code_valid("131016")  # 千代田区
    assert not lg_code_valid("352038")
    assert not lg_code_valid("35203")
    assert not lg_code_valid("35203X")


def test_sample_registry_lists_the_19_municipalities_with_real_codes():
    reg = load_registry(Path("config/municipalities.yaml"))
    assert {m.code: m.name for m in reg.municipalities} == YAMAGUCHI
    assert reg.prefecture.code == "350001"
    assert reg.get("山口市").code == "352039"


def test_unknown_and_invalid_codes_give_japanese_errors():
    reg = load_registry(Path("config/municipalities.yaml"))
    with pytest.raises(BusinessError, match="検査数字"):
        reg.get("352038")
    with pytest.raises(BusinessError, match="登録されていません"):
        reg.get("131016")


def test_registry_with_bad_check_digit_names_the_entry(tmp_path):
    f = tmp_path / "reg.yaml"
    f.write_text('prefecture: {code: "350001", name: 山口県, kind: prefecture}\n'
                 'municipalities:\n  - {code: "352038", name: 山口市}\n', encoding="utf-8")
    with pytest.raises(BusinessError) as e:
        load_registry(f)
    assert "municipalities.0.code" in str(e.value) and "352038" in str(e.value)
    assert str(f) in str(e.value)


def test_registry_env_expansion_is_for_urls(tmp_path, monkeypatch):
    f = tmp_path / "reg.yaml"
    f.write_text('prefecture: {code: "350001", name: 山口県, kind: prefecture}\n'
                 'municipalities:\n  - {code: "352039", name: 山口市, portal_url: "${env:PORTAL:-http://x}/352039"}\n',
                 encoding="utf-8")
    assert load_registry(f).get("352039").portal_url == "http://x/352039"
    monkeypatch.setenv("PORTAL", "http://127.0.0.1:9")
    assert load_registry(f).get("352039").portal_url == "http://127.0.0.1:9/352039"
