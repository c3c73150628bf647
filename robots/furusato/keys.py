"""Comparable keys for names, kana and addresses as residents and portals write them.

The same donor appears as 「髙橋 一郎」 on one portal and 「高橋一郎」 on the paper form, as
「ﾀｶﾊｼ ｲﾁﾛｳ」, 「たかはし いちろう」 or 「タカハシ イチロー」 in kana, and at 「一丁目2番3号」 or
「1-2-3」. These keys make such pairs equal without making different people equal.
"""

from __future__ import annotations

import difflib
import re

import jaconv

from kyodo.robots.normalize import normalize_text

# 異体字 seen in resident names (the form the 住民基本台帳 prints → the common one)
ITAIJI = str.maketrans({"髙": "高", "﨑": "崎", "嵜": "崎", "邊": "辺", "邉": "辺", "齋": "斎", "齊": "斉", "澤": "沢",
                        "濱": "浜", "櫻": "桜", "國": "国", "廣": "広", "眞": "真", "德": "徳", "惠": "恵", "藏": "蔵",
                        "龍": "竜", "曽": "曾", "槙": "槇", "冨": "富"})
_SMALL = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_VOICED = {"ヂ": "ジ", "ヅ": "ズ", "ヲ": "オ", "ヴァ": "バ", "ヴィ": "ビ", "ヴェ": "ベ", "ヴォ": "ボ", "ヴ": "ブ"}
_LONG = re.compile(r"(?<=[オコソトノホモヨロゴゾドボポョ])[ウオー]|ー")
_KANJI_NUM = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9", "十": "10"}
_ADDR_SEP = re.compile(r"(丁目|番地|番|号|の|ノ)")
_PREF = re.compile(r"^(北海道|東京都|大阪府|京都府|.{2,3}県)")


def name_key(value: object) -> str:
    """Kanji name without spaces, 異体字 folded."""
    return re.sub(r"\s", "", normalize_text(value)).translate(ITAIJI)


def kana_key(value: object) -> str:
    """Katakana reading with half-width, hiragana, small kana, ヴ and long vowels folded."""
    text = jaconv.hira2kata(re.sub(r"\s", "", normalize_text(value)))
    for a, b in _VOICED.items():
        text = text.replace(a, b)
    return _LONG.sub("", text.translate(_SMALL))


def address_key(value: object) -> str:
    """Address with the prefecture dropped and 丁目/番地/号 written as hyphens."""
    text = re.sub(r"\s", "", normalize_text(value))
    text = _PREF.sub("", text)
    text = re.sub(r"[一二三四五六七八九十]+(?=丁目)", lambda m: "".join(_KANJI_NUM.get(c, c) for c in m.group()), text)
    text = _ADDR_SEP.sub("-", text)
    return re.sub(r"-+", "-", text).strip("-")


def address_similarity(a: object, b: object) -> float:
    """0..1: how alike two addresses are after :func:`address_key`."""
    ka, kb = address_key(a), address_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    short, long_ = sorted((ka, kb), key=len)
    if len(short) >= 6 and long_.startswith(short):
        return 0.95  # the same address with a building name added
    return difflib.SequenceMatcher(None, ka, kb).ratio()


def postal_key(value: object) -> str:
    return re.sub(r"\D", "", normalize_text(value))
