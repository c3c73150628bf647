"""The bot's fixed texts in three registers: 日本語, やさしい日本語 and English.

FAQ answers stay as the municipality wrote them; only the bot's own sentences change. English
is chosen when the question is written in Latin letters, or by the page's language switch.
"""

from __future__ import annotations

from enum import Enum


class Lang(str, Enum):
    JA = "ja"
    EASY = "easy"
    EN = "en"


TEXTS: dict[str, dict[Lang, str]] = {
    "empty": {Lang.JA: "ご質問を入力してください。例：「児童手当の申請方法を教えてください」",
              Lang.EASY: "しつもんを かいてください。れい：「じどうてあての もうしこみ」",
              Lang.EN: "Please type your question, e.g. \"How do I apply for child allowance?\""},
    "unreadable": {Lang.JA: "ご質問の内容を読み取れませんでした。文章で入力してください。",
                   Lang.EASY: "しつもんが わかりませんでした。ことばで かいてください。",
                   Lang.EN: "I could not read your question. Please write it in words."},
    "greeting": {Lang.JA: "こんにちは。子育て・手続き・施設などについて、ご質問をどうぞ。",
                 Lang.EASY: "こんにちは。こそだて・てつづき・しせつ などの しつもんを どうぞ。",
                 Lang.EN: "Hello. Ask me about childcare, procedures, facilities and more."},
    "abusive": {Lang.JA: "ご不便をおかけしています。ご意見は下記の窓口でも承ります。",
                Lang.EASY: "こまらせて ごめんなさい。いけんは したの まどぐちに つたえてください。",
                Lang.EN: "Sorry for the trouble. You can also tell the office below."},
    "not_found": {Lang.JA: "確かな回答が見つかりませんでした。下記の窓口へお問い合わせください。",
                  Lang.EASY: "こたえが みつかりませんでした。したの まどぐちに きいてください。",
                  Lang.EN: "I could not find a reliable answer. Please contact the office below."},
    "not_sure": {Lang.JA: "確かな回答が見つかりませんでした。次の質問が近いかもしれません。解決しない場合は下記の窓口へお問い合わせください。",
                 Lang.EASY: "こたえが はっきり わかりませんでした。したの しつもんが ちかいかも しれません。わからないときは まどぐちに きいてください。",
                 Lang.EN: "I could not find a reliable answer. These questions may be close. Otherwise please contact the office below."},
    "answer_note": {Lang.JA: "", Lang.EASY: "",
                    Lang.EN: "The answer below is in Japanese. The office can help in person."},
}


def text(key: str, lang: Lang) -> str:
    return TEXTS[key][lang]


def detect(question: str, requested: str | None = None) -> Lang:
    """The register to reply in: the page's choice, else English for Latin-letter questions."""
    if requested in {lang.value for lang in Lang}:
        return Lang(requested)
    letters = [c for c in question if c.isalpha()]
    latin = sum(1 for c in letters if c.isascii())
    return Lang.EN if letters and latin / len(letters) > 0.7 else Lang.JA
