"""The new table, file, pdf and workbook actions: real data in, and every implausible result refused."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from kyodo.robots import BusinessError, RunContext, all_actions
from kyodo.robots.table.ops import condition_mask


@pytest.fixture()
def ctx(tmp_path: Path) -> RunContext:
    inp = tmp_path / "in"
    inp.mkdir()
    return RunContext(run_id="t", artifact_dir=tmp_path / "run", input_dirs=(inp,))


def act(name: str):
    return all_actions()[name].func


MOVES = pd.DataFrame({
    "異動事由": ["転入", "転出", "転入", "死亡", "ﾃﾝｷｮ"],
    "年齢": ["3", "40", "12", "80", "7"],
    "施設コード": ["A01", "B02", "A01", "C03", "A01"],
    "料金": ["1,200円", "¥800", "0", "△100", "500"],
})


def test_filter_and_never_silent(ctx):
    out = act("table.filter")(ctx, table=MOVES, where=[{"column": "異動事由", "op": "in", "value": ["転入", "死亡"]},
                                                       {"column": "年齢", "op": "<=", "value": 15}])
    assert out["年齢"].tolist() == ["3", "12"]
    # half-width kana in the data matches the full-width rule
    assert len(act("table.filter")(ctx, table=MOVES, where=[{"column": "異動事由", "value": "テンキョ"}])) == 1
    # a value that occurs nowhere (a typo) is flagged, and min_rows refuses an empty result
    act("table.filter")(ctx, table=MOVES, where=[{"column": "異動事由", "value": "転入 届"}], label="国保")
    assert ctx.stats.item_errors and "転入 届" in ctx.stats.item_errors[-1]["message"]
    with pytest.raises(BusinessError, match="必要な 1 行"):
        act("table.filter")(ctx, table=MOVES, where=[{"column": "年齢", "op": ">", "value": 100}], min_rows=1)
    with pytest.raises(BusinessError, match="op「like」"):
        act("table.filter")(ctx, table=MOVES, where=[{"column": "年齢", "op": "like", "value": 1}])
    with pytest.raises(BusinessError, match="数値でない"):
        act("table.filter")(ctx, table=MOVES, where=[{"column": "異動事由", "op": ">", "value": 1}])


def test_join_sort_map_group(ctx):
    master = pd.DataFrame({"コード": ["A01", "B02", "C03"], "施設名": ["市民会館", "体育館", "公民館"]})
    joined = act("table.join")(ctx, left=MOVES, right=master, on={"施設コード": "コード"}, columns=["施設名"])
    assert joined["施設名"].tolist() == ["市民会館", "体育館", "市民会館", "公民館", "市民会館"]
    with pytest.raises(BusinessError, match="1件も結び付きません"):
        act("table.join")(ctx, left=MOVES, right=master.assign(コード=["x", "y", "z"]), on={"施設コード": "コード"})
    with pytest.raises(BusinessError, match="重複"):
        act("table.join")(ctx, left=MOVES, right=pd.concat([master, master]), on={"施設コード": "コード"})
    with pytest.raises(BusinessError, match="結び付きませんでした"):
        act("table.join")(ctx, left=MOVES, right=master.iloc[:2], on={"施設コード": "コード"}, require_all=True)
    mapped = act("table.map_values")(ctx, table=MOVES, column="施設コード", mapping={"A01": "会館", "B02": "体育館", "C03": "公民館"})
    assert mapped["施設コード"].tolist()[:2] == ["会館", "体育館"]
    with pytest.raises(BusinessError, match="どれにも当たりません"):
        act("table.map_values")(ctx, table=MOVES, column="施設コード", mapping={"Z9": "x"})
    with pytest.raises(BusinessError, match="対応表に無い値があります: C03"):
        act("table.map_values")(ctx, table=MOVES, column="施設コード", mapping={"A01": "x", "B02": "y"})
    derived = act("table.derive")(ctx, table=MOVES, columns={"円": {"from": "料金", "kind": "yen"}})
    assert derived["円"].tolist() == [1200, 800, 0, -100, 500]
    grouped = act("table.group")(ctx, table=derived, by=["施設コード"], sums=["円"])
    assert grouped.to_dict("records")[0] == {"施設コード": "A01", "件数": 3, "円": 1700}
    assert grouped.iloc[-1]["件数"] == 5 and grouped.iloc[-1]["円"] == 2400
    ordered = act("table.sort")(ctx, table=derived, by=["円"], descending=True)
    assert ordered["円"].tolist() == [1200, 800, 500, 0, -100]


def test_derive_dates_ages_hours(ctx):
    df = pd.DataFrame({"生年月日": ["平成27年4月2日", "R2.1.15", "1950/12/31"], "時間帯": ["9:00～12:00", "13時～14時30分", "18:30-21:00"],
                       "開始": ["09:00", "13:00", "18:30"], "終了": ["12:00", "14:30", "21:00"]})
    out = act("table.derive")(ctx, table=df, columns={
        "年齢": {"from": "生年月日", "kind": "age", "as_of": "2025-04-01"}, "月": {"from": "生年月日", "kind": "month"},
        "時間": {"from": "時間帯", "kind": "hours"}, "時間2": {"from": ["開始", "終了"], "kind": "hours"}})
    assert out["年齢"].tolist() == [9, 5, 74]
    assert out["月"].tolist() == ["2015-04", "2020-01", "1950-12"]
    assert out["時間"].tolist() == out["時間2"].tolist() == [3.0, 1.5, 2.5]
    with pytest.raises(BusinessError, match="2 件目"):
        act("table.derive")(ctx, table=df.assign(生年月日=["R2.1.1", "令和2年2月30日", "x"]),
                            columns={"年齢": {"from": "生年月日", "kind": "age"}})


def test_files_list_copy_move_archive(ctx):
    inp = ctx.input_dirs[0]
    (inp / "受信").mkdir()
    for n in ("a.csv", "b.csv", "~$lock.csv"):
        (inp / "受信" / n).write_text(n, encoding="utf-8")
    files = act("file.list")(ctx, folder="受信", pattern="*.csv")
    assert [f.name for f in files] == ["a.csv", "b.csv"]
    with pytest.raises(BusinessError, match="0 件"):
        act("file.list")(ctx, folder="受信", pattern="*.xlsx")
    act("file.copy")(ctx, paths=files, to="控え")
    with pytest.raises(BusinessError, match="既にあります"):
        act("file.copy")(ctx, paths=files[:1], to="控え")
    assert [p.name for p in act("file.copy")(ctx, paths=files[:1], to="控え", on_exists="rename")] == ["a_2.csv"]
    zipped = act("file.archive")(ctx, paths=["受信"], name="原本")
    assert sorted(zipfile.ZipFile(zipped).namelist()) == ["a.csv", "b.csv"] and zipped.parent == ctx.artifact_dir
    moved = act("file.move")(ctx, paths=files, to="処理済/20261126")
    assert all(p.exists() for p in moved) and not any(f.exists() for f in files)
    with pytest.raises(BusinessError, match="外"):
        act("file.move")(ctx, paths=moved, to="../outside")


def test_write_column_keeps_the_book_and_refuses_lost_keys(ctx):
    path = ctx.input_dirs[0] / "一覧.xlsx"
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "受付一覧"
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(["申請番号", "氏名"])
    ws.append([101, "山本"])
    ws.append(["１０２", "田中"])
    wb.create_sheet("メモ")["A1"] = "残すこと"
    wb.save(path)
    values = pd.DataFrame({"受付番号": ["101", "102"], "転記結果": ["入力済", "要確認"], "確認理由": ["", "郵便番号"]})
    act("workbook.write_column")(ctx, path="一覧.xlsx", key_column="受付番号", values=values, rename={"申請番号": "受付番号"})
    wb2 = load_workbook(path)
    ws2 = wb2.active
    assert [c.value for c in ws2[3]] == ["申請番号", "氏名", "確認理由", "転記結果"]
    assert [ws2["D4"].value, ws2["D5"].value, ws2["C5"].value] == ["入力済", "要確認", "郵便番号"]
    assert ws2["A1"].font.bold and wb2["メモ"]["A1"].value == "残すこと"
    assert (ctx.artifact_dir / "一覧.xlsx").exists()
    with pytest.raises(BusinessError, match="999"):
        act("workbook.write_column")(ctx, path="一覧.xlsx", key_column="受付番号", values={"999": "入力済"},
                                     rename={"申請番号": "受付番号"})


def test_pdf_read_text(ctx, tmp_path):
    from kyodo.robots.browser import CHROMIUM_ARGS, chromium_path
    from kyodo.robots.browser._session import driver

    inp = ctx.input_dirs[0]
    # The thread's one Playwright driver: another test in this process may already have started it.
    b = driver().chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    try:
        pg = b.new_page()
        pg.set_content("<h1>寄附金税額控除に係る申告特例申請書</h1><p>寄附金額 ３０，０００円</p>"
                       "<p style='page-break-before:always'>2ページ目</p>")
        pg.pdf(path=str(inp / "申請書.pdf"))
        pg.set_content("<div style='width:300px;height:200px;background:#333'></div>")
        pg.screenshot(path=str(tmp_path / "scan.png"))
        pg.set_content(f"<img src='data:image/png;base64,{__import__('base64').b64encode((tmp_path / 'scan.png').read_bytes()).decode()}'>")
        pg.pdf(path=str(inp / "スキャン.pdf"))
    finally:
        b.close()
    text = act("pdf.read_text")(ctx, path="申請書.pdf")
    assert "申告特例申請書" in text and "寄附金額 30,000円" in text and text.count("\f") == 1
    assert act("pdf.read_text")(ctx, path="申請書.pdf", pages=[2]).strip() == "2ページ目"
    with pytest.raises(BusinessError, match="OCR"):
        act("pdf.read_text")(ctx, path="スキャン.pdf")
    with pytest.raises(BusinessError, match="ページ"):
        act("pdf.read_text")(ctx, path="申請書.pdf", pages=[5])


def test_date_value_objects_are_accepted(ctx):
    df = pd.DataFrame({"d": [date(2025, 4, 1)]})
    assert act("table.derive")(ctx, table=df, columns={"m": {"from": "d", "kind": "month"}})["m"].tolist() == ["2025-04"]


@pytest.mark.parametrize(("value", "said"), [(None, "value がありません"), ("たくさん", "数値ではありません")])
def test_a_numeric_condition_without_a_number_is_a_business_error(value, said):
    """A DX leader's filter `{column: 件数, op: '>'}` with no or a non-numeric value: a Japanese message, not a crash."""
    df = pd.DataFrame({"件数": ["1", "5"]})
    with pytest.raises(BusinessError, match=said) as info:
        condition_mask(df, {"column": "件数", "op": ">", "value": value}, 1)
    assert "value に書いてください" in info.value.hint
    assert condition_mask(df, {"column": "件数", "op": ">", "value": "2"}, 1)[0].tolist() == [False, True]
