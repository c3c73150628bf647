"""``kyodo faq``: evaluate, ask, serve, tune and report.

The FAQ bot knows nothing of the runner; this command builds its :class:`FaqService` from the
municipality registry (``config/municipalities.yaml``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import typer

app = typer.Typer(help="住民向けFAQチャットボット。", no_args_is_help=True)


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _plain(text: str, keep_newlines: bool = True) -> str:
    """Text safe to print on a terminal: control characters (ESC sequences, CR, bidi) removed."""
    s = _CONTROL.sub("", text or "")
    return s if keep_newlines else s.replace("\n", " ")


def _service() -> Any:
    """The FAQ bot (a FaqService) for the municipalities in the registry."""
    from kyodo.core.settings import get_settings
    from kyodo.faq_bot.service import FaqService
    from kyodo.runner.registry import load_registry

    return FaqService(load_registry(get_settings().registry_path))


def _fail(exc: Exception) -> None:
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True).print(f"[bold red]エラー[/]: {escape(str(exc))}")
    raise typer.Exit(2)


@app.command("eval")
def eval_(
    corpus: Path = typer.Option(..., "--corpus", help="FAQ（JSON: [{id, question, answer}] または CSV）"),
    queries: Path = typer.Option(..., "--queries", help="{qid: 質問} のJSON"),
    qrels: Path = typer.Option(..., "--qrels", help="{qid: {faq_id: grade}} のJSON（grade>=1 が正解）"),
    as_json: bool = typer.Option(False, "--json", help="結果を1つのJSONで出力"),
) -> None:
    """検索精度を測ります（SR@1/3/5, MRR, MAP, nDCG@10, 応答時間）。"""
    from kyodo.core.errors import KyodoError
    from kyodo.faq_bot.evaluate import load_eval_inputs, run_eval
    from kyodo.faq_bot.retriever import Retriever

    try:
        entries, q, r = load_eval_inputs(corpus, queries, qrels)
        metrics = run_eval(Retriever(entries), q, r)
    except KyodoError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(metrics))
        return
    for k, v in metrics.items():
        typer.echo(f"{k:>8}: {v:.4f}" if not k.endswith("_ms") else f"{k:>8}: {v:.2f} ms")


@app.command("ask")
def ask(
    question: str = typer.Argument(..., help="質問"),
    municipality: str = typer.Option(..., "--municipality", "-m", help="自治体コード"),
    as_json: bool = typer.Option(False, "--json", help="JSONで出力"),
) -> None:
    """質問に答えます。"""
    from kyodo.core.errors import KyodoError
    from kyodo.faq_bot.answer import reply

    question = _plain(question, keep_newlines=False)
    try:
        svc = _service()
        r = reply(svc.retriever(municipality), question, svc.directory(municipality))
    except KyodoError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(r.as_dict(), ensure_ascii=False))
        return
    typer.echo(_plain(r.message))
    if r.answer:
        typer.echo(f"\n（出典: FAQ {r.answer['id']}「{_plain(r.answer['question'])}」 担当: {r.contact['office'] if r.contact else ''}  確信度 {r.confidence:.2f}）")
    for s in r.suggestions if r.kind == "not_sure" else []:
        typer.echo(f"  ・{_plain(s['question'])}")
    if r.kind == "not_sure" and r.contact:
        typer.echo(f"問い合わせ先: {r.contact['office']} {r.contact['phone']} {r.contact.get('hours', '')}")


@app.command("serve")
def serve(host: str = typer.Option("127.0.0.1", help="待ち受けアドレス"), port: int = typer.Option(8700, help="ポート")) -> None:
    """チャット画面とAPIを起動します（/m/自治体コード）。"""
    import uvicorn

    from kyodo.faq_bot.api import create_app, server_config

    typer.echo("検索用の索引を裏で準備しながら起動します（先に質問された自治体から優先して作ります）。")
    app = create_app(_service(), warm=True)
    typer.echo(f"FAQチャットボット: http://{host}:{port}/ （例: http://{host}:{port}/m/352039）")
    uvicorn.Server(server_config(app, host, port)).run()


@app.command("report")
def report(
    output: Path = typer.Option(Path("faq_improvement.xlsx"), "--output", "-o", help="出力するExcel"),
    municipality: str | None = typer.Option(None, "--municipality", "-m", help="自治体コード（省略ですべて）"),
) -> None:
    """回答できなかった質問をトピックに分けてExcelにします。"""
    from kyodo.faq_bot.questionlog import QuestionStore
    from kyodo.faq_bot.report import build_report

    path, topics = build_report(QuestionStore(), output, municipality)
    typer.echo(f"{len(topics)} トピックを {path} に書き出しました。")


@app.command("localize")
def localize_cmd(
    municipality: str = typer.Option(..., "--municipality", "-m", help="自治体コード"),
    output: Path | None = typer.Option(None, "--output", "-o", help="記入表（省略時 KYODO_FAQ_DIR/localize/<コード>.xlsx）"),
) -> None:
    """FAQの「○○」「（電話番号）」などを自治体の内容で埋める記入表（Excel）を書き出します。"""
    from kyodo.core.errors import KyodoError
    from kyodo.faq_bot.localize import ALL, read_workbook, write_workbook

    try:
        svc = _service()
        m = svc.registry.get(municipality)
        if svc.faq_dir is None:
            raise KyodoError("KYODO_FAQ_DIR が設定されていません（デモのFAQは記入済みです）。", hint="FAQファイルのフォルダを KYODO_FAQ_DIR に設定してください。")
        dest = output or svc.localize_path(m.code)
        values = read_workbook(svc.localize_path(m.code))
        values.setdefault((ALL, "○○市"), m.name)
        values.setdefault((ALL, "●●県"), svc.registry.prefecture.name)
        path = write_workbook(dest, svc._raw(m.code), values, m.name)
    except KyodoError as exc:
        _fail(exc)
    typer.echo(f"記入表を {path} に書き出しました。「値」の列を埋めて {svc.localize_path(m.code)} に保存すると、読み込み時に使われます。")


@app.command("lint")
def lint(municipality: str = typer.Option(..., "--municipality", "-m", help="自治体コード")) -> None:
    """未記入のプレースホルダが残っていて住民に表示されないFAQを一覧にします。"""
    from kyodo.core.errors import KyodoError

    try:
        svc = _service()
        shown, withheld = svc.localized(municipality)
    except KyodoError as exc:
        _fail(exc)
    for w in withheld:
        typer.echo(f"FAQ {w.entry.id}「{_plain(w.entry.question, False)[:40]}」 未記入: {'、'.join(w.missing)[:200]}")
    typer.echo(f"表示 {len(shown)} 件 / 非表示（未記入あり） {len(withheld)} 件")
    if withheld:
        raise typer.Exit(1)


@app.command("tune")
def tune_() -> None:
    """調整用の質問（住民の口語＋言い換え＋対象外）だけで重みと確信度を選び直します（評価用の質問は使いません）。"""
    from kyodo.faq_bot.demo import generic_corpus
    from kyodo.faq_bot.evaluate import load_json
    from kyodo.faq_bot.retriever import Model, Retriever
    from kyodo.faq_bot.tuning import DEV_SETS, TuneSet, tune

    dev = DEV_SETS
    sets = [TuneSet(name, load_json(dev / f"{q}.json", "質問"), load_json(dev / f"{r}.json", "正解"))
            for name, q, r in (("colloquial", "colloquial_tune", "colloquial_qrels_tune"),
                               ("paraphrase", "paraphrase_tune", "paraphrase_qrels_tune"),
                               ("variants", "queries_tune", "qrels_tune"))]
    r = Retriever(generic_corpus(), model=Model())
    m, rep = tune(r, sets, load_json(dev / "ood_tune.json", "対象外の質問"))
    m.save()
    typer.echo(f"重み（調整用の質問で選択）: {m.weights}")
    typer.echo(f"  5分割交差検証の目的値 {rep.cv_objective:.3f}（均等の重み {rep.equal_objective:.3f}）; 各分割の選択: {rep.fold_picks}")
    typer.echo(f"回答する確信度のしきい値 {m.threshold}: 交差検証で正答率 {rep.cv_precision:.0%}、直接回答の割合 {rep.cv_coverage:.0%}")
