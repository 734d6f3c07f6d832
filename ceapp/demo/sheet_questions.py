"""Demo events' own feedback-sheet questions, and the answers returned sheets give them.

A few consultations ask questions of their own, translated into some of the
sheet languages and not others (the sheet prints those in English and says
so). Everything here draws from streams of its own, keyed by the event, so
the rest of the demo is the same with or without it.
"""

from __future__ import annotations

import random

from ceapp import changes, event_questions
from ceapp.sheet_answers import INFLUENCE, NOT_ANSWERED, WANTS_NEWS
from ceapp.store import Store

# (kind, the question by language); English always.
QUESTIONS = (
    (
        "agree",
        {
            "en": "The library should open on Saturday afternoons.",
            "pl": "Biblioteka powinna być otwarta w soboty po południu.",
            "bn": "লাইব্রেরি শনিবার বিকেলেও খোলা থাকা উচিত।",
            "ur": "لائبریری ہفتے کی دوپہر کو بھی کھلی رہنی چاہیے۔",
            "ar": "يجب أن تفتح المكتبة أبوابها بعد ظهر يوم السبت.",
        },
    ),
    (
        "yes_no",
        {
            "en": "Have you used the community centre this year?",
            "pl": "Czy korzystał(a) Pan/Pani w tym roku z domu kultury?",
            "so": "Sanadkan ma isticmaashay xarunta bulshada?",
        },
    ),
    (
        "write",
        {
            "en": "What would make the park feel safer after dark?",
            "bn": "সন্ধ্যার পর পার্ককে আরও নিরাপদ মনে করাতে কী করা যায়?",
            "pa": "ਹਨੇਰੇ ਤੋਂ ਬਾਅਦ ਪਾਰਕ ਨੂੰ ਹੋਰ ਸੁਰੱਖਿਅਤ ਕੀ ਬਣਾਏਗਾ?",
        },
    ),
    (
        "agree",
        {
            "en": "Bins in my street are emptied often enough.",
            "el": "Οι κάδοι στον δρόμο μου αδειάζουν αρκετά συχνά.",
            "tr": "Sokağımdaki çöp kutuları yeterince sık boşaltılıyor.",
        },
    ),
)
WRITTEN = (
    "Better lighting by the gates",
    "A warden in the evenings",
    "Cut back the bushes by the path",
    "Keep the toilets open later",
)
# Meetings that put a local question to residents: one in five of those
# held, and most of those coming up, so the sheets printed for the next
# forums show them.
ASKING_METHODS = frozenset({"area_forum", "public_meeting", "workshop"})
SHARE_ASKING, SHARE_ASKING_UPCOMING = 0.2, 0.7


def add_questions(store: Store, event_id: str, method: str, *, upcoming: bool) -> list[dict]:
    """Give the event one or two questions of its own, or none; returns them."""
    rng = random.Random(f"sheet questions {event_id}")
    share = SHARE_ASKING_UPCOMING if upcoming else SHARE_ASKING
    if method not in ASKING_METHODS or rng.random() >= share:
        return []
    chosen = rng.sample(QUESTIONS, rng.choice((1, 2)))
    records = [
        {"event_id": event_id, "position": position, "kind": kind, "texts": dict(texts)}
        for position, (kind, texts) in enumerate(chosen, start=1)
    ]
    changes.create_many(store, "event_questions", records)
    return event_questions.list_questions(store, event_id)


def answers_for(rng: random.Random, questions: list[dict]) -> dict[str, str]:
    """A returned sheet's answers to the event's own questions, as stored."""
    answers = {}
    for question in questions:
        if rng.random() < 0.15:
            continue  # left blank
        if question["kind"] == "write":
            answer = rng.choice(WRITTEN)
        elif question["kind"] == "agree":
            answer = rng.choices(INFLUENCE.codes, (20, 30, 20, 10, 20))[0]
        else:
            answer = rng.choices(WANTS_NEWS.codes, (45, 55))[0]
        if answer != NOT_ANSWERED:
            answers[event_questions.answer_key(question)] = answer
    return answers
