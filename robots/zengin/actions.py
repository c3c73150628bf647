"""全銀 file actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from robots import RunContext, action
from robots.errors import BusinessError


@action("zengin.read_payments", title="全銀ファイル（収納データ）を読み込む", zones=("lgwan", "mynumber"), personal_data=True,
        example="""
    - id: payments
      action: zengin.read_payments
      with:
        paths: [zengin/*.txt]
        key_layout: {宛名番号: [0, 10], 年度: [10, 14], 税目: [14, 16], 期別: [16, 18]}
    """)
def read_payments(ctx: RunContext, *, paths: list[str], key_layout: dict[str, list[int]], reference_date: date | None = None) -> Any:
    """銀行から届いた全銀ファイル（口座振替結果・振込入金通知）を読み、収納データの表にします。

    レコード長・レコード種別・トレーラーの件数と金額を確かめ、合わなければどの合計が違うかを示して止まります。
    振替不能（資金不足など）と取消は収納に含めません。

    引数:
      paths: ファイル（入力フォルダからの相対パス。* で複数指定可）。
      key_layout: 顧客番号・EDI情報のどの桁が何のキーか（例: 宛名番号は 0〜10 桁目）。
      reference_date: 年のない日付を決める基準日（省略時は実行日）。

    戻り値: 収納データの表（キー、収納額、収納日、収納経路、ファイル、行）。
    """
    from robots.reconcile.payments import payments_frame
    from robots.zengin.parser import read_zengin

    files = []
    for pattern in paths:
        base = ctx.input_path(".")
        matched = sorted(base.glob(pattern)) if any(ch in pattern for ch in "*?[") else [ctx.input_path(pattern)]
        if not matched:
            raise BusinessError(f"全銀ファイル「{pattern}」が見つかりません。", where=str(base))
        files += [read_zengin(ctx.input_path(m), reference_date) for m in matched]
    df = payments_frame(files, key_layout)
    ctx.log.info("全銀読込: %d ファイル, 収納 %d 件", len(files), len(df))
    return df
