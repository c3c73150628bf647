"""How product B writes the same applications: its own codes, status words, 和暦 times and kana.

The records themselves are the demo's (``kyodo.runner.demo.portal.data``), so a test can count what the
robot should find; only the way product B presents them differs.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from kyodo.robots.normalize import to_halfwidth_kana, to_wareki
from kyodo.runner.demo.portal.data import PROCEDURES, Application

PROCEDURE_CODES = {name: f"T{i + 1:02d}" for i, name in enumerate(PROCEDURES)}
STATUS_WORDS = {"受付済": "受付", "審査中": "処理中", "完了": "処理完了", "差戻し": "返戻"}
READINGS = {
    "山田": "ヤマダ", "佐藤": "サトウ", "鈴木": "スズキ", "高橋": "タカハシ", "田中": "タナカ", "伊藤": "イトウ", "渡辺": "ワタナベ",
    "中村": "ナカムラ", "小林": "コバヤシ", "加藤": "カトウ", "吉田": "ヨシダ", "山本": "ヤマモト", "松本": "マツモト", "井上": "イノウエ",
    "木村": "キムラ", "林": "ハヤシ", "斎藤": "サイトウ", "清水": "シミズ", "山口": "ヤマグチ", "森": "モリ", "池田": "イケダ",
    "橋本": "ハシモト", "阿部": "アベ", "石川": "イシカワ", "藤井": "フジイ", "岡田": "オカダ", "村上": "ムラカミ", "西村": "ニシムラ",
    "福田": "フクダ", "河野": "カワノ", "太郎": "タロウ", "花子": "ハナコ", "一郎": "イチロウ", "美咲": "ミサキ", "健太": "ケンタ",
    "陽菜": "ヒナ", "翔": "ショウ", "結衣": "ユイ", "大輝": "ダイキ", "さくら": "サクラ", "蓮": "レン", "葵": "アオイ", "悠真": "ユウマ",
    "凛": "リン", "湊": "ミナト", "芽依": "メイ", "誠": "マコト", "由美": "ユミ", "浩二": "コウジ", "恵子": "ケイコ", "直樹": "ナオキ",
    "舞": "マイ", "拓也": "タクヤ", "優子": "ユウコ",
}


def kana_of(name: str) -> str:
    """The applicant's reading in half-width katakana, as older 電子申請 products store it (ﾔﾏﾀﾞ ﾀﾛｳ)."""
    return " ".join(to_halfwidth_kana(READINGS.get(part, part)) for part in name.split(" "))


def fullwidth_digits(text: str) -> str:
    """０８３－２２－１２３４: phone numbers as typed on a Japanese keyboard."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else ("－" if c == "-" else c) for c in text)


def wareki_time(t: datetime) -> str:
    """``R8.4.1 09:30``: reception times as product B writes them."""
    return f"{to_wareki(t.date(), short=True)} {t:%H:%M}"


def receipt_b(a: Application) -> str:
    """Product B's own application number (the demo's number with another prefix)."""
    return "S" + a.receipt_no.replace("-", "")


def row_b(a: Application) -> dict[str, str]:
    """One application in product B's columns."""
    return {"申込番号": receipt_b(a), "申込日時": wareki_time(a.received_at), "手続名称": a.procedure, "申込者氏名": a.name,
            "申込者カナ": kana_of(a.name), "住所": a.address, "電話番号": fullwidth_digits(a.phone),
            "処理状況": STATUS_WORDS[a.status], "備考": a.note}


def is_halfwidth_kana(text: str) -> bool:
    return any(unicodedata.name(c, "").startswith("HALFWIDTH KATAKANA") for c in text)
