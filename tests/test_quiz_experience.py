"""The quiz as an officer lives it: a quiz in progress keeps its place, answers that teach, a
way out of every quiz screen, a lesson card from an answer and back, button answers that
Telegram refuses, and content text that needs escaping. English and Persian (right to left)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po, write_po
from conftest import allow_incomplete, app_over, load_content
from harness import Chat

from bot.bidi import LRI, PDI
from bot.handlers.quiz_screens import CORRECT, PARTLY, UNKNOWN, WRONG, outcome
from bot.i18n import LANGUAGE_NAMES
from bot.sandbox import UpdateFactory
from bot.services.quiz import Answer

LOCALES = ["en", "fa"]
TOO_OLD = "Bad Request: query is too old and response timeout expired or query id is invalid"


async def _officer(chat_factory, locale: str, user_id: int) -> Chat:
    chat = chat_factory(user_id, locale)
    await chat.onboard(language=LANGUAGE_NAMES[locale])
    return chat


def _options(call) -> dict[int, str]:
    """Displayed number -> option text, read off an unanswered question."""
    return {int(n): html.unescape(text) for n, text in
            re.findall(r"^(\d)\. (.*)$", call.text, flags=re.M)}


def _positions(call, item, served, locale, correct: bool) -> list[int]:
    """Displayed numbers (1-based) of the right (or wrong) options of the question shown."""
    texts = {served.text(locale, o.text)[0] for o in item.options if o.correct == correct}
    return [n for n, text in _options(call).items() if text in texts]


async def _lesson_quiz(chat, lesson) -> None:
    await chat.press_data(f"done:{lesson.id}")
    await chat.press_data(f"ql:{lesson.id}")


def _current_item(app, chat, lesson):
    """The item of the question on screen: the one whose (translated) question it shows."""
    served = app.bot_data.services.content.served
    for item in lesson.quiz:
        question = html.escape(served.text(chat_locale(chat), item.question)[0], quote=False)
        if f"<b>{question}</b>" in chat.last.text:
            return item
    raise AssertionError("no question of the lesson on screen")


def chat_locale(chat) -> str:
    return "fa" if chat.users.language_code == "fa" else "en"


async def _answer(app, chat, lesson, correct: bool = True):
    item = _current_item(app, chat, lesson)
    served = app.bot_data.services.content.served
    right = _positions(chat.last, item, served, chat_locale(chat), True)
    if len(right) > 1:
        picks = right if correct else _positions(chat.last, item, served, chat_locale(chat),
                                                 False)[:1]
        for n in picks:
            await chat.press(f"⬜ {n}")
        await chat.press(-2)  # Submit
    else:
        wrong = _positions(chat.last, item, served, chat_locale(chat), False)
        await chat.press(str(right[0] if correct else wrong[0]))
    return item


# --- 3. a quiz in progress keeps its place ---------------------------------------------------
@pytest.mark.parametrize("locale", LOCALES)
async def test_quiz_in_progress_offers_continue_or_start_over(app, chat_factory, content,
                                                              catalogs, locale):
    t = catalogs.get(locale)
    chat = await _officer(chat_factory, locale, 7700 + LOCALES.index(locale))
    lesson = content.course.modules[0].lessons[0]
    await chat.press_data(f"done:{lesson.id}")
    await chat.send("/quiz")
    total = 5
    assert t._("🧠 <b>Question {number} of {total}</b>", number=1, total=total) in chat.last.text
    for _ in range(2):
        await _answer(app, chat, lesson)
        await chat.press(0)  # Next question
    question_three = chat.last
    await chat.send("/quiz")
    assert "qn:" in chat.last.callback_data()[0] and "qr:" in chat.last.callback_data()[1]
    assert chat.last.button_texts()[0] == "▶️ " + t.label(
        "Continue (question {number} of {total})", number=3, total=total)
    assert "menu:home" in chat.last.callback_data()
    await chat.press(0)  # continue
    assert t._("🧠 <b>Question {number} of {total}</b>", number=3, total=total) in chat.last.text
    await chat.press_data("menu:quiz")  # the menu entry offers the same
    assert chat.last.button_texts()[0] == "▶️ " + t.label(
        "Continue (question {number} of {total})", number=3, total=total)
    await chat.press(1)  # start over: a new round of what is left (the two answered ones
    store = app.bot_data.services.store  # are not due again yet)
    live = await store.quiz.live_session(chat.user_id)
    assert (live.position, len(live.items)) == (0, 3)
    assert t._("🧠 <b>Question {number} of {total}</b>", number=1, total=3) in chat.last.text
    # the question of the replaced quiz no longer counts
    await chat.press_data(question_three.callback_data()[0])
    assert t._("This question belongs to an earlier quiz, so it no longer counts. Start a new "
               "round whenever you are ready.") in chat.last.text


async def test_quiz_with_nothing_answered_yet_just_shows_the_question(app, chat, content):
    lesson = content.course.modules[0].lessons[0]
    await chat.onboard()
    await chat.press_data(f"done:{lesson.id}")
    await chat.send("/quiz")
    await chat.send("/quiz")
    assert "Question 1 of 5" in chat.last.text and "qr:" not in str(chat.last.callback_data())


# --- 4. answers that teach -------------------------------------------------------------------
@pytest.mark.parametrize("locale", LOCALES)
async def test_several_answers_shows_each_option_ticked_right_wrong_or_missed(
        app, chat_factory, content, catalogs, locale):
    t = catalogs.get(locale)
    served = content.served
    chat = await _officer(chat_factory, locale, 7720 + LOCALES.index(locale))
    lesson = content.course.modules[0].lessons[0]
    item = lesson.quiz[0]
    assert sum(o.correct for o in item.options) == 2 and len(item.options) == 4
    await _lesson_quiz(chat, lesson)
    question = chat.last
    options = _options(question)
    right = _positions(question, item, served, locale, True)
    wrong = _positions(question, item, served, locale, False)
    await chat.press(f"⬜ {right[0]}")
    await chat.press(f"⬜ {wrong[0]}")
    await chat.press(-2)  # Submit
    assert chat.answered_callback().params["text"] == t.label("Partly right.")
    text = chat.last.text
    esc = {n: html.escape(o, quote=False) for n, o in options.items()}
    assert t._("✅ {number}. {option} — <i>ticked, right</i>", number=right[0],
               option=options[right[0]]) in text
    assert t._("❌ {number}. {option} — <i>ticked, but wrong</i>", number=wrong[0],
               option=options[wrong[0]]) in text
    assert t._("⚠️ {number}. {option} — <i>right, but not ticked</i>", number=right[1],
               option=options[right[1]]) in text
    assert f"▫️ {t.isolate(t.number(wrong[1]))}. {t.isolate(esc[wrong[1]])}" in text
    assert t.ngettext("🟡 <b>Partly right.</b> You found {found} of the {n} right answer.",
                      "🟡 <b>Partly right.</b> You found {found} of the {n} right answers.",
                      2, found=1) in text
    assert html.escape(served.text(locale, item.explanation)[0], quote=False) in text
    if locale == "fa":  # the option and its number are isolated in right-to-left text
        assert f"{LRI}{t.number(right[0])}{PDI}. {t.isolate(esc[right[0]])}" in text
    await chat.press(0)  # the next question, answered right
    await _answer(app, chat, lesson, correct=True)
    assert chat.answered_callback().params["text"] == t.label("Correct!")


@pytest.mark.parametrize("chosen,multiple,expected", [
    ({0, 1}, True, CORRECT), ({0}, True, PARTLY), ({0, 2}, True, PARTLY),
    ({0, 1, 2}, True, PARTLY), ({2}, True, WRONG), ({2, 3}, True, WRONG),
    ({0}, False, CORRECT), ({2}, False, WRONG), (set(), True, UNKNOWN),
])
def test_outcome_of_an_answer(chosen, multiple, expected):
    right = {0, 1} if multiple else {0}
    answer = Answer("ok", chosen=frozenset(chosen), right=frozenset(right))
    assert outcome(answer, multiple) == expected


@pytest.mark.parametrize("locale", LOCALES)
async def test_single_answer_shows_the_choice_beside_the_right_one(
        app, chat_factory, content, catalogs, locale):
    t = catalogs.get(locale)
    served = content.served
    chat = await _officer(chat_factory, locale, 7730 + LOCALES.index(locale))
    lesson = content.course.modules[0].lessons[0]
    await _lesson_quiz(chat, lesson)
    await _answer(app, chat, lesson)  # the first question (several answers)
    await chat.press(0)
    item = _current_item(app, chat, lesson)
    assert sum(o.correct for o in item.options) == 1
    options = _options(chat.last)
    right = _positions(chat.last, item, served, locale, True)[0]
    wrong = _positions(chat.last, item, served, locale, False)[0]
    await chat.press(str(wrong))
    assert chat.answered_callback().params["text"] == t.label("Not quite.")
    text = chat.last.text
    assert t._("❌ {number}. {option} — <i>your answer</i>", number=wrong,
               option=options[wrong]) in text
    assert t._("✅ {number}. {option} — <i>the right answer</i>", number=right,
               option=options[right]) in text
    assert t._("❌ <b>Not quite.</b>") in text
    await chat.press(0)
    options = _options(chat.last)
    item = _current_item(app, chat, lesson)
    right = _positions(chat.last, item, served, locale, True)[0]
    await chat.press(str(right))
    assert chat.answered_callback().params["text"] == t.label("Correct!")
    assert t._("✅ {number}. {option} — <i>your answer, right</i>", number=right,
               option=options[right]) in chat.last.text


# --- 2. a way out of every quiz screen, and the lesson card an answer is about -----------------
@pytest.mark.parametrize("locale", LOCALES)
async def test_question_answer_and_summary_have_the_main_menu(app, chat_factory, content,
                                                              locale):
    chat = await _officer(chat_factory, locale, 7740 + LOCALES.index(locale))
    lesson = content.course.modules[0].lessons[0]
    await _lesson_quiz(chat, lesson)
    for n in range(len(lesson.quiz)):
        assert "menu:home" in chat.last.callback_data(), "question"
        await _answer(app, chat, lesson, correct=n % 2 == 0)
        assert "menu:home" in chat.last.callback_data(), "answer"
        await chat.press(0)
    assert "🏁" in chat.last.text and "menu:home" in chat.last.callback_data()


def _edit_item(root, item, edit) -> None:
    """Change one quiz item (``edit(entry)`` on its YAML mapping) in the private copy of the
    course: the file is read and written whole, so the test does not depend on its layout."""
    path = root / "content" / "modules" / Path(item.question.file).name
    module = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(next(q for lesson in module["lessons"] for q in lesson.get("quiz", ())
              if q["id"] == item.id))
    path.write_text(yaml.safe_dump(module, allow_unicode=True, sort_keys=False, width=4096),
                    encoding="utf-8")


@pytest.fixture
def card_content(content_copy, content):
    """A private course where hiv-spread-3 (how long HIV survives in a syringe) names the card
    it tests: card 3 of its lesson, on shared injecting equipment."""
    _edit_item(content_copy, content.course.quiz_item("hiv-spread-3"),
               lambda entry: entry.update(card=3))
    return load_content(content_copy)


@pytest.mark.parametrize("locale", LOCALES)
async def test_open_lesson_from_an_answer_shows_the_card_and_returns_to_the_quiz(
        settings, catalogs, card_content, clock, locale):
    t = catalogs.get(locale)
    lesson = card_content.course.lesson("hiv-spread")
    assert lesson.quiz[2].card == 3
    async with app_over(settings, catalogs, card_content, clock) as (app, fake):
        chat = Chat(app, fake, UpdateFactory(7750, language_code=locale))
        await chat.onboard(language=LANGUAGE_NAMES[locale])
        await _lesson_quiz(chat, lesson)
        await _answer(app, chat, lesson)
        await chat.press("📖")  # the card of the first item (the lesson's first if none)
        assert t._("<b>{module} · {lesson}</b>\nCard {card} of {total}", module=html.escape(
            card_content.served.text(locale, card_content.course.modules[0].title)[0]),
            lesson=card_content.served.text(locale, lesson.title)[0],
            card=lesson.quiz[0].card or 1, total=len(lesson.cards)) in chat.last.text
        await chat.press("⬅")  # back to the quiz: the next question
        assert t._("🧠 <b>Question {number} of {total}</b>", number=2,
                   total=len(lesson.quiz)) in chat.last.text
        await _answer(app, chat, lesson)
        await chat.press(0)
        assert _current_item(app, chat, lesson).id == "hiv-spread-3"
        await _answer(app, chat, lesson, correct=False)
        await chat.press("📖")
        body = card_content.served.text(locale, lesson.cards[2])[0]
        assert body in chat.last.text
        data = chat.last.callback_data()
        assert any(d.startswith("qc:") and d.endswith(":hiv-spread:2") for d in data)
        assert any(d.startswith("qc:") and d.endswith(":hiv-spread:4") for d in data)
        assert "menu:home" in data and "done:hiv-spread" not in data
        await chat.press(t.label("Next ▶"))  # read on: the way back to the quiz stays
        assert card_content.served.text(locale, lesson.cards[3])[0] in chat.last.text
        await chat.press("⬅")
        assert t._("🧠 <b>Question {number} of {total}</b>", number=4,
                   total=len(lesson.quiz)) in chat.last.text


@pytest.mark.parametrize("button", ["qr:{s}", "qn:{s}", "qc:{s}:hiv-spread:2"])
async def test_quiz_buttons_of_someone_elses_quiz_are_refused(app, chat_factory, content,
                                                              button):
    lesson = content.course.modules[0].lessons[0]
    first, second = chat_factory(7760), chat_factory(7761)
    await first.onboard()
    await second.onboard()
    await first.press_data(f"done:{lesson.id}")
    await first.send("/quiz")
    session = await app.bot_data.services.store.quiz.live_session(first.user_id)
    await second.press_data(button.format(s=session.id))
    assert "out of date" in second.answered_callback().params["text"]
    assert (await app.bot_data.services.store.quiz.live_session(first.user_id)).id == session.id
    await first.press_data(f"qc:{session.id}:no-such-lesson:2")
    assert "out of date" in first.answered_callback().params["text"]


# --- issue 8, 7: a refused button answer never strands an officer ------------------------------
@pytest.mark.parametrize("failure", ["too old", "timeout"])
@pytest.mark.parametrize("locale", LOCALES)
async def test_the_screen_is_shown_when_telegram_refuses_the_button_answer(
        app, chat_factory, fake, content, errors, failure, locale):
    chat = await _officer(chat_factory, locale, 7770 + LOCALES.index(locale))
    lesson = content.course.modules[0].lessons[0]
    await _lesson_quiz(chat, lesson)

    def refuse_next_answer():
        if failure == "timeout":
            fake.fail_next("timeout", method="answerCallbackQuery")
        else:
            fake.fail_next("400", method="answerCallbackQuery", description=TOO_OLD)

    refuse_next_answer()
    await _answer(app, chat, lesson)
    assert [c.error for c in chat.calls if c.method == "answerCallbackQuery"]
    assert "qn:" in chat.last.callback_data()[0]  # the answer, with its Next button
    answered, _ = await app.bot_data.services.store.quiz.answer_counts(chat.user_id)
    assert answered == 1
    for data in ("menu:lessons", f"qn:{chat.last.callback_data()[0].split(':')[1]}"):
        refuse_next_answer()
        await chat.press_data(data)
        assert chat.replies(), data
    assert errors == []
    assert not [c for c in fake.of("sendMessage") if "went wrong" in c.text]


@pytest.mark.parametrize("locale", LOCALES)
async def test_pressing_an_answered_question_again_shows_its_answer_and_next(
        app, chat_factory, fake, content, catalogs, locale):
    """The answer was recorded but its screen never reached the phone (the edit timed out):
    the officer presses again, and gets the answer as first given, with Next."""
    t = catalogs.get(locale)
    chat = await _officer(chat_factory, locale, 7780 + LOCALES.index(locale))
    lesson = content.course.modules[0].lessons[0]
    await _lesson_quiz(chat, lesson)
    await _answer(app, chat, lesson)
    await chat.press(0)  # the second question: one right answer
    question = chat.last
    item = _current_item(app, chat, lesson)
    right = _positions(question, item, content.served, locale, True)[0]
    wrong = _positions(question, item, content.served, locale, False)[0]
    fake.fail_next("timeout", method="editMessageText")
    await chat.press(str(wrong))
    assert not chat.replies()  # nothing reached the phone
    message_id = question.result["message_id"]
    await chat.press_data(question.callback_data()[right - 1], message_id)  # another option
    assert chat.answered_callback().params["text"] == t.label(
        "You have already answered this question.")
    shown = chat.last
    assert shown.method == "editMessageText" and "qn:" in shown.callback_data()[0]
    options = _options(question)
    assert t._("❌ {number}. {option} — <i>your answer</i>", number=wrong,
               option=options[wrong]) in shown.text  # the answer given, not the new press
    assert t._("🧠 <b>Question {number} of {total}</b>", number=2, total=5) in shown.text
    answered, correct = await app.bot_data.services.store.quiz.answer_counts(chat.user_id)
    assert (answered, correct) == (2, 1)
    await chat.press(0)
    assert t._("🧠 <b>Question {number} of {total}</b>", number=3, total=5) in chat.last.text


async def test_ticking_an_answered_question_shows_its_answer(app, chat, content):
    lesson = content.course.modules[0].lessons[0]
    await chat.onboard()
    await _lesson_quiz(chat, lesson)
    question = chat.last
    await _answer(app, chat, lesson)
    await chat.press_data(question.callback_data()[0], question.result["message_id"])
    assert "already answered" in chat.answered_callback().params["text"]
    assert "ticked, right" in chat.last.text and "qn:" in chat.last.callback_data()[0]


# --- issue 8, 8: content text is escaped where it meets HTML ---------------------------------
def _set_entries(po, changes: dict[str, tuple[str | None, str | None]]) -> None:
    """In a content catalog, give entries (by msgctxt) a new msgid and/or msgstr."""
    with po.open("rb") as fh:
        catalog = read_po(fh)
    for ctx, (msgid, msgstr) in changes.items():
        entry = next(m for m in catalog if m.context == ctx)
        catalog.delete(entry.id, context=ctx)
        catalog.add(msgid or entry.id, msgstr if msgstr is not None else entry.string,
                    context=ctx)
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)


QUESTION = "Why is sharing a syringe risky for HIV & hepatitis, even with 1 drop of blood?"
OPTION = "It carries blood from one person into another & 5 seconds is enough"
EXPLANATION = "HIV & hepatitis pass through blood: even 1 drop in a shared syringe counts."
FA = ("چرا استفادهٔ مشترک از سرنگ برای HIV & هپاتیت خطرناک است، حتی با 1 قطره خون؟",
      "خون را از یک نفر به دیگری می‌برد & 5 ثانیه کافی است",
      "HIV & هپاتیت از راه خون منتقل می‌شوند: حتی 1 قطره در سرنگ مشترک مهم است.")


@pytest.fixture
def awkward_content(content_copy, content):
    """A private course whose second question, an option and its explanation hold ``&`` (a
    bare ``<`` or an entity is refused by the content check), in English (Russian keeps its
    translation of the new text) and in Persian."""
    allow_incomplete(content_copy)  # other languages' translations of this item go stale
    item = content.course.quiz_item("hiv-spread-2")
    index, option = next((i, o) for i, o in enumerate(item.options) if o.correct)

    def awkward(entry):
        entry.update(question=QUESTION, explanation=EXPLANATION)
        entry["options"][index]["text"] = OPTION

    _edit_item(content_copy, item, awkward)
    locales = content_copy / "locales"
    _set_entries(locales / "ru" / "LC_MESSAGES" / "content.po", {
        item.question.ctx: (QUESTION, None), option.text.ctx: (OPTION, None),
        item.explanation.ctx: (EXPLANATION, None)})
    _set_entries(locales / "fa" / "LC_MESSAGES" / "content.po", {
        item.question.ctx: (QUESTION, FA[0]), option.text.ctx: (OPTION, FA[1]),
        item.explanation.ctx: (EXPLANATION, FA[2])})
    return load_content(content_copy)


@pytest.mark.parametrize("locale", LOCALES)
async def test_questions_options_and_explanations_are_escaped(settings, catalogs,
                                                              awkward_content, clock, locale):
    question, option, explanation = (QUESTION, OPTION, EXPLANATION) if locale == "en" else FA
    lesson = awkward_content.course.lesson("hiv-spread")
    async with app_over(settings, catalogs, awkward_content, clock) as (app, fake):
        chat = Chat(app, fake, UpdateFactory(7790, language_code=locale))
        await chat.onboard(language=LANGUAGE_NAMES[locale])
        await _lesson_quiz(chat, lesson)
        await _answer(app, chat, lesson)
        await chat.press(0)
        shown = chat.last
        assert f"<b>{html.escape(question, quote=False)}</b>" in shown.text
        assert option in _options(shown).values()
        # plain text is text: its "&" is escaped ("<" and entities are refused by the check)
        assert "&amp; " in shown.text and " & " not in shown.text
        await _answer(app, chat, lesson)
        assert html.escape(option, quote=False) in chat.last.text
        assert f"<i>{html.escape(explanation, quote=False)}</i>" in chat.last.text
        assert "qn:" in chat.last.callback_data()[0]
        refused = [c for c in fake.calls if c.error and "parse" in c.error]
        assert refused == []


def test_handlers_answer_buttons_only_through_the_safe_helper():
    """A raw ``query.answer()`` raises when Telegram refuses it (query too old, timeout) and
    strands the officer: every handler goes through ``answer_button``, which never raises."""
    import bot.handlers

    folder = Path(bot.handlers.__file__).parent
    raw = re.compile(r"(callback_query|\bquery)\.answer\(")
    offenders = [f"{path.name}:{n}" for path in sorted(folder.glob("*.py"))
                 if path.name != "common.py"
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if raw.search(line)]
    assert offenders == []
