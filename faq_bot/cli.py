"""``kyodo faq``: evaluate, ask, serve, tune and report (mounted by runner.cli)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(help="住民向けFAQチャットボット。FAQ chatbot for residents.", no_args_is_help=True)


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
    """検索精度を測ります（SR@1/3/5, MRR, MAP, nDCG@10, 応答時間）。Evaluate retrieval."""
    from faq_bot.evaluate import load_eval_inputs, run_eval
    from faq_bot.retriever import Retriever
    from robots.errors import KyodoError

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
    """質問に答えます。Ask the bot one question."""
    from faq_bot.answer import reply
    from faq_bot.service import FaqService
    from robots.errors import KyodoError

    try:
        svc = FaqService()
        r = reply(svc.retriever(municipality), question, svc.office(municipality))
    except KyodoError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(r.as_dict(), ensure_ascii=False))
        return
    typer.echo(r.message)
    if r.answer:
        typer.echo(f"\n（出典: FAQ {r.answer['id']}「{r.answer['question']}」 担当: {r.contact['office'] if r.contact else ''}  確信度 {r.confidence:.2f}）")
    for s in r.suggestions if r.kind == "not_sure" else []:
        typer.echo(f"  ・{s['question']}")
    if r.kind == "not_sure" and r.contact:
        typer.echo(f"問い合わせ先: {r.contact['office']} {r.contact['phone']}")


@app.command("serve")
def serve(host: str = typer.Option("127.0.0.1", help="待ち受けアドレス"), port: int = typer.Option(8700, help="ポート")) -> None:
    """チャット画面とAPIを起動します（/m/自治体コード）。Serve the chat page."""
    import uvicorn

    from faq_bot.api import create_app

    typer.echo(f"FAQチャットボット: http://{host}:{port}/ （例: http://{host}:{port}/m/352039）")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")


@app.command("report")
def report(
    output: Path = typer.Option(Path("faq_improvement.xlsx"), "--output", "-o", help="出力するExcel"),
    municipality: Optional[str] = typer.Option(None, "--municipality", "-m", help="自治体コード（省略ですべて）"),
) -> None:
    """回答できなかった質問をトピックに分けてExcelにします。Improvement report."""
    from faq_bot.questionlog import QuestionStore
    from faq_bot.report import build_report

    path, topics = build_report(QuestionStore(), output, municipality)
    typer.echo(f"{len(topics)} トピックを {path} に書き出しました。")


@app.command("tune")
def tune_(
    queries: Path = typer.Option(Path(__file__).parent / "data" / "dev" / "queries_tune.json", help="調整用の質問"),
    qrels: Path = typer.Option(Path(__file__).parent / "data" / "dev" / "qrels_tune.json", help="調整用の正解"),
) -> None:
    """調整用の質問で重みと確信度モデルを学習し直します（評価用の質問は使いません）。Re-tune."""
    from faq_bot.demo import generic_corpus
    from faq_bot.evaluate import load_json, tune
    from faq_bot.retriever import Model, Retriever

    r = Retriever(generic_corpus(), model=Model())
    ood = load_json(Path(__file__).parent / "data" / "dev" / "ood_tune.json", "対象外の質問")
    m = tune(r, load_json(queries, "質問"), load_json(qrels, "正解"), ood)
    m.save()
    typer.echo(f"weights={m.weights} conf={m.conf_coef}")
