"""A second, different paper form — 印鑑登録申請書 — drawn independently of any template.

Unlike ``sample_forms`` (drawn FROM a template), this form is a ruled table laid out as a
municipality would print it: its own registration marks (smaller, another margin, no
orientation square), the title on the left, checkbox groups (□本人 □代理人 □その他（　）, a
複数可 group), a two-line text cell, names with a full-width space, full-width digits and hyphens
of every kind, 和暦 dates including 元年. Its template is never written from this code: it is
proposed from the blank form by ``kyodo ocr new-template`` (see the benchmark), so the figures
measure a form kyodo has never seen.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from kyodo.robots.normalize import to_wareki
from kyodo.robots.ocr.render import FONT, H, W, degrade

NAME = "inkan_toroku"
TITLE = "印鑑登録申請書"
MARK, MARK_C = 56, 108  # mark side and centre distance from the edges (kyodo's: 70 and 145)
X0, X1, XL = 200, 2280, 700  # table left, right, end of the label column
SURNAMES = (("山田", "ヤマダ"), ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
            ("伊藤", "イトウ"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("吉田", "ヨシダ"), ("松本", "マツモト"),
            ("井上", "イノウエ"), ("木村", "キムラ"), ("藤井", "フジイ"), ("河野", "コウノ"), ("原田", "ハラダ"))
GIVEN = (("花子", "ハナコ"), ("太郎", "タロウ"), ("一郎", "イチロウ"), ("美咲", "ミサキ"), ("健太", "ケンタ"),
         ("直樹", "ナオキ"), ("由美", "ユミ"), ("大輔", "ダイスケ"), ("恵子", "ケイコ"), ("隆", "タカシ"), ("優子", "ユウコ"))
TOWNS = ("山口市中央", "下関市竹崎町", "宇部市常盤町", "防府市寿町", "周南市岐山通", "岩国市麻里布町", "山口市小郡下郷")
BUILDINGS = ("コーポ中央", "ハイツ山口", "メゾン常盤", "サンハイツ")
OTHERS = ("成年後見人", "保佐人", "法定代理人")
REASONS_1 = ("転入したため新しく印鑑を", "印鑑を紛失したため改めて", "結婚により氏が変わったため", "登録していた印鑑が欠けたため")
REASONS_2 = ("登録したいです。", "登録をお願いします。", "新しい印鑑で登録します。", "再登録を申請します。")
DOCS = ("運転免許証", "マイナンバーカード", "パスポート", "健康保険証")
HYPHENS = ("－", "ー", "‐", "-")

# (label, row height, kind) top to bottom; kind says what the value cell holds
ROWS = (("申請日", 130, "text"), ("氏名", 150, "text"), ("フリガナ", 130, "text"), ("生年月日", 130, "text"),
        ("郵便番号", 130, "text"), ("住所", 150, "text"), ("電話番号", 130, "text"),
        ("申請者", 150, "who"), ("本人確認書類（複数可）", 150, "docs"), ("登録の理由", 230, "lines"))
TOP = 420


def _font(size: int) -> Any:
    return ImageFont.truetype(FONT, size, index=0)


def _full(s: str) -> str:
    """Digits as full-width (what many people write on a typed form)."""
    return s.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def _wareki(d: date) -> str:
    return to_wareki(d)


def fake_values(rng: random.Random) -> dict[str, Any]:
    """One applicant's values, as written on the form (the ground truth)."""
    (fam, fam_k), (giv, giv_k) = rng.choice(SURNAMES), rng.choice(GIVEN)
    digits = _full if rng.random() < 0.6 else str
    applied = date(2025, 4, 1) + timedelta(days=rng.randint(0, 500))
    if rng.random() < 0.2:  # 元年: 平成元年 (1989-01-08..) or 令和元年 (2019-05-01..)
        born = rng.choice([date(1989, 1, 8), date(2019, 5, 1)]) + timedelta(days=rng.randint(0, 200))
    else:
        born = date(1935, 1, 1) + timedelta(days=rng.randint(0, 30000))
    hy = rng.choice(HYPHENS)
    area = rng.choice(["83", "836", "834", "820"])
    phone = f"0{area}{hy}{rng.randint(10 ** (5 - len(area)), 10 ** (6 - len(area)) - 1)}{hy}{rng.randint(1000, 9999)}"
    block = f"{rng.choice(TOWNS)}{rng.randint(1, 9)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号"
    address = f"{block}　{rng.choice(BUILDINGS)}{rng.randint(1, 3)}0{rng.randint(1, 9)}" if rng.random() < 0.5 else block
    who = rng.choices(["本人", "代理人", "その他"], weights=[6, 3, 2])[0]
    docs = sorted(rng.sample(DOCS, rng.choice([1, 1, 2])), key=DOCS.index)
    return {
        "申請日": digits(_wareki(applied)),
        "氏名": f"{fam}　{giv}",
        "フリガナ": f"{fam_k}　{giv_k}",
        "生年月日": digits(_wareki(born)),
        "郵便番号": digits(f"7{rng.randint(40, 59)}{rng.choice(HYPHENS)}{rng.randint(0, 9999):04d}"),
        "住所": digits(address),
        "電話番号": digits(phone),
        "申請者": who,
        "申請者（その他）": rng.choice(OTHERS) if who == "その他" else "",
        "本人確認書類": "、".join(docs),
        "登録の理由": [rng.choice(REASONS_1), rng.choice(REASONS_2)],
    }


def _tick(d: Any, x: int, y: int, side: int, rng: random.Random) -> None:
    """A hand-drawn-looking ✓ or ×, sometimes running over the box."""
    j = lambda: rng.randint(-4, 4)
    width = rng.randint(6, 9)
    if rng.random() < 0.7:
        d.line([(x + 8 + j(), y + side // 2 + j()), (x + side // 3 + j(), y + side - 8 + j()),
                (x + side + rng.randint(0, 12), y - rng.randint(0, 10))], fill=0, width=width, joint="curve")
    else:
        d.line([(x + 8, y + 8), (x + side - 8 + j(), y + side - 8 + j())], fill=0, width=width)
        d.line([(x + side - 8, y + 8), (x + 8 + j(), y + side - 8 + j())], fill=0, width=width)


def render(values: dict[str, Any] | None = None, seed: int = 0) -> Any:
    """The form (blank when ``values`` is None) as a 300-dpi grayscale PIL image."""
    rng = random.Random(seed)
    values = values or {}
    img = Image.new("L", (W, H), 255)
    d = ImageDraw.Draw(img)
    for cx, cy in ((MARK_C, MARK_C), (W - MARK_C, MARK_C), (W - MARK_C, H - MARK_C), (MARK_C, H - MARK_C)):
        d.rectangle([cx - MARK // 2, cy - MARK // 2, cx + MARK // 2, cy + MARK // 2], fill=0)
    d.text((X0, 190), TITLE, font=_font(96), fill=0)
    d.text((X0, 330), "山口県○○市長　様　　　次のとおり印鑑の登録を申請します。", font=_font(40), fill=0)
    label, value, small = _font(48), _font(62), _font(46)
    y = TOP
    d.line([(X0, y), (X1, y)], fill=0, width=4)
    for name, h, kind in ROWS:
        head, _, note = name.partition("（")
        d.text((X0 + 30, y + (12 if note else (h - 70) // 2)), head, font=label, fill=0)
        if note:  # 本人確認書類（複数可）: the note on a second line of the label cell
            d.text((X0 + 30, y + 82), "（" + note, font=_font(38), fill=0)
        if kind == "text":
            v = values.get(name, "")
            d.text((XL + 30, y + (h - 74) // 2), str(v), font=value, fill=0)
        elif kind == "lines":
            for i, line in enumerate(values.get(name) or []):
                d.text((XL + 30, y + 25 + i * 95), line, font=value, fill=0)
        else:
            _options(d, kind, values, y, h, small, rng)
        y += h
        d.line([(X0, y), (X1, y)], fill=0, width=4)
    d.line([(X0, TOP), (X0, y)], fill=0, width=4)
    d.line([(XL, TOP), (XL, y)], fill=0, width=3)
    d.line([(X1, TOP), (X1, y)], fill=0, width=4)
    d.text((X0, y + 40), "※ 代理人が申請するときは委任状が必要です。", font=_font(40), fill=0)
    return img


def _options(d: Any, kind: str, values: dict[str, Any], y: int, h: int, font: Any, rng: random.Random) -> None:
    """□ + label for each option of a group row; ticked ones as the values say."""
    side = 52
    ticked: list[Any]
    if kind == "who":
        opts, ticked = ["本人", "代理人", "その他"], [values.get("申請者")]
    else:
        opts, ticked = list(DOCS), str(values.get("本人確認書類", "")).split("、")
    x = XL + 40
    by = y + (h - side) // 2
    for o in opts:
        d.rectangle([x, by, x + side, by + side], outline=0, width=4)
        if o in ticked:
            _tick(d, x, by, side, rng)
        d.text((x + side + 18, by - 2), o, font=font, fill=0)
        x += side + 18 + int(d.textlength(o, font=font)) + 42
    if kind == "who":
        x -= 60
        d.text((x, by - 2), "（", font=font, fill=0)
        d.text((X1 - 80, by - 2), "）", font=font, fill=0)
        if values.get("申請者（その他）"):
            d.text((x + 60, by - 8), values["申請者（その他）"], font=_font(58), fill=0)


def write_forms(dest_dir: Path, count: int, seed: int, degraded: bool, turned: dict[int, int] | None = None) -> list[Path]:
    """``count`` filled forms with ``<name>.json`` ground truth; ``turned`` {index: degrees} turns some pages."""
    rng = random.Random(seed)
    dest_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        values = fake_values(rng)
        img = render(values, seed=rng.randint(0, 10 ** 6))
        if degraded:
            img = degrade(img, rng)
        if turned and i in turned:
            img = img.rotate(turned[i], expand=True)  # counter-clockwise, as a page fed the wrong way
        path = dest_dir / f"inkan_{i + 1:03d}.{'jpg' if degraded else 'png'}"
        img.save(path, dpi=(300, 300), **({"quality": 92} if degraded else {}))
        truth = {**values, "登録の理由": "".join(values["登録の理由"])}
        path.with_suffix(".json").write_text(json.dumps({"form": NAME, "values": truth}, ensure_ascii=False), encoding="utf-8")
        out.append(path)
    return out


def write_blank(dest: Path) -> Path:
    """The blank form, as a DX leader would scan it for ``kyodo ocr new-template``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    render(None).save(dest, dpi=(300, 300))
    return dest
