"""Retrieval quality on labelled queries: asserting ranks, not just "returns something"."""

import json
from pathlib import Path

import pytest

from kyodo.faq_bot.evaluate import run_eval

DEV = Path("faq_bot/data/dev")


def rank(retriever, query, faq_id):
    hits, _ = retriever.search(query, 10)
    ids = [h.entry.id for h in hits]
    return ids.index(str(faq_id)) + 1 if str(faq_id) in ids else 99


@pytest.mark.parametrize("query,faq_id,max_rank", [
    ("母子手帳ってどこでもらえるの", 1, 5),
    ("こくほの手続きに必要なもの", 940, 1),          # 国保 in kana → synonym
    ("粗大ゴミを出したい", 332, 1),
    ("児童扶養手当の証書を紛失しました", 146, 1),
    ("ふうしんのよぼうせっしゅ", 338, 1),            # all hiragana: the reading view meets 風疹の予防接種
    ("じどうてあてのしんせいほうほう", 69, 1),
    ("そだいごみのだしかた", 332, 2),              # 369 (粗大ごみ料金) may come first
    ("出産育児一時金はいくらもらえますか", 842, 1),
])
def test_known_questions_rank_high(generic_retriever, query, faq_id, max_rank):
    assert rank(generic_retriever, query, faq_id) <= max_rank


def test_near_duplicate_faqs_all_count(generic_retriever):
    hits, _ = generic_retriever.search("市役所って何時から何時まで開いてる", 3)
    assert hits[0].entry.id in {"318", "1034", "1097"}  # 開庁時間 / いつまで開いて / 何時から始まり


def test_similar_but_different_procedures_are_told_apart(generic_retriever):
    # 育成医療 / 療育医療 / 養育医療 share most characters
    assert rank(generic_retriever, "育成医療はどんなときに申請できる", 47) == 1
    assert rank(generic_retriever, "養育医療はどんなときに申請できる", 54) == 1


def test_held_apart_set_beats_the_published_reference(generic_retriever):
    q = json.loads((DEV / "queries_test.json").read_text(encoding="utf-8"))
    r = json.loads((DEV / "qrels_test.json").read_text(encoding="utf-8"))
    m = run_eval(generic_retriever, q, r)
    assert m["sr@1"] >= 0.61 and m["sr@5"] >= 0.8  # latency is measured in bench/bench_faq.py, not here


def test_confidence_separates_answerable_from_unrelated(generic_retriever):
    _, good = generic_retriever.search("児童手当の申請に必要なものを教えてください", 3)
    _, bad = generic_retriever.search("宝くじの当選番号を知りたい", 3)
    assert good >= generic_retriever.model.threshold > bad


def test_colloquial_words_are_expanded_on_the_query_side_only(tmp_path):
    from kyodo.faq_bot.synonyms import Synonyms

    s = Synonyms.load()
    assert "転居" in s.expand("引っ越しの手続き") and "引っ越し" in s.expand("引っ越しの手続き")
    assert "ひとり親" in s.expand("シングルマザーの手当") and "入場整理券" in s.expand("選挙のはがきが来ない")
    bad = tmp_path / "syn.yaml"
    bad.write_text("転居: [引っ越し\n  ひっこし: ]", encoding="utf-8")
    with pytest.raises(Exception, match="同義語表"):
        Synonyms.load(bad)


def test_chive_vectors_are_read_from_the_ja_ginza_wheel():
    import numpy as np

    from kyodo.faq_bot import chive

    v = chive.load()
    assert v is not None, "ja-ginza is not installed: pip install --no-deps ja-ginza==5.3.0"
    a, b, c = v.row("引っ越し"), v.row("転居"), v.row("予防接種")
    assert min(a, b, c) >= 0 and v.row("存在しない語ですよ") == -1
    assert float(v.unit[a] @ v.unit[b]) > float(v.unit[a] @ v.unit[c])
    assert np.isclose(np.linalg.norm(v.unit[a]), 1.0, atol=1e-4)


def test_colloquial_tuning_questions(generic_retriever):
    q = json.loads((DEV / "colloquial_tune.json").read_text(encoding="utf-8"))
    r = json.loads((DEV / "colloquial_qrels_tune.json").read_text(encoding="utf-8"))
    m = run_eval(generic_retriever, q, r)
    # tuned weights (faq tune): SR@1 .73, SR@5 .84 here (equal weights were .65 / .88)
    assert m["sr@1"] >= 0.7 and m["sr@5"] >= 0.8


def _dev(queries, qrels):
    return (json.loads((DEV / f"{queries}.json").read_text(encoding="utf-8")),
            json.loads((DEV / f"{qrels}.json").read_text(encoding="utf-8")))


def test_fused_ranker_beats_word_tfidf_on_colloquial_tuning_set(generic_retriever):
    """Regression guard (tuning set only; held-out figures live in bench/): residents' own
    wording must keep the fused ranker ahead of plain word TF-IDF at SR@1, SR@5 and MRR."""
    from kyodo.faq_bot.baselines import Baseline, baseline_eval

    q, r = _dev("colloquial_tune", "colloquial_qrels_tune")
    ours = run_eval(generic_retriever, q, r)
    word = baseline_eval(generic_retriever.entries, q, r, Baseline.WORD)
    for k in ("sr@1", "sr@5", "mrr"):
        assert ours[k] >= word[k] + 0.25, (k, ours[k], word[k])  # now ~+.35 to +.39


def test_word_scorer_finds_the_faq_that_uses_the_residents_words(generic_retriever):
    parts = generic_retriever.scores("保育園の申し込み締め切りは？")
    assert set(parts) >= {"bm25f", "char", "sif", "word"}
    ids = [e.id for e in generic_retriever.entries]
    assert ids[int(parts["word"].argmax())] == "823"  # 保育園の申し込みの締め切りはいつですか？


def test_threshold_keeps_precision_and_maximises_coverage():
    import numpy as np

    from kyodo.faq_bot.tuning import threshold_for

    conf = np.linspace(0.99, 0.01, 40)
    right = np.array([1] * 20 + [1, 0] * 10)  # perfect top half, then a coin toss
    t = threshold_for(conf, right, precision=0.9)
    answered = conf >= t
    assert answered.sum() == 25 and right[answered].mean() >= 0.9  # 23 of 25 right
    assert right[:26].mean() < 0.9  # answering one more question would break the 90 %
    assert threshold_for(conf[:5], right[:5]) == 0.99  # too few answers to claim a precision: answer nothing


def test_tuned_model_answers_precisely_on_tuning_sets(generic_retriever):
    """The shipped model.json was fitted for these scorers: its threshold keeps >= 90 % precision
    on the tuning questions and still answers a real share of them."""
    answered = right = total = 0
    for name, rel in (("colloquial_tune", "colloquial_qrels_tune"), ("paraphrase_tune", "paraphrase_qrels_tune")):
        q, r = _dev(name, rel)
        for qid, text in q.items():
            hits, conf = generic_retriever.search(text, 1)
            total += 1
            if hits and conf >= generic_retriever.model.threshold:
                answered += 1
                right += r[qid].get(hits[0].entry.id, 0) >= 1
    assert right / answered >= 0.9 and answered / total >= 0.4
