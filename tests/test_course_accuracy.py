"""What the course teaches, checked where it matters most (issue 9): the overdose response as
officers see it through the bot, the quiz items that test it, the sources each item may cite,
and the Russian key terms."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from bot.config import PROJECT_ROOT
from bot.course.loader import load_course

COURSE = load_course(PROJECT_ROOT / "content")


async def _read_lesson(chat, module_title: str, lesson_title: str, cards: int) -> list[str]:
    """Open a lesson through the menus and page through it: the text of every card."""
    await chat.press("Lessons")
    await chat.press(module_title)
    await chat.press(lesson_title)
    seen = [chat.last.text]
    for _ in range(cards - 1):
        await chat.press("Next ▶")
        seen.append(chat.last.text)
    return seen


def _first(cards: list[str], pattern: str) -> int:
    return next(i for i, text in enumerate(cards) if re.search(pattern, text, re.I))


async def test_overdose_lesson_teaches_breaths_first_then_naloxone_and_a_second_dose(chat):
    module = COURSE.module("overdose")
    lesson = COURSE.lesson("overdose-steps")
    await chat.onboard()
    cards = await _read_lesson(chat, module.title.source, lesson.title.source,
                               len(lesson.cards))
    assert all(f"{n} of {len(cards)}" in text for n, text in enumerate(cards, 1))
    breaths = _first(cards, r"rescue breaths at once")
    naloxone = _first(cards, r"give it, and keep up the rescue breaths")
    assert breaths < naloxone, "a person who is not breathing gets breaths before naloxone"
    assert "cannot wait for naloxone" in cards[breaths]
    assert re.search(r"no response after 2 to 3 minutes, give another dose", cards[naloxone],
                     re.I)
    assert "trained and allowed to" in cards[naloxone]  # national rules decide
    stay = _first(cards, r"30 to 90 minutes")
    assert "methadone" in cards[stay] and "recovery position" in cards[stay]
    assert naloxone < stay
    summary = cards[-1]
    order = ["call", "check", "breathe for them", "naloxone", "another dose after 2 to 3 "
             "minutes", "recovery position", "stay"]
    positions = [summary.index(step) for step in order]
    assert positions == sorted(positions), summary


async def test_overdose_lesson_in_russian_uses_the_glossary_terms(chat_factory):
    module = COURSE.module("overdose")
    lesson = COURSE.lesson("overdose-steps")
    chat = chat_factory(9101, "ru")
    await chat.onboard(language="Русский")
    await chat.press("Уроки")
    await chat.press("Передозировка")
    await chat.press("Что делать: шаг за шагом")
    cards = [chat.last.text]
    for _ in range(len(lesson.cards) - 1):
        await chat.press("Далее ▶")
        cards.append(chat.last.text)
    text = "\n".join(cards)
    assert module.title.source == "Overdose" and "ещё одну дозу" in text and "2–3 минуты" in text
    assert "устойчивое боковое положение" in text and "восстановительн" not in text
    assert _first(cards, "искусственное дыхание") < _first(cards, "введите его")


async def test_overdose_reference_card_puts_breaths_before_naloxone(chat):
    await chat.onboard()
    await chat.press_data("rc:overdose-response")
    steps = chat.last.text
    assert steps.index("rescue breaths at once") < steps.index("Naloxone, if you have it")
    assert "No response after 2 to 3 minutes: give another dose" in steps


def _items(module_id: str):
    return [item for item in COURSE.quiz_items.values() if item.module_id == module_id]


def _correct(item) -> list[str]:
    return [o.text.source for o in item.options if o.correct]


def test_a_quiz_item_teaches_breaths_first_for_a_person_not_breathing():
    items = [i for i in _items("overdose") if "not breathing" in i.question.source and
             "first" in i.question.source]
    assert items
    for item in items:
        assert _correct(item) == ["Open the airway and give rescue breaths"]
        wrong = [o.text.source for o in item.options if not o.correct]
        assert any("naloxone" in text.lower() for text in wrong)  # waiting for it is wrong


def test_quiz_items_teach_the_repeat_dose():
    repeat = [i for i in _items("overdose")
              if any("another dose" in text for text in _correct(i))]
    assert {i.lesson_id for i in repeat} >= {"overdose-steps", "overdose-naloxone"}
    for item in repeat:
        assert re.search(r"(2 to 3|two to three|three) minutes", item.question.source, re.I)
        assert "2 to 3 minutes" in item.explanation.source
        assert item.card is not None and "another dose" in \
            COURSE.lesson(item.lesson_id).cards[item.card - 1].source
    every_option = [o.text.source for i in COURSE.quiz_items.values() for o in i.options]
    assert not any("every minute" in text for text in every_option)


def test_no_text_claims_that_who_names_police_or_sets_an_order():
    texts = [t.source for t in COURSE.all_texts()]
    assert not [t for t in texts if "police included" in t or "WHO response" in t or
                "order of steps matches" in t]


def test_every_quiz_item_names_the_card_it_tests():
    assert [i.id for i in COURSE.quiz_items.values() if i.card is None] == []


def test_restricted_sources_are_cited_only_for_what_they_support():
    cited = [(lesson.sources, " ".join(c.source for c in lesson.cards))
             for lesson in COURSE.lessons.values()]
    cited += [(item.sources, " ".join([item.question.source, item.explanation.source,
                                       *(o.text.source for o in item.options)]))
              for item in COURSE.quiz_items.values()]
    cited += [(card.sources, card.body.source) for card in COURSE.reference.values()]
    for sources, text in cited:
        if "who-eml-2005" in sources:  # the list itself, nothing else
            assert re.search("essential medicine", text, re.I), text
        if "unodc-2016-tot" in sources:  # the course's own aims only
            assert re.search(r"\baims?\b", text), text
    for item in COURSE.quiz_items.values():
        if "beletsky-2011-addiction" in item.sources:  # managers' reports, not fear
            text = " ".join([item.question.source, item.explanation.source,
                             *(o.text.source for o in item.options if o.correct)])
            assert "fear" not in text.lower(), item.id


def test_every_source_named_is_in_the_bibliography_and_every_document_is_real():
    named = {s for le in COURSE.lessons.values() for s in le.sources}
    named |= {s for i in COURSE.quiz_items.values() for s in i.sources}
    named |= {s for c in COURSE.reference.values() for s in c.sources}
    assert named <= set(COURSE.sources)
    for source in COURSE.sources.values():
        assert source.title and (source.publisher or not source.is_document)
    assert not COURSE.sources["good-practice"].is_document


def test_verified_emergency_numbers_name_an_official_document():
    for code, numbers in COURSE.emergency.countries.items():
        for number in numbers:
            if number.verified:
                assert COURSE.sources[number.source].is_document, (code, number)
    assert {n.number for n in COURSE.emergency.countries["UZ"]} >= {"112", "102", "103"}
    assert {(n.service, n.number) for n in COURSE.emergency.countries["KG"]} >= {
        ("ambulance", "103"), ("police", "102")}
    tm = {n.service: n for n in COURSE.emergency.countries["TM"]}
    assert tm["police"].number == "02" and tm["ambulance"].mobile == "003"
    assert not any(n.verified for n in COURSE.emergency.countries["AF"])


def test_every_module_states_its_review_status():
    text = (PROJECT_ROOT / "content" / "modules" / "06-overdose.yaml").read_text()
    assert re.search(r"^review:", text, re.M)
    assert all(isinstance(m.review, tuple) for m in COURSE.modules)


GLOSSARY = Path(PROJECT_ROOT / "locales" / "ru" / "glossary.yaml")


def test_russian_course_uses_the_glossary_and_avoids_what_it_rules_out():
    glossary = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    assert glossary["locale"] == "ru" and glossary["status"] == "draft"
    terms = {t["en"]: t for t in glossary["terms"]}
    assert {"HIV", "hepatitis", "PEP", "naloxone", "overdose", "recovery position",
            "harm reduction", "needle and syringe programme", "opioid substitution therapy",
            "referral", "diversion", "detention", "stigma", "confidentiality",
            "people who use drugs", "occupational safety"} <= set(terms)
    with (PROJECT_ROOT / "locales" / "ru" / "LC_MESSAGES" / "content.po").open("rb") as fh:
        russian = [m.string for m in read_po(fh) if m.id and m.string]
    text = "\n".join(russian).lower()
    for term in terms.values():
        for wrong in term.get("avoid", []):
            assert wrong.lower() not in text, (term["en"], wrong)
    for en, term in terms.items():
        english = [t.source for t in COURSE.all_texts() if en.lower() in t.source.lower()]
        if english:  # the English uses it: the Russian has one of its forms somewhere
            assert any(form.lower() in text for form in term["forms"]), en
