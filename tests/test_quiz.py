"""Refresher quizzes: answer flows, FSRS spacing over simulated weeks, replays and forgeries."""

from __future__ import annotations

import itertools
import re

import pytest
from fsrs import Rating

from bot.services.quiz import SESSION_SIZE, rate
from bot.timeutil import parse_iso


def _right_positions(call, item, served, locale="en"):
    """Displayed positions (0-based) of the correct options, read off the question text."""
    shown = re.findall(r"^(\d)\. (.*)$", call.text, flags=re.M)
    correct = {served.text(locale, o.text)[0] for o in item.options if o.correct}
    return [int(n) - 1 for n, text in shown if text in correct]


def _item_of(content, call):
    for item in content.course.quiz_items.values():
        if f"<b>{item.question.source}</b>" in call.text:
            return item
    raise AssertionError("question not found in course")


async def _answer_current(chat, content, correct: bool = True):
    item = _item_of(content, chat.last)
    right = _right_positions(chat.last, item, content.served)
    if len(right) > 1 and correct:
        for pos in right:
            await chat.press(f"⬜ {pos + 1}")
        return await chat.press("Submit answer")
    if len(right) > 1:
        await chat.press(f"⬜ {next(i for i in range(6) if i not in right) + 1}")
        return await chat.press("Submit answer")
    options = len(item.options)
    pos = right[0] if correct else next(i for i in range(options) if i not in right)
    return await chat.press(str(pos + 1))


async def _finish_lesson(chat, lesson):
    await chat.press_data(f"done:{lesson.id}")


async def test_quiz_before_any_lesson_says_what_to_do(chat):
    await chat.onboard()
    await chat.send("/quiz")
    assert "Finish a lesson first" in chat.last.text
    assert "menu:lessons" in chat.last.callback_data()


async def test_lesson_quiz_flow_to_summary(app, chat, content):
    lesson = content.course.modules[0].lessons[0]
    await chat.onboard()
    await _finish_lesson(chat, lesson)
    await chat.press("Quiz on this lesson")
    assert f"Question 1 of {len(lesson.quiz)}" in chat.last.text
    for n in range(len(lesson.quiz)):
        await _answer_current(chat, content, correct=(n != 0))
        toast = chat.answered_callback().params.get("text")
        assert toast == ("Not quite." if n == 0 else "Correct!")
        item = _item_of(content, chat.last)
        assert item.explanation.source in chat.last.text
        assert any(d.startswith("qc:") and d.endswith(f":{lesson.id}:{item.card or 1}")
                   for d in chat.last.callback_data())  # link back to the lesson card
        await chat.press("See my results" if n == len(lesson.quiz) - 1 else "Next question ▶")
    assert "Quiz finished" in chat.last.text
    assert f"Score: {len(lesson.quiz) - 1} of {len(lesson.quiz)}" in chat.last.text
    assert "1 day in a row" in chat.last.text
    answered, right = await app.bot_data.services.store.quiz.answer_counts(chat.user_id)
    assert (answered, right) == (len(lesson.quiz), len(lesson.quiz) - 1)


async def test_review_serves_due_items_first_in_sessions_of_five(app, chat, content, clock):
    first, second = content.course.modules[0].lessons[:2]
    await chat.onboard()
    await _finish_lesson(chat, first)
    await chat.send("/quiz")
    assert f"of {SESSION_SIZE}" in chat.last.text
    for _ in range(SESSION_SIZE):
        await _answer_current(chat, content, correct=False)
        await chat.press(0)  # next / results
    await _finish_lesson(chat, second)
    clock.advance(days=1)
    quiz = app.bot_data.services.quiz
    due = await quiz.due_items(chat.user_id)
    assert len(due) == SESSION_SIZE  # the five failed items are due again tomorrow
    await chat.send("/quiz")
    assert _item_of(content, chat.last).id == due[0]


async def test_options_are_shuffled_per_presentation(app, chat, content):
    lesson = content.course.modules[0].lessons[0]
    await chat.onboard()
    await _finish_lesson(chat, lesson)
    orders = set()
    for _ in range(12):
        await chat.press_data(f"ql:{lesson.id}")
        orders.add(tuple(re.findall(r"^\d\. (.*)$", chat.last.text, flags=re.M)))
    assert len(orders) > 1


async def test_answering_twice_counts_once(app, chat, content):
    lesson = content.course.modules[0].lessons[0]
    await chat.onboard()
    await _finish_lesson(chat, lesson)
    await chat.press("Quiz on this lesson")
    question = chat.last
    await _answer_current(chat, content)
    # press an answer button of the (already answered) question message again, twice
    button = question.buttons[0][0]
    await chat.press_data(button["callback_data"], question.result["message_id"])
    await chat.press_data(button["callback_data"], question.result["message_id"])
    assert "already answered" in chat.answered_callback().params["text"]
    answered, _ = await app.bot_data.services.store.quiz.answer_counts(chat.user_id)
    assert answered == 1


@pytest.mark.parametrize("mutate", [
    lambda p, n, pos: f"qa:{p}:{'0' * len(n)}:{pos}",  # wrong nonce
    lambda p, n, pos: f"qa:{p + 1000}:{n}:{pos}",  # a presentation that is not ours
    lambda p, n, pos: f"qa:{p}:{n}:9",  # an option that does not exist
    lambda p, n, pos: f"qa:{p}:{n}",  # truncated
    lambda p, n, pos: f"qs:{p}:{'f' * len(n)}",  # forged submit
    lambda p, n, pos: f"qt:{p}:{n}:x",
    lambda p, n, pos: "qn:999999",  # someone else's / no session
])
async def test_forged_answers_score_nothing(app, chat, content, mutate):
    lesson = content.course.modules[0].lessons[0]
    await chat.onboard()
    await _finish_lesson(chat, lesson)
    await chat.press("Quiz on this lesson")
    _, p, n, pos = chat.last.callback_data()[0].split(":")
    await chat.press_data(mutate(int(p), n, int(pos)))
    assert "out of date" in chat.answered_callback().params["text"]
    answered, _ = await app.bot_data.services.store.quiz.answer_counts(chat.user_id)
    assert answered == 0


async def test_question_from_an_old_session_does_not_count(app, chat, content):
    lesson = content.course.modules[0].lessons[0]
    await chat.onboard()
    await _finish_lesson(chat, lesson)
    await chat.press("Quiz on this lesson")
    old = chat.last
    await chat.send("/quiz")  # a new session replaces the old one
    await chat.press_data(old.callback_data()[0], old.result["message_id"])
    assert "earlier quiz" in chat.last.text
    answered, _ = await app.bot_data.services.store.quiz.answer_counts(chat.user_id)
    assert answered == 0


async def test_several_answers_need_a_selection_and_score_exactly(app, chat, content):
    items = [i for i in content.course.quiz_items.values()
             if sum(o.correct for o in i.options) > 1]
    assert items, "the course has items with several correct answers"
    item = items[0]
    lesson = content.course.lesson(item.lesson_id)
    await chat.onboard()
    await _finish_lesson(chat, lesson)
    await chat.press("Quiz on this lesson")
    while _item_of(content, chat.last).id != item.id:
        await _answer_current(chat, content)
        await chat.press("Next question ▶")
    await chat.press("Submit answer")
    assert "at least one" in chat.answered_callback().params["text"]
    right = _right_positions(chat.last, item, content.served)
    await chat.press(f"⬜ {right[0] + 1}")
    assert f"☑️ {right[0] + 1}" in chat.last.button_texts()
    answered, right_before = await app.bot_data.services.store.quiz.answer_counts(chat.user_id)
    await chat.press("Submit answer")  # only one of the correct ones: partly right, not correct
    assert chat.answered_callback().params["text"] == "Partly right."
    assert await app.bot_data.services.store.quiz.answer_counts(chat.user_id) == \
        (answered + 1, right_before)


def test_rating_from_correctness_and_time(content):
    item = next(iter(content.course.quiz_items.values()))
    assert rate(item, False, 2) == Rating.Again
    assert rate(item, True, 1) == Rating.Easy
    chars = len(item.question.source) + sum(len(o.text.source) for o in item.options)
    reading = 4 + chars / 20
    assert rate(item, True, reading * 1.5) == Rating.Good
    assert rate(item, True, reading * 3) == Rating.Hard
    assert rate(item, True, 600) == Rating.Good  # put the phone down: not a memory signal


async def test_schedule_spaces_reviews_out_over_simulated_weeks(app, chat, content, clock):
    lesson = content.course.modules[0].lessons[0]
    quiz = app.bot_data.services.quiz
    store = app.bot_data.services.store
    item = lesson.quiz[0]
    await chat.onboard()
    await _finish_lesson(chat, lesson)
    intervals = []
    for _ in range(5):
        session = await quiz.create_session(chat.user_id, "review", [item.id])
        q = await quiz.next_question(chat.user_id, session.id)
        right = [pos for pos, idx in enumerate(q.presentation.order) if item.options[idx].correct]
        clock.advance(seconds=10)  # a confident, timely answer
        result = await quiz.answer(chat.user_id, q.presentation.id, q.presentation.nonce,
                                   frozenset(right))
        assert result.status == "ok"
        due = parse_iso((await store.quiz.card(chat.user_id, item.id)).due)
        intervals.append((due - clock()).total_seconds() / 86400)
        clock.now = due  # come back exactly when it is due
    assert all(b > a for a, b in itertools.pairwise(intervals)), intervals
    assert intervals[0] >= 1 and intervals[-1] > 30  # days, then more than a month
    # a lapse brings it back soon
    session = await quiz.create_session(chat.user_id, "review", [item.id])
    q = await quiz.next_question(chat.user_id, session.id)
    wrong = [pos for pos, idx in enumerate(q.presentation.order)
             if not item.options[idx].correct][:1]
    await quiz.answer(chat.user_id, q.presentation.id, q.presentation.nonce, frozenset(wrong))
    due = parse_iso((await store.quiz.card(chat.user_id, item.id)).due)
    assert (due - clock()).days < intervals[-1] / 4


async def test_progress_shows_completion_and_predicted_recall(chat, content):
    lesson = content.course.modules[0].lessons[0]
    await chat.onboard()
    await _finish_lesson(chat, lesson)
    await chat.press("Quiz on this lesson")
    await _answer_current(chat, content)
    await chat.send("/progress")
    text = chat.last.text
    assert "Lessons finished: 1 of" in text
    module = content.course.modules[0]
    line = next(x for x in text.splitlines() if module.title.source in x)
    assert re.search(r"recall \d+%", line) and "1 of" in line
    assert "not practised yet" in text  # the other modules


@pytest.mark.parametrize("locale,label", [("ru", "Русский"), ("ps", "پښتو"), ("uz", "Oʻzbekcha")])
async def test_answer_flow_in_other_locales(chat_factory, content, locale, label, catalogs):
    chat = chat_factory(8100 + len(locale) + ord(locale[0]), locale)
    await chat.onboard(language=label)
    lesson = content.course.modules[0].lessons[0]
    await _finish_lesson(chat, lesson)
    await chat.press_data(f"ql:{lesson.id}")
    t = catalogs.get(locale)
    assert t._("🧠 <b>Question {number} of {total}</b>", number=1, total=len(lesson.quiz)) \
        in chat.last.text
    if chat.last.callback_data()[0].startswith("qt:"):  # several answers: tick one, submit
        await chat.press(0)
        await chat.press(-2)  # Submit (the last row is the main menu)
    else:
        await chat.press("1")
    toast = chat.answered_callback().params["text"]
    assert toast in (t.label("Correct!"), t.label("Partly right."), t.label("Not quite."))
    assert toast not in ("Correct!", "Partly right.", "Not quite.")


async def test_an_item_that_left_the_course_is_skipped(app, chat, content):
    lesson = content.course.modules[0].lessons[0]
    quiz = app.bot_data.services.quiz
    await chat.onboard()
    session = await quiz.create_session(chat.user_id, "review",
                                        ["removed-item", lesson.quiz[0].id, "gone-too"])
    q = await quiz.next_question(chat.user_id, session.id)
    assert q.item.id == lesson.quiz[0].id and q.number == 2
    right = [p for p, i in enumerate(q.presentation.order) if q.item.options[i].correct]
    await quiz.answer(chat.user_id, q.presentation.id, q.presentation.nonce, frozenset(right))
    assert await quiz.next_question(chat.user_id, session.id) is None  # the rest is gone
    assert (await app.bot_data.services.store.quiz.session(session.id)).finished
