"""The broadcast composer, buttons all the way: audience, narrowing, template or own text,
preview with counts per language, confirmation, sending or scheduling, the report, history;
and every bad input on the way."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from conftest import ADMIN_ID
from staffing import cohort_with, delivered, officers, trainer

from bot.handlers.broadcast_report import Reports

ISOLATES = set("\u2066\u2067\u2068")  # LRI, RLI, FSI: values kept in place in RTL text
OFFICERS = [(4101, "en", "English"), (4102, "ru", "Русский"), (4103, "fa", "فارسی"),
            (4104, "ru", "Русский")]


@pytest.fixture
async def cohort(app, fake):
    """A trainer (4001) and a cohort of four officers in English, Russian and Persian."""
    boss = await trainer(app, fake)
    await officers(app, fake, OFFICERS)
    await cohort_with(app, boss.user_id, [i for i, _, _ in OFFICERS], name="Almaty")
    return boss


async def _to_message_step(boss):
    """/broadcast to the cohort, all of them: the message step."""
    await boss.send("/broadcast")
    await boss.press("Almaty")
    await boss.press("Continue")
    await boss.press("All of them")


async def _compose(boss, template="Keep going"):
    await _to_message_step(boss)
    await boss.press(template)


async def _send(app, boss):
    await boss.press("Send now")
    await boss.press("Yes, send it now")
    return await app.bot_data.services.sender.drain(app.bot)


async def test_template_reaches_each_officer_in_his_or_her_language(app, fake, cohort):
    boss = cohort
    await _compose(boss)
    preview = boss.last.text
    assert "Preview" in preview and "finished 3 of" in preview  # example numbers
    assert "It goes to 4 officers" in preview
    assert "Русский: 2" in preview and "English: 1" in preview and "فارسی: 1" in preview
    assert await _send(app, boss) == 4
    total = len(app.bot_data.services.content.course.lessons_in_order())
    texts = {int(c.params["chat_id"]): c for c in fake.of("sendMessage")
             if "🏁" in c.text and int(c.params["chat_id"]) != boss.user_id}
    assert set(texts) == {4101, 4102, 4103, 4104}
    assert f"finished 0 of {total} lessons" in texts[4101].text
    assert "Продолжайте" in texts[4102].text and str(total) in texts[4102].text
    assert ISOLATES & set(texts[4103].text)  # numbers isolated in right-to-left text
    assert texts[4101].callback_data() == ["menu:lessons"]  # a Start button into the bot
    assert texts[4102].button_texts() != texts[4101].button_texts()


async def test_plurals_and_dates_are_rendered_per_recipient(app, fake, cohort, content, clock):
    boss = cohort
    await _to_message_step(boss)
    await boss.press("Your cohort meets")
    await boss.press(2)  # the third day offered
    await boss.press("10:00")
    assert "10:00" in boss.last.text
    await _send(app, boss)
    day = (clock() + timedelta(days=2)).date()
    meeting = {int(c.params["chat_id"]): c.text for c in fake.of("sendMessage")
               if "📅" in c.text}
    assert str(day.day) in meeting[4101] and day.strftime("%B") in meeting[4101]
    assert "декабря" in meeting[4102] or "января" in meeting[4102]  # Russian month names
    assert meeting[4103] != meeting[4101] and ISOLATES & set(meeting[4103])


async def test_reviews_due_template_is_skipped_for_who_has_nothing_due(app, fake, cohort,
                                                                       content, clock):
    boss = cohort
    lesson = content.course.modules[0].lessons[0]
    russian = (await officers(app, fake, []))  # noqa: F841 - the fixture's officers suffice
    from harness import Chat

    from bot.sandbox import UpdateFactory
    chat = Chat(app, fake, UpdateFactory(4102, language_code="ru"))
    await chat.press_data(f"done:{lesson.id}")
    await chat.press_data("menu:quiz")
    for _ in range(2):  # answer two questions, so that they fall due later
        await chat.press(0)
        if any("qs:" in d for d in chat.last.callback_data()):
            await chat.press_data(next(d for d in chat.last.callback_data() if "qs:" in d))
    clock.advance(days=30)
    await _compose(boss, "Refresher questions are due")
    sent = await _send(app, boss)
    due = [c for c in fake.of("sendMessage") if "🧠" in c.text and "menu:quiz" in
           c.callback_data() and int(c.params["chat_id"]) != boss.user_id]
    assert sent == len(due) == 1 and int(due[0].params["chat_id"]) == 4102
    b = (await app.bot_data.services.broadcasts.history(boss.user_id))[0]
    progress = await app.bot_data.services.broadcasts.progress(b)
    assert (progress.sent, progress.skipped) == (1, 3)


async def test_own_text_warns_previews_and_is_sent_as_written(app, fake, cohort):
    boss = cohort
    await _to_message_step(boss)
    await boss.press("My own text")
    await boss.send("Meeting moved to <b>Friday</b> & bring notes")
    assert "not translated" in boss.last.text
    exact = [c for c in boss.mine() if c.text.startswith("Meeting moved")]
    assert exact and exact[-1].text == "Meeting moved to <b>Friday</b> &amp; bring notes"
    await _send(app, boss)
    got = delivered(fake, "Meeting moved to <b>Friday</b> &amp; bring notes")
    assert set(got) == {4101, 4102, 4103, 4104, boss.user_id}  # the trainer saw the preview
    assert all(n == 1 for n in got.values())


async def test_own_text_with_formatting_from_the_app(app, fake, cohort):
    boss = cohort
    await _to_message_step(boss)
    await boss.press("My own text")
    update = boss.users.text("Bring 2 < 3 pens")
    update["message"]["entities"] = [{"type": "bold", "offset": 6, "length": 1}]
    await boss.update(update)
    assert any(c.text == "Bring <b>2</b> &lt; 3 pens" for c in boss.mine())


@pytest.mark.parametrize("text,answer", [
    ("Meeting <b>Friday", "formatting is broken"),
    ("<script>alert(1)</script>", "formatting is broken"),
    ("   ", "empty"),
    ("x" * 4097, "too long"),
])
async def test_own_text_telegram_would_refuse_is_not_accepted(app, fake, cohort, text, answer):
    boss = cohort
    await _to_message_step(boss)
    await boss.press("My own text")
    await boss.send(text)
    assert answer in boss.last.text
    assert "Send now" not in str(boss.last.buttons)
    b = (await app.bot_data.services.store.broadcasts.new_draft(boss.user_id, "x"))
    assert b.body is None


async def test_double_confirmation_sends_once(app, fake, cohort):
    boss = cohort
    await _compose(boss)
    await boss.press("Send now")
    confirm = boss.last
    await boss.press("Yes, send it now")
    data = next(d for d in confirm.callback_data() if ":go:" in d)
    await boss.press_data(data)  # pressed again (or from another device)
    assert "already been sent" in boss.answered_callback().params["text"]
    await app.bot_data.services.sender.drain(app.bot)
    got = delivered(fake, "🏁")
    assert got == {4101: 1, 4102: 1, 4103: 1, 4104: 1}


async def test_report_is_edited_in_place_and_history_keeps_totals(app, fake, cohort):
    boss = cohort
    await _compose(boss)
    await boss.press("Send now")
    await boss.press("Yes, send it now")
    report = boss.last
    assert "sending" in report.text and report.method == "editMessageText"
    reports = app.bot_data["broadcast_reports"]
    await app.bot_data.services.sender.drain(app.bot)
    fake.fail_next("403", chat_id=4103)  # nothing left to send to 4103: no effect
    await reports.tick(app.bot_data.services, app.bot)
    final = boss.last
    assert final.method == "editMessageText"
    assert final.params["message_id"] == report.params["message_id"]
    assert "finished" in final.text and "Sent: 4" in final.text
    await boss.send("/broadcast")
    await boss.press("Earlier broadcasts")
    assert "sent 4, waiting 0, blocked 0, failed 0" in boss.last.text
    totals = await app.bot_data.services.broadcasts.totals()
    assert totals.sent == 4


async def test_scheduled_broadcast_waits_can_be_cancelled_and_refuses_bad_times(
        app, fake, cohort, clock):
    boss = cohort
    await _compose(boss)
    await boss.press("Schedule")
    await boss.press(1)  # tomorrow
    await boss.press("9:00")
    await boss.press("Yes, schedule it")
    assert "is scheduled for" in boss.last.text
    scheduled = boss.last
    await boss.press_data(scheduled.callback_data()[0])  # cancel
    assert "cancelled" in boss.last.text
    await boss.press_data(scheduled.callback_data()[0])  # cancel twice
    assert "was cancelled" in boss.answered_callback().params["text"]
    clock.advance(days=2)
    await Reports().tick(app.bot_data.services, app.bot)
    await app.bot_data.services.sender.drain(app.bot)
    assert delivered(fake, "🏁") == {}

    await _compose(boss)
    b = (await app.bot_data.services.store.broadcasts.history(None, limit=1))[0]
    draft = b.id + 1
    await boss.press_data(f"bc:{draft}:sgo:202601010900")  # in the past
    assert "already passed" in boss.answered_callback().params["text"]
    await boss.press_data(f"bc:{draft}:sgo:203001012230")  # in quiet hours
    assert "07:00 to 20:59" in boss.answered_callback().params["text"]
    assert (await app.bot_data.services.store.broadcasts.get(draft)).status == "draft"


async def test_scheduled_broadcast_goes_out_at_its_time_to_who_is_there_then(
        app, fake, cohort, clock):
    boss = cohort
    await _compose(boss)
    await boss.press("Schedule")
    await boss.press(1)
    await boss.press("9:00")
    await boss.press("Yes, schedule it")
    reports = Reports()
    await reports.tick(app.bot_data.services, app.bot)
    assert delivered(fake, "🏁") == {}
    await officers(app, fake, [(4105, "ru", "Русский")])
    await app.bot_data.services.cohorts.join(4105, (await app.bot_data.services.store.cohorts
                                                    .get(1)).invite_code)
    clock.advance(days=1)
    await reports.tick(app.bot_data.services, app.bot)
    assert "sending" in boss.last.text  # a new report message
    await app.bot_data.services.sender.drain(app.bot)
    assert set(delivered(fake, "🏁")) == {4101, 4102, 4103, 4104, 4105}


async def test_empty_audience_and_foreign_cohorts_are_refused(app, fake, cohort):
    boss = cohort
    other = await trainer(app, fake, 4002)
    await other.send("/broadcast")
    assert "no cohorts yet" in other.last.text
    b = await app.bot_data.services.store.broadcasts.history(None)
    draft = (await app.bot_data.services.store.broadcasts.new_draft(4002, "x")).id
    await other.press_data(f"bc:{draft}:co:1")  # the first trainer's cohort
    assert "not yours" in other.answered_callback().params["text"]
    await other.press_data(f"bc:{draft}:nar:-")
    assert "at least one cohort" in other.answered_callback().params["text"]
    await other.press_data(f"bc:{draft - 1}:go:-")  # someone else's broadcast
    assert "not yours" in other.answered_callback().params["text"]
    assert b == []

    # narrowing can leave no one: no send button
    await boss.send("/broadcast")
    await boss.press("Almaty")
    await boss.press("Continue")
    await boss.press("With reviews due")
    await boss.press("Keep going")
    assert "No officer matches" in boss.last.text
    assert "Send now" not in str(boss.last.buttons)


async def test_narrowing_to_inactive_officers(app, fake, cohort, content, clock):
    boss = cohort
    from harness import Chat

    from bot.sandbox import UpdateFactory
    lesson = content.course.modules[0].lessons[0]
    busy = Chat(app, fake, UpdateFactory(4101, language_code="en"))
    await busy.press_data(f"les:{lesson.id}:1")
    await boss.send("/broadcast")
    await boss.press("Almaty")
    await boss.press("Continue")
    await boss.press("Inactive for 7 days")
    await boss.press("Keep going")
    assert "It goes to 3 officers" in boss.last.text


async def test_admin_broadcasts_to_a_language(app, fake, cohort):
    admin = (await officers(app, fake, [(ADMIN_ID, "en", "English")]))[0]
    await admin.send("/broadcast")
    await admin.press("A language")
    await admin.press("Русский")
    await admin.press("All of them")
    await admin.press("A new lesson")
    await admin.press(0)
    await admin.press(0)
    assert "It goes to 2 officers: Русский: 2" in admin.last.text
    await admin.press("Send now")
    await admin.press("Yes, send it now")
    await app.bot_data.services.sender.drain(app.bot)
    lessons = [c for c in fake.of("sendMessage") if "📖" in c.text]
    assert {int(c.params["chat_id"]) for c in lessons} == {4102, 4104}
    assert all(c.callback_data()[0].startswith("les:") for c in lessons)
    await admin.send("/broadcast")
    await admin.press("Earlier broadcasts")
    assert f"from {ADMIN_ID}" in admin.last.text


@pytest.mark.parametrize("lang,language", [("ru", "Русский"), ("ps", "پښتو")])
async def test_composer_speaks_the_trainers_language(app, fake, lang, language):
    boss = await trainer(app, fake, 4003, lang, language)
    await officers(app, fake, [(4111, "en", "English")])
    await cohort_with(app, boss.user_id, [4111], name="Kabul")
    await boss.send("/broadcast")
    assert "New broadcast" not in boss.last.text and "Kabul" in str(boss.last.buttons)
    await boss.press("Kabul")
    await _press_action(boss, "nar")  # continue
    await _press_action(boss, "n", "all")
    await _press_action(boss, "tpl", "progress")
    preview = boss.last.text
    assert re.search(r"English: \S*[1١۱]", preview)  # the count, in the trainer's digits
    assert "Preview" not in preview and "officer" not in preview
    assert "finished" not in preview  # the sample message is in the trainer's language too
    await _press_action(boss, "now")
    await _press_action(boss, "go")
    await app.bot_data.services.sender.drain(app.bot)
    english = [c for c in fake.of("sendMessage") if c.params["chat_id"] == 4111 and "🏁" in
               c.text]
    assert len(english) == 1 and "Keep going" in english[0].text


async def _press_action(chat, action, value=None):
    for data in chat.last.callback_data() if chat.last.buttons else chat._with_buttons() \
            .callback_data():
        parts = data.split(":")
        if parts[0] == "bc" and parts[2] == action and (value is None or parts[3] == value):
            return await chat.press_data(data, chat.last.result["message_id"]
                                         if isinstance(chat.last.result, dict) else 1)
    raise AssertionError(f"no {action} button")
