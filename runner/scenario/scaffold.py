"""``kyodo scenario new``: a commented starting file that validates as it is."""

from __future__ import annotations

TEMPLATE = """\
# yaml-language-server: $schema=../docs/scenario.schema.json
# ───────────────────────────────────────────────────────────────
# シナリオ「{name}」の下書きです。# の行は説明（実行されません）。
# 書けたら: kyodo scenario validate {name}.yaml で確認 → kyodo run {name}.yaml -m 自治体コード --dry-run
# ───────────────────────────────────────────────────────────────
name: {name}                 # シナリオID（ファイル名と同じ。半角英小文字・数字・_）
title: {title}               # 画面やレポートに出る名前
description: ここに、何をするシナリオかを書きます。
department: 担当課名
zone: internet               # 動かすネットワーク: internet / lgwan / mynumber
scope: municipality          # municipality: 自治体ごとに1回 / prefecture: まとめて1回
minutes_per_item: 1          # 人が手作業で1件に何分かかるか（効果測定に使います）
personal_columns: []         # 個人情報を含む列名（例: [氏名, 住所]）。ログでは隠されます

params:                      # 自治体ごとに変えられる値（自治体台帳の overrides で上書き）
  csv_file:
    type: path
    default: input.csv
    description: 読み込むCSV（自治体の入力フォルダ var/data/自治体コード/ からの相対パス。--dry-run で場所を表示）

steps:                       # 上から順に実行します。使えるアクションは kyodo actions
  - id: table                # id を付けると、結果を ${{table}} で後から使えます
    title: CSVを読み込む
    action: excel.read_csv
    with:
      path: ${{params.csv_file}}

  - title: Excelに書き出す
    action: excel.write_report
    with:
      path: {name}_${{run.yyyymmdd}}.xlsx
      sheets: [{{sheet: 一覧, table: "${{table}}"}}]
"""


def scaffold(name: str, title: str = "新しいシナリオ") -> str:
    return TEMPLATE.format(name=name, title=title)
