"""Server-side validation of the demo 受付 system, with the Japanese messages such systems show."""

from __future__ import annotations

import re
from datetime import date

RELATIONSHIPS = ("父", "母", "祖父", "祖母", "その他")
BANKS = ("山口銀行", "西京銀行", "山口県信用農業協同組合連合会", "ゆうちょ銀行")
_KANA = re.compile(r"^[ァ-ヶー　 ]+$")
_ZIP = re.compile(r"^\d{3}-\d{4}$")
_PHONE = re.compile(r"^0\d{1,4}-\d{1,4}-\d{3,4}$")
_RECEIPT = re.compile(r"^\d{4}-\d{6}$")


def _date(value: str, label: str, errors: list[str], *, not_before: date | None = None) -> None:
    try:
        d = date.fromisoformat(value)
    except ValueError:
        errors.append(f"{label}を正しく入力してください。")
        return
    if d > date.today():
        errors.append(f"{label}が未来の日付です。")
    elif not_before and d < not_before:
        errors.append(f"{label}が支給対象の範囲外です（{not_before.isoformat()} 以降）。")


def validate_page(page: int, v: dict[str, str]) -> list[str]:
    """Messages for every problem on one page (empty when the page is accepted)."""
    errors: list[str] = []
    if page == 1:
        if not _RECEIPT.match(v.get("receipt_no", "")):
            errors.append("受付番号は「2026-000123」の形式で入力してください。")
        if not v.get("applicant_name"):
            errors.append("申請者氏名は必須です。")
        if not _KANA.match(v.get("applicant_kana", "")):
            errors.append("申請者氏名（カナ）は全角カタカナで入力してください。")
        _date(v.get("applicant_birth", ""), "申請者の生年月日", errors)
        if not _ZIP.match(v.get("zip", "")):
            errors.append("郵便番号は「753-0001」の形式で入力してください。")
        if not v.get("address"):
            errors.append("住所は必須です。")
        if v.get("phone") and not _PHONE.match(v["phone"]):
            errors.append("電話番号の形式が正しくありません。")
        if v.get("relationship") not in RELATIONSHIPS:
            errors.append("続柄を選択してください。")
    else:
        if not v.get("child_name"):
            errors.append("児童氏名は必須です。")
        _date(v.get("child_birth", ""), "児童の生年月日", errors, not_before=date(date.today().year - 18, 4, 2))
        if v.get("child_gender") not in ("男", "女"):
            errors.append("児童の性別を選択してください。")
        if v.get("bank") not in BANKS:
            errors.append("金融機関を選択してください。")
        if v.get("account_type") not in ("普通", "当座"):
            errors.append("預金種目を選択してください。")
        if not re.fullmatch(r"\d{7}", v.get("account_no", "")):
            errors.append("口座番号は7桁の数字で入力してください。")
    return errors
