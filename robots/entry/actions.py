"""``entry.transcribe`` (転記): type the rows of a workbook into a web business system, once each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from kyodo.core.errors import BusinessError
from kyodo.core.zones import Zone
from kyodo.robots import RunContext, action
from kyodo.robots.browser._session import page
from kyodo.robots.entry.batch import Batch, template_columns
from kyodo.robots.entry.journal import ItemResult, Journal, Outcome
from kyodo.robots.entry.system import SystemSpec, WebSystem
from kyodo.robots.normalize import normalize_text

RESULT, REASON, RECORD, AT = "転記結果", "確認理由", "管理番号", "処理日時"


def _check_config(table: Any, key_column: str, pages: list[dict[str, Any]]) -> None:
    if key_column not in table.columns:
        raise BusinessError(f"キーの列「{key_column}」が表にありません。", hint=f"表の列: {', '.join(map(str, table.columns))}")
    if not pages or any(not isinstance(p, dict) or "submit" not in p for p in pages):
        raise BusinessError("pages の各ページに submit（次へ・登録のボタン）を指定してください。")
    missing = sorted(template_columns(pages) - set(map(str, table.columns)))
    if missing:
        raise BusinessError(f"入力項目の対応に、表に無い列「{'」「'.join(missing)}」があります。",
                            hint=f"表の列: {', '.join(map(str, table.columns))}（列名が違うときは column_map で対応させてください）")


def _rows(table: Any, key_column: str) -> list[tuple[str, dict[str, Any]]]:
    return [(normalize_text(r[key_column]) if r[key_column] is not None else "", r) for r in table.to_dict("records")]


@action("entry.transcribe", title="Webの業務システムに1件ずつ転記する", zones=(Zone.LGWAN, Zone.INTERNET), personal_data=True, example="""
    - id: entered
      action: entry.transcribe
      with:
        table: ${applications}
        key_column: 受付番号
        system: {base_url: "${params.system_url}", user: "${params.user}", password_secret: "${params.password_secret}"}
        pages:
          - fields: {receipt_no: "{受付番号}", applicant_name: "{申請者氏名}", relationship: "{続柄}"}
            submit: "#next"
          - fields: {child_name: "{児童氏名}", child_gender: "{児童性別}"}
            submit: "#next"
          - submit: "#register"
        journal: ${params.workbook}.転記記録.jsonl
    """)
def transcribe(ctx: RunContext, *, table: Any, key_column: str, system: dict[str, Any], pages: list[dict[str, Any]],
               journal: str, max_items: int = 0) -> Any:
    """表（申請一覧など）の行を、Webの業務システムの入力画面に1件ずつ入力します（転記）。

    二重入力を防ぐため、各件はまず受付番号などのキーでシステムを検索し、登録済みなら入力せず
    内容を確認するだけにします。入力した件は保存後の画面の値を読み取り、入力しようとした値と
    同じかを確かめます。結果は1件ごとに記録（journal）に書くので、途中で止まっても再実行すれば
    続きから進みます。

    - システムが入力を受け付けない（入力エラー・重複の警告）件は「要確認」とし、画面の文言を理由に
      残して次の件へ進みます（1件の誤りで全体を止めません）。
    - セッションの有効期限切れは自動で再ログインし、その件を検索からやり直します。
    - 応答が遅い・止まったときは、その件を検索から2回までやり直し、だめなら「要確認」にします。

    引数:
      table: 転記する表（workbook.read_ledger などで読んだもの）。
      key_column: 1件を見分ける列（例: 受付番号）。システムの検索にも使います。
      system: システムの設定。base_url（入力画面のURLの共通部分）、user、password_secret（シークレット名）は必須。
        画面の違いは login_path / search_path（{key} が受付番号になります）/ found / not_found /
        start_path / done / error / verify_selector（{field} が項目名になります）/ verify_skip で指定します。
      pages: 入力画面のページの並び。各ページは fields（{画面の項目名: "{表の列名}"}）と submit（次へ・登録のボタン）。
        項目の種類（プルダウン・ラジオ・チェック・日付・ファイル）は browser.fill_form と同じく自動で判断します。
      journal: 1件ごとの結果を記録するファイル（入力フォルダからの相対パス。ブックの隣に置きます）。
      max_items: 1回に処理する最大件数（0 はすべて）。

    戻り値: 結果の表（キー・転記結果（入力済/要確認）・確認理由・管理番号・処理日時）。
    """
    _check_config(table, key_column, pages)
    try:
        spec = SystemSpec(**system)
    except TypeError as exc:
        raise BusinessError(f"system の設定に誤りがあります（{exc}）。",
                            hint="base_url・user・password_secret は必須です。使える名前は kyodo actions entry.transcribe を参照。") from None
    if not spec.base_url.strip():
        raise BusinessError("基幹システムのURL（system の base_url）が設定されていません。",
                            hint="自治体ファイル（config/municipalities/<コード>.yaml）の params に system_url を書いてください。")
    book = Journal(ctx.input_path(journal))
    pg = page(ctx, spec.timeout_seconds)
    web = WebSystem(pg, spec, lambda: ctx.secret(spec.password_secret), ctx.input_path)
    batch = Batch(web, book, pages, ctx.log,
                  on_retry=lambda key, n, exc: ctx.log.warning("転記: 受付番号 %s を再試行（%d 回目: %s）", key, n, type(exc).__name__))
    web.login()
    rows = _rows(table, key_column)
    with ctx.steps(len(rows), "件") as tick:  # no key shown: a key column may be personal (宛名番号)
        results = _enter_rows(ctx, tick.each(rows), key_column, book, batch, max_items)
    for r in results:
        if r.outcome is Outcome.REVIEW and not r.at and r.reason:
            ctx.item_error(f"{key_column} {r.key}", r.reason)
    ctx.log.info("転記: %d 件中 入力済 %d 件、要確認 %d 件（再ログイン %d 回）", len(results),
                 sum(r.outcome is Outcome.ENTERED for r in results), sum(r.outcome is Outcome.REVIEW for r in results), web.logins - 1)
    return pd.DataFrame([{key_column: r.key, RESULT: r.outcome.value, REASON: r.reason, RECORD: r.record_no, AT: r.at}
                         for r in results])


def _enter_rows(ctx: RunContext, rows: Iterable[tuple[str, dict[str, Any]]], key_column: str, book: Journal,
                batch: Batch, max_items: int) -> list[ItemResult]:
    """Enter each new row once; empty, duplicate, already entered keys and rows over ``max_items`` are not sent."""
    results: list[ItemResult] = []
    seen: set[str] = set()
    todo = 0
    for key, row in rows:
        prior = book.entered(key) if key else None
        if not key or key in seen or prior:
            reason = "キーが空です" if not key else ("ブック内でキーが重複しています" if key in seen else "")
            results.append(prior if prior and key not in seen else ItemResult(key, Outcome.REVIEW, reason))
            seen.add(key)
            continue
        seen.add(key)
        if max_items and todo >= max_items:
            results.append(ItemResult(key, Outcome.REVIEW, f"今回の上限（{max_items} 件）を超えたため未処理です。再実行で続きを処理します"))
            continue
        todo += 1
        res = book.write(batch.item(key, row))
        results.append(res)
        if res.outcome is Outcome.ENTERED:
            ctx.count_items(ok=1)
            ctx.log.info("転記: 受付番号 %s → 入力済 %s", key, res.record_no)
        else:
            ctx.item_error(f"{key_column} {key}", res.reason)
    return results
