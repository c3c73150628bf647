"""Demo ふるさと納税 data: donation CSVs of three portal formats and the ワンストップ特例 applications.

- ポータルA (UTF-8 with BOM): one column per item, 西暦 dates, plain amounts;
- ポータルB (Shift_JIS): 姓/名 and セイ/メイ (half-width kana) split, 住所1/住所2, YYYYMMDD, 「10,000円」;
- ポータルC (held out of tuning, Shift_JIS): 和暦 dates, hiragana readings, 都道府県 split off, 「¥10,000」, ○.

Applications are written the way residents write them: 異体字 (髙/高), hiragana or half-width kana,
kanji 丁目 and building names; two of them cannot match (moved house, wrong amount).
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

import jaconv

from kyodo.robots.normalize import to_wareki

SURNAMES = (("髙橋", "高橋", "タカハシ"), ("山﨑", "山崎", "ヤマサキ"), ("佐藤", "佐藤", "サトウ"), ("渡邊", "渡辺", "ワタナベ"),
            ("伊藤", "伊藤", "イトウ"), ("小林", "小林", "コバヤシ"), ("加藤", "加藤", "カトウ"), ("斎藤", "斎藤", "サイトウ"))
GIVEN = (("一郎", "イチロウ"), ("花子", "ハナコ"), ("健太", "ケンタ"), ("由紀", "ユキ"), ("大介", "ダイスケ"), ("真理", "マリ"))
CITIES = (("東京都", "世田谷区桜", "150"), ("大阪府", "大阪市北区梅田", "530"), ("福岡県", "福岡市中央区天神", "810"),
          ("広島県", "広島市中区紙屋町", "730"), ("神奈川県", "横浜市西区高島", "220"))
AMOUNTS = (10000, 10000, 15000, 20000, 30000, 50000)
KANJI = "一二三四五"


def donors(code: str, n: int) -> list[dict]:
    rnd = random.Random(f"furusato-{code}")
    out = []
    for i in range(n):
        sur, given = rnd.choice(SURNAMES), rnd.choice(GIVEN)
        pref, city, zip3 = rnd.choice(CITIES)
        chome, ban, go = rnd.randint(1, 5), rnd.randint(1, 20), rnd.randint(1, 15)
        out.append({
            "id": f"{i + 1:06d}", "date": date(2025, 4, 1) + timedelta(days=rnd.randint(0, 270)),
            "kanji": f"{sur[0]} {given[0]}", "common": f"{sur[1]}{given[0]}", "kana": f"{sur[2]} {given[1]}",
            "zip": f"{zip3}-{rnd.randint(0, 9999):04d}", "pref": pref, "city": city, "chome": chome, "ban": ban, "go": go,
            "amount": rnd.choice(AMOUNTS), "onestop": rnd.random() < 0.6,
        })
    return out


def _write(path: Path, header: list[str], rows: list[list], encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def _halfwidth(text: str) -> str:
    return jaconv.z2h(text, kana=True, digit=False, ascii=False)


def write_portal(path: Path, fmt: str, ds: list[dict]) -> None:
    """One portal export in format A, B or C."""
    if fmt == "A":
        _write(path, ["寄附ID", "寄附日", "寄附者氏名", "寄附者氏名（カナ）", "郵便番号", "住所", "寄附金額", "返礼品", "ワンストップ特例"],
               [[f"A{d['id']}", d["date"].strftime("%Y/%m/%d"), d["kanji"], d["kana"], d["zip"],
                 f"{d['pref']}{d['city']}{d['chome']}-{d['ban']}-{d['go']}", d["amount"], "特産品セット",
                 "希望する" if d["onestop"] else "希望しない"] for d in ds], "utf-8-sig")
    elif fmt == "B":
        _write(path, ["注文番号", "入金日", "姓", "名", "セイ", "メイ", "〒", "住所1", "住所2", "金額", "ワンストップ"],
               [[f"B-{d['id']}", d["date"].strftime("%Y%m%d"), *d["kanji"].split(" "), *_halfwidth(d["kana"]).split(" "),
                 d["zip"].replace("-", ""), f"{d['pref']}{d['city']}", f"{d['chome']}丁目{d['ban']}番{d['go']}号",
                 f"{d['amount']:,}円", 1 if d["onestop"] else 0] for d in ds], "cp932")
    else:
        _write(path, ["受付番号", "申込日", "寄附者", "フリガナ", "郵便番号", "都道府県", "市区町村以下", "金額", "ワンストップ"],
               [[f"C{d['id']}", to_wareki(d["date"]), d["kanji"], jaconv.kata2hira(d["kana"]), d["zip"], d["pref"],
                 f"{d['city']}{d['chome']}-{d['ban']}-{d['go']}", f"￥{d['amount']:,}", "○" if d["onestop"] else ""] for d in ds],
               "cp932")


def write_applications(path: Path, ds: list[dict]) -> list[str]:
    """ワンストップ特例 applications for most donors who asked for it; returns the 申請番号 that cannot match."""
    rows, bad = [], []
    wished = [d for d in ds if d["onestop"]]
    for i, d in enumerate(wished[: max(3, len(wished) * 4 // 5)]):
        no = f"OS{i + 1:04d}"
        kana = jaconv.kata2hira(d["kana"]) if i % 3 == 0 else d["kana"].replace("ウ", "ー") if i % 3 == 1 else d["kana"]
        address = f"{d['pref']}{d['city']}{KANJI[d['chome'] - 1]}丁目{d['ban']}番{d['go']}号" + (" コーポ101" if i % 4 == 0 else "")
        zip_ = d["zip"]
        amount = d["amount"]
        if i == 1:
            address, zip_ = "北海道札幌市中央区北一条西2-3", "060-0001"  # moved house: cannot match
            bad.append(no)
        elif i == 2:
            amount = d["amount"] + 5000  # wrong amount: cannot match
            bad.append(no)
        rows.append([no, d["common"] if i % 2 else d["kanji"], kana, zip_, address, to_wareki(d["date"]), amount])
    _write(path, ["申請番号", "氏名", "氏名カナ", "郵便番号", "住所", "寄附年月日", "寄附金額"], rows, "utf-8-sig")
    return bad


def write_furusato(base: Path, code: str, *, formats: tuple[str, ...] = ("A", "B"), per_portal: int = 12) -> dict[str, list]:
    """Portal exports and applications under ``base`` (寄附/ and ワンストップ/); returns the donors per format."""
    ds = donors(code, per_portal * len(formats))
    out: dict[str, list] = {}
    for k, fmt in enumerate(formats):
        part = ds[k * per_portal:(k + 1) * per_portal]
        for d in part:
            d["portal"] = fmt
        write_portal(base / "寄附" / f"ポータル{fmt}_2025.csv", fmt, part)
        out[fmt] = part
    out["bad"] = write_applications(base / "ワンストップ" / "申請一覧.csv", ds)
    return out
