"""The chat page's own texts in 日本語, やさしい日本語 and English (the FAQ answers stay Japanese)."""

from __future__ import annotations

from kyodo.faq_bot.messages import Lang

_PAGE = {
    Lang.JA: {"title": "よくある質問 チャットボット", "intro": "子育て・手続き・施設などについて、質問を入力してください（24時間受付）。個人番号・氏名・住所・電話番号は入力しないでください。",
              "label": "質問", "placeholder": "例：児童手当の申請方法は？", "send": "送信", "waiting": "回答を探しています…",
              "contact": "わからないときの問い合わせ先", "office": "担当", "more": "詳しく", "near": "近い質問:",
              "helpful": "役に立った", "unhelpful": "役に立たなかった", "error": "通信できませんでした。時間をおいてお試しください。",
              "unknown": "この自治体のチャットボットは見つかりませんでした。", "choose": "お住まいの自治体を選んでください。"},
    Lang.EASY: {"title": "よくある しつもん チャットボット", "intro": "こそだて・てつづき などの しつもんを かいてください。なまえ・じゅうしょ・でんわばんごうは かかないでください。",
                "label": "しつもん", "placeholder": "れい：じどうてあての もうしこみ", "send": "おくる", "waiting": "こたえを さがしています…",
                "contact": "わからないときの まどぐち", "office": "たんとう", "more": "くわしく", "near": "ちかい しつもん:",
                "helpful": "やくに たった", "unhelpful": "やくに たたなかった", "error": "つながりませんでした。あとで もういちど ためしてください。",
                "unknown": "この まちの チャットボットは みつかりませんでした。", "choose": "すんでいる まちを えらんでください。"},
    Lang.EN: {"title": "FAQ chatbot", "intro": "Ask about childcare, procedures and facilities (answers are in Japanese). Do not type your name, address, phone or My Number.",
              "label": "Question", "placeholder": "e.g. How do I apply for child allowance?", "send": "Send", "waiting": "Looking for an answer…",
              "contact": "If you need help, contact", "office": "Office", "more": "More", "near": "Similar questions:",
              "helpful": "Helpful", "unhelpful": "Not helpful", "error": "Could not connect. Please try again later.",
              "unknown": "There is no chatbot for this municipality.", "choose": "Please choose your municipality."},
}


def page_texts(lang: Lang) -> dict[str, str]:
    return _PAGE[lang]
