"""FAQ matching on normalised words: lower case, `ё` as `е`, punctuation and
common function words dropped, a light suffix stripping (English and
Russian) so that "booking" meets "book" and "занятия" meets "занятие". The
score is Dice's coefficient of the two word sets (0..1)."""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W_]+", re.UNICODE)
STOP = set(
    "a an the is are am be to of in on at for and or do does did can could i you we my your it this that what how "
    "when where which who with me us there any please hi hello".split()
    + "а и в во на по к ко с со у о об от до за из ли не ни что как где когда какой какая какие я вы мы мой ваш "
      "это этот есть можно ли бы же то мне вам нас здравствуйте привет пожалуйста".split()
)
SUFFIXES = sorted(
    "ing ed es s ly ения ение ениям ия ие ий ый ая ое ые ого ому ом ами ями ах ях ов ев ей ам ям а я ы и е у ю о ь"
    .split(), key=len, reverse=True)


def stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text: str) -> set[str]:
    return {stem(w) for w in WORD.findall(text.lower().replace("ё", "е")) if w not in STOP}


def score(question: str, faq_question: str) -> float:
    a, b = words(question), words(faq_question)
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def best(question: str, faqs: list[tuple[int, str, str]], threshold: float) -> tuple[int, str, float] | None:
    """(faq_id, answer, score) of the best match at or above `threshold`, or None."""
    scored = [(score(question, q), faq_id, answer) for faq_id, q, answer in faqs]
    if not scored:
        return None
    top = max(scored, key=lambda s: (s[0], -s[1]))
    return (top[1], top[2], top[0]) if top[0] >= threshold else None
