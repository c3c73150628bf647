"""``kyodo faq report``: what residents asked that the bot could not answer, grouped into topics.

Unanswered and thumbs-down questions are clustered (character TF-IDF + k-means, scikit-learn)
so staff see which Q&A to add first; the workbook also carries the 正答率 over labelled logs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer

from kyodo.core.jst import JST
from kyodo.faq_bot._text import normalize
from kyodo.faq_bot.questionlog import QuestionStore, accuracy_from_logs
from kyodo.robots.excel.report import Sheet, write_workbook


def cluster(questions: list[str], max_topics: int = 10, seed: int = 0) -> list[int]:
    """A topic number for each question (same order)."""
    if len(questions) < 3:
        return [0] * len(questions)
    x = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), preprocessor=normalize, sublinear_tf=True).fit_transform(questions)
    k = max(1, min(max_topics, len(questions) // 3))
    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(x).tolist()




def _jst(t: datetime) -> datetime:
    """Stored times are UTC (SQLite drops the zone); staff read Japan time."""
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(JST).replace(tzinfo=None)


def as_text(value: str) -> str:
    """A resident's words as text, never a live formula (=HYPERLINK, =WEBSERVICE, +, -, @)."""
    return "'" + value if value and value.lstrip()[:1] in ("=", "+", "-", "@") or value[:1] in ("\t", "\r") else value


def build_report(store: QuestionStore, dest: Path, municipality: str | None = None) -> tuple[Path, Any]:
    """Write the improvement workbook; return its path and the topics table."""
    rows = store.to_improve(municipality)
    df = pd.DataFrame([{"日時（日本時間）": _jst(r.created_at), "自治体": r.municipality, "質問": as_text(r.question),
                        "種別": "回答できず" if r.kind == "not_sure" else "役に立たなかった", "確信度": round(r.confidence, 2)}
                       for r in rows])
    if df.empty:
        topics = pd.DataFrame(columns=["トピック", "件数", "質問の例"])
    else:
        df["トピック"] = [t + 1 for t in cluster(df["質問"].tolist())]
        topics = (df.groupby("トピック").agg(件数=("質問", "size"), 質問の例=("質問", lambda s: "\n".join(s.head(3))))
                  .sort_values("件数", ascending=False).reset_index())
    acc = accuracy_from_logs(store.labelled())
    notes = ["FAQ改善レポート（回答できなかった質問・役に立たなかった回答）",
             f"正答率（ラベル付き {int(acc['件数'])} 件）: {acc['正答率']:.1%}" if acc["件数"] else "正答率: ラベル付きの記録がまだありません"]
    sheets = [Sheet("トピック", topics, notes), Sheet("質問一覧", df if not df.empty else pd.DataFrame(columns=["質問"]))]
    return write_workbook(dest, sheets), topics
