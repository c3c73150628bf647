"""Plausibility checks after matching: a reconciliation that matched nothing is not a success.

A key width of 10 where the town's 宛名番号 has 8 digits, 年度 written 令和6 on one side and
2024 on the other, or 税目 as names in the ledger and codes in the bank reference all give the
same symptom: almost every assessment 未納 and almost every payment 収納のみ. :func:`sanity_checks`
fails such a run with a :class:`BusinessError` that names the likely cause and shows a few
unmatched keys from each side, masked (宛名番号 is personal data); :func:`diagnose` finds the cause.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from kyodo.core.errors import BusinessError


class Verdict(StrEnum):
    OK = "OK"
    WARN = "要確認"
    NG = "NG"


@dataclass
class Check:
    """One line of the 集計 sheet's 照合の確認 section."""

    item: str
    verdict: Verdict
    detail: str


def mask_key(value: Any) -> str:
    """``0012345678`` → ``00******78``: length and edges stay visible (a width mismatch shows), the rest not."""
    s = str(value)
    return "*" * len(s) if len(s) <= 4 else s[:2] + "*" * (len(s) - 4) + s[-2:]


def _show(row: Any, keys: list[str]) -> str:
    return "｜".join(mask_key(row[k]) if i == 0 else str(row[k]) for i, k in enumerate(keys))


def _overlap(a: Any, b: Any) -> float:
    """Share of the distinct values of ``b`` that ``a`` also has."""
    sb = set(b.astype(str).unique())
    return len(sb & set(a.astype(str).unique())) / len(sb) if sb else 1.0


def _width_hint(assessments: Any, payments: Any, key: str, layout: dict[str, list[int]] | None) -> str:
    """If the bank reference holds the ledger's 宛名番号 at another width, say which."""
    if "照合キー" not in payments.columns or not layout or key not in layout:
        return ""
    ledger = set(assessments[key].astype(str).str.lstrip("0").unique())
    refs = payments["照合キー"].astype(str).drop_duplicates().head(5000)
    start, end = layout[key]
    best_w, best = 0, 0.0
    for w in range(4, 17):
        rate = refs.str.slice(start, start + w).str.lstrip("0").isin(ledger).mean()
        if rate > best:
            best_w, best = w, rate
    if best >= 0.5 and best_w != end - start:
        return (f"全銀の顧客番号・EDI情報では{key}は {start}〜{start + best_w} 桁目（{best_w} 桁）のようです"
                f"（設定 key_layout は [{start}, {end}] の {end - start} 桁）。key_layout と key_widths を直してください。")
    return ""


def diagnose(assessments: Any, payments: Any, keys: list[str], key_layout: dict[str, list[int]] | None = None) -> str:
    """The likely cause of a poor match, in Japanese, from which key's values disagree between the two sides."""
    causes = []
    width = _width_hint(assessments, payments, keys[0], key_layout)
    if width:  # the other keys then disagree only because every position after it is shifted
        return width + f"（{'・'.join(keys[1:])}が合わないのも、この桁のずれのためです）"
    for k in keys:
        rate = _overlap(assessments[k], payments[k])
        if rate >= 0.5:
            continue
        if k == keys[0]:
            if not width:
                lens_a = sorted(assessments[k].astype(str).str.len().unique().tolist())
                lens_p = sorted(payments[k].astype(str).str.len().unique().tolist())
                causes.append(f"{k}が一致しません（台帳 {lens_a} 桁、全銀 {lens_p} 桁）。{k}の桁数（key_widths・key_layout）"
                              f"を確認してください。")
            continue
        va = sorted(assessments[k].astype(str).unique().tolist())[:5]
        vp = sorted(payments[k].astype(str).unique().tolist())[:5]
        what = {"年度": "年度（和暦と西暦、year_columns・value_maps、key_layout の年度の桁）",
                "税目": "税目のコード対応（value_maps で 税目名 → 全銀の顧客番号のコード）",
                "期別": "期別の書き方（第1期 → 01、key_widths、value_maps）"}.get(k, f"{k}の対応（value_maps・key_layout）")
        causes.append(f"{k}の値が合いません（台帳: {'、'.join(va)} ／ 全銀: {'、'.join(vp)}）。{what}を確認してください。")
    return " ".join(causes) or "キーの値の対応（key_layout・key_widths・value_maps）を確認してください。"


def examples(result: Any, keys: list[str], n: int = 3) -> str:
    """A few unmatched keys from each side, masked: ``台帳（未納）: 00****78｜2024｜04｜01 …``."""
    unpaid = result[result["区分"] == "未納"].head(n)
    only = result[result["区分"] == "収納のみ"].head(n)
    a = "、".join(_show(r, keys) for _, r in unpaid.iterrows()) or "なし"
    p = "、".join(_show(r, keys) for _, r in only.iterrows()) or "なし"
    return f"照合できなかったキーの例（{'｜'.join(keys)}）— 台帳の未納: {a} ／ 全銀の収納のみ: {p}"


def match_rate(result: Any) -> tuple[int, int]:
    """(payment records matched to an assessment, payment records received)."""
    counts = result["収納件数"].to_numpy()
    total = int(counts.sum())
    unmatched = int(counts[(result["区分"] == "収納のみ").to_numpy()].sum())
    return total - unmatched, total


def sanity_checks(result: Any, assessments: Any, payments: Any, keys: list[str], *, min_match_rate: float,
                  key_layout: dict[str, list[int]] | None = None, paid_column: str = "収納額") -> list[Check]:
    """The checks of the 集計 sheet; raises a BusinessError (never 成功) when the result is implausible."""
    checks = []
    matched, total = match_rate(result)
    rate = matched / total if total else 0.0
    detail = f"収納 {total:,} 件のうち {matched:,} 件が調定と一致（{rate:.1%}、下限 {min_match_rate:.0%}）"
    if total == 0 or matched == 0 or rate < min_match_rate:
        why = ("収納データに入金が1件もありません。" if total == 0 else
               f"調定と照合できた収納が1件もありません（{detail}）。" if matched == 0 else
               f"調定と照合できた収納が {matched:,} 件だけです（{detail}）。")
        why += "このままでは結果が正しくないため、成功にしません。"
        raise BusinessError(why + " 考えられる原因: " + diagnose(assessments, payments, keys, key_layout), where="照合チェック",
                            hint=examples(result, keys) + "。意図どおりなら min_match_rate を下げて実行できます。")
    checks.append(Check("照合率", Verdict.OK, detail))
    paid_in = int(payments.loc[payments["入金"].astype(bool), paid_column].sum()) if "入金" in payments.columns else \
        int(payments[paid_column].sum())
    files = payments.attrs.get("files") or []
    stated = sum(int(f["入金額"]) for f in files)
    got = int(result[paid_column].sum())
    if got != paid_in or (files and stated != paid_in):
        raise BusinessError(f"照合結果の収納額 {got:,} 円が全銀ファイルの入金額 {stated or paid_in:,} 円と一致しません。",
                            where="照合チェック", hint="照合キーの重複や key_layout を確認してください。")
    bad = [f["ファイル"] for f in files if f["トレーラー"] != "一致"]
    checks.append(Check("全銀トレーラー", Verdict.NG if bad else Verdict.OK,
                        f"{len(files)} ファイルの件数・金額がトレーラーと一致、入金 {paid_in:,} 円 = 照合結果の収納額"
                        if not bad else f"不一致: {', '.join(bad)}"))
    checks += _ledger_checks(result, assessments)
    return checks


def _ledger_checks(result: Any, assessments: Any) -> list[Check]:
    out = []
    footer = assessments.attrs.get("footer")
    if footer is not None:
        amounts = "、".join(f"{k} {v:,} 円" for k, v in footer.totals.items()) or "金額なし"
        out.append(Check("台帳の合計行", Verdict.OK, f"{footer.row} 行目の合計（{amounts}）が明細の合計と一致"))
    else:
        out.append(Check("台帳の合計行", Verdict.WARN, "台帳に合計行がないため、台帳の件数・金額の照合はしていません"))
    if "確認事項" in assessments.columns:
        n = int((assessments["確認事項"] != "").sum())
        out.append(Check("検査数字（法人番号など）", Verdict.WARN if n else Verdict.OK,
                         f"{n:,} 行の検査数字が正しくありません（要対応・明細の確認事項に記載、照合には含めています）" if n
                         else "すべて正しい検査数字"))
    only = result[result["区分"] == "収納のみ"]
    if len(only):
        reasons = only["確認事項"].astype(str).str.replace(r"（.*?）", "", regex=True).str.replace("収納のみ: ", "")
        counts = "、".join(f"{k} {v} 件" for k, v in reasons.value_counts().items())
        out.append(Check("収納のみの理由", Verdict.WARN, counts))
    return out


def date_check(payments: Any, assessments: Any, year_column: str = "年度") -> Check | None:
    """A 引落日 far outside the ledger's 年度 means the year of a MMDD date was guessed wrong."""
    if year_column not in assessments.columns or "収納日" not in payments.columns or not len(payments):
        return None
    years = sorted({int(y) for y in assessments[year_column].astype(str).unique() if str(y).isdigit()})
    if not years:
        return None
    lo, hi = date(years[0], 4, 1), date(years[-1] + 1, 5, 31)  # the 年度 plus 出納整理期間
    days = [d for d in payments["収納日"] if isinstance(d, date)]
    off = [d for d in days if not lo <= d <= hi]
    ref = payments.attrs.get("reference_date", ("", ""))
    if off:
        return Check("収納日と年度", Verdict.WARN, f"{len(off):,} 件の収納日（例 {min(off).isoformat()}）が台帳の年度 "
                     f"{years[0]}〜{years[-1]} の範囲外です。引落日の年は基準日 {ref[0]}（{ref[1]}）で決めています。"
                     f"過去のファイルなら reference_date を指定してください。")
    return Check("収納日と年度", Verdict.OK, f"収納日はすべて台帳の年度の範囲内（基準日 {ref[0]}: {ref[1]}）")
