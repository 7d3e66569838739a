"""Issue 14: the bot in a class group, class quizzes as native quiz polls, the debrief."""

from __future__ import annotations

import pytest
from classroom_helpers import GROUP, class_group
from harness import Chat

from bot.delivery.budget import SendLimits
from bot.sandbox import UpdateFactory


@pytest.fixture(autouse=True)
def quick_group_budget(app):
    """A group's budget 50 times faster, so that a quiz's polls do not take real minutes."""
    app.bot_data.services.sender.budget.limits = SendLimits().scaled(50)


async def reviews(app, user_id: int) -> int:
    return await app.bot_data.services.store.db.scalar(
        "SELECT COUNT(*) FROM review_log WHERE user_id = ?", (user_id,))


async def run_polls(group, clock, answers) -> None:
    """Answer each poll as it comes (``answers(poll_number, poll_call)``), let it close."""
    for number in range(50):
        polls = group.polls()
        if len(polls) <= number:
            break
        await answers(number, polls[number])
        clock.advance(seconds=31)
        await group.tick()
        await group.flush()


async def test_trainer_links_the_group_in_private_and_the_group_gets_the_invite(app, fake):
    group = await class_group(app, fake, linked=False)
    await group.say(group.boss, "/linkcohort")
    note = group.said()[-1]
    assert "private message" in note.text
    ask = group.boss.last
    assert "Class group" in ask.text and "Almaty" in ask.button_texts()
    await group.boss.press("Almaty")
    assert "class group of <b>Almaty</b>" in group.boss.last.text
    assert await group.flush() == 1
    welcome = group.said()[-1]
    link = welcome.buttons[0][0]["url"]
    assert link.endswith("start=co_" + group.cohort.invite_code)
    linked = await app.bot_data.services.classroom.group(GROUP)
    assert linked.cohort_id == group.cohort.id and linked.locale == "en"


async def test_only_the_cohorts_trainer_can_link_and_run(app, fake, clock):
    group = await class_group(app, fake, linked=False)
    officer = group.members[0]
    await group.say(officer, "/linkcohort")
    assert "Only the cohort's trainer" in group.said()[-1].text
    await group.say(officer, "/classquiz")
    assert "not linked to a cohort" in group.said()[-1].text
    # another trainer cannot confirm the boss's link request by forging the button
    other = Chat(app, fake, UpdateFactory(4002))
    await other.onboard()
    await app.bot_data.services.store.users.set_role(4002, "trainer")
    await other.press_data(f"cgl:{GROUP}:{group.cohort.id}")
    assert "no longer valid" in (other.answered_callback().params.get("text") or "")
    await group.link()
    await group.say(officer, "/classquiz")
    assert "Only the trainer of this cohort" in group.said()[-1].text
    # the officer presses the trainer's set-up button: refused, nothing starts
    await group.say(group.boss, "/classquiz")
    await group.press(officer, "HIV")
    assert "Only the trainer of this cohort" in officer.answered_callback().params["text"]
    assert await app.bot_data.services.classroom.running() == []


async def test_a_class_quiz_posts_quiz_polls_and_counts_cohort_answers_once(app, fake, clock):
    group = await class_group(app, fake)
    await group.start_quiz()
    polls = group.polls()
    assert len(polls) == 1  # one at a time
    first = polls[0].params
    assert first["type"] == "quiz" and first["is_anonymous"] is False
    assert first["open_period"] == 30 and len(first["correct_option_ids"]) == 1
    assert len(first["question"]) <= 300 and len(first.get("explanation", "")) <= 200
    guest = UpdateFactory(5555)  # in the group, not in the bot

    async def answers(number, poll):
        right = int(poll.params["correct_option_ids"][0])
        wrong = (right + 1) % len(poll.params["options"])
        await group.answer(group.members[0], poll, right)
        await group.answer(group.members[0], poll, wrong)  # again: the first answer stands
        await group.answer(group.members[1], poll, wrong if number < 2 else right)
        await group.answer(group.members[2], poll, None)  # retracted: nothing stored
        await group.answer(guest, poll, right)

    await run_polls(group, clock, answers)
    assert len(group.polls()) == 5
    assert await reviews(app, 4101) == 5 and await reviews(app, 4102) == 5
    assert await reviews(app, 4103) == 0 and await reviews(app, 5555) == 0
    db = app.bot_data.services.store.db
    assert await db.scalar("SELECT COUNT(*) FROM class_answers") == 15
    assert await db.scalar("SELECT COUNT(*) FROM class_answers WHERE user_id IS NULL") == 5
    summary = group.said()[-1]
    assert "Class quiz results" in summary.text and "To discuss together" in summary.text
    assert "3 members answered" in summary.text
    results = group.boss.last
    assert "2 of 5 right" not in results.text and "3 of 5 right" in results.text
    assert "5 of 5 right" in results.text
    # the refresher reaches the officer who missed questions, once
    await group.boss.press("Send a refresher")
    assert "1 officer" in group.boss.answered_callback().params["text"]
    await group.boss.press("Send a refresher")
    assert "already" in group.boss.answered_callback().params["text"]
    await group.flush()
    refresher = group.members[1].last
    assert "Из вашего теста в классе: 2 вопроса" in refresher.text  # in Russian, two missed
    assert refresher.text.count("❓") == 2
    assert [c for c in group.members[0].mine() if "🔁" in c.text] == []
    await group.boss.send("/reach")  # the cascade reach counts the class quiz held
    assert "class quizzes 1" in group.boss.last.text


async def test_an_answer_after_the_poll_closed_is_not_counted(app, fake, clock):
    group = await class_group(app, fake)
    await group.start_quiz()
    poll = group.polls()[0]
    clock.advance(seconds=40)
    await group.answer(group.members[0], poll, 0)
    assert await reviews(app, 4101) == 0
    assert await app.bot_data.services.store.db.scalar(
        "SELECT COUNT(*) FROM class_answers") == 0


async def test_removing_the_bot_unlinks_the_group_and_stops_the_quiz(app, fake, clock):
    group = await class_group(app, fake)
    await group.start_quiz()
    poll = group.polls()[0]
    await group.boss.update(group.boss.users.bot_in_group(GROUP, "kicked"))
    services = app.bot_data.services
    assert await services.classroom.group(GROUP) is None
    assert await services.classroom.running() == []
    await group.answer(group.members[0], poll, 0)
    assert await reviews(app, 4101) == 0
    await group.flush()
    assert "removed from the class group" in group.boss.last.text
    await group.say(group.boss, "/classquiz")
    assert "not linked" in group.said()[-1].text


async def test_a_poll_telegram_refuses_stops_the_quiz_and_says_what_is_needed(app, fake,
                                                                             clock):
    group = await class_group(app, fake)
    fake.fail_next("400", method="sendPoll",
                   description="Bad Request: not enough rights to send polls to the chat")
    await group.start_quiz()
    await group.tick()
    await group.flush()
    assert "permission to send messages and polls" in group.boss.last.text
    assert await app.bot_data.services.classroom.running() == []


async def test_linkcohort_warns_when_polls_are_not_allowed(app, fake):
    group = await class_group(app, fake, linked=False)
    fake.group_permissions[GROUP] = {"can_send_messages": True, "can_send_polls": False}
    await group.say(group.boss, "/linkcohort")
    assert "may not send polls" in group.said()[-1].text


async def test_other_group_messages_are_ignored(app, fake):
    group = await class_group(app, fake)
    before = len(fake.calls)
    await group.say(group.members[0], "hello everyone")
    await group.say(group.members[0], "/quiz")
    await group.say(group.members[0], "/classquiz@SomeOtherBot")
    await group.say(group.members[0], "/")  # a bare slash, as a phone may send it
    await group.say(group.members[0], "/ classquiz")
    assert fake.calls[before:] == []


async def test_teach_shows_a_plan_and_starts_the_class_quiz(app, fake, clock):
    group = await class_group(app, fake, linked=False)
    await group.boss.send("/teach hiv")
    plan = group.boss.last
    assert "Session plan" in plan.text and "/linkcohort" in plan.text
    await group.members[0].send("/teach hiv")
    assert "trainers only" in group.members[0].last.text
    await group.link()
    await group.boss.send("/teach 1")
    await group.boss.press("Class quiz")
    await group.boss.press("10 questions")
    await group.boss.press("20 seconds")
    await group.flush()
    assert len(group.polls()) == 1 and group.polls()[0].params["open_period"] == 20
    assert "10 questions, 20 seconds each" in group.said()[-2].text  # the class is told


async def test_forget_removes_an_officers_class_answers(app, fake, clock):
    group = await class_group(app, fake)
    await group.start_quiz()
    poll = group.polls()[0]
    await group.answer(group.members[0], poll, 0)
    await group.answer(group.members[1], poll, 0)
    db = app.bot_data.services.store.db
    assert await db.scalar("SELECT COUNT(*) FROM class_answers WHERE user_id = 4101") == 1
    await group.members[0].send("/forget")
    await group.members[0].press("Yes")
    assert await db.scalar("SELECT COUNT(*) FROM class_answers WHERE user_id = 4101") == 0
    assert await db.scalar("SELECT COUNT(*) FROM class_answers") == 1


async def test_the_group_language_is_the_trainers_choice_and_rtl_is_laid_out(app, fake,
                                                                             clock):
    group = await class_group(app, fake)
    await group.boss.press("فارسی")
    assert "class quizzes in فارسی" in group.boss.last.text
    await group.say(group.members[0], "/classquiz")  # an English officer: answered in Persian
    refusal = group.said()[-1].text
    assert "فقط مربی این گروه" in refusal
    await group.start_quiz(module="اچ‌آی‌وی", size="۵", period="۳۰")
    poll = group.polls()[0].params
    assert any("\u0600" <= ch <= "\u06ff" for ch in poll["question"])  # the poll in Persian


async def test_a_group_that_becomes_a_supergroup_keeps_its_link(app, fake, clock):
    group = await class_group(app, fake)
    supergroup = -1009999999999
    users = group.boss.users
    await group.boss.update({"update_id": 999, "message": users._message(
        chat_id=GROUP, migrate_to_chat_id=supergroup)})
    services = app.bot_data.services
    assert await services.classroom.group(GROUP) is None
    assert (await services.classroom.group(supergroup)).cohort_id == group.cohort.id
    group.chat_id = supergroup
    await group.start_quiz()
    assert group.polls()[0].params["chat_id"] == supergroup


async def test_linkcohort_tells_the_trainer_privately_when_it_may_not_write_there(app, fake):
    group = await class_group(app, fake, linked=False)
    fake.bot_member[GROUP] = {
        "status": "restricted", "until_date": 0, "is_member": True,
        **{f"can_{right}": True for right in (
            "send_audios", "send_documents", "send_photos", "send_videos", "send_video_notes",
            "send_voice_notes", "send_other_messages", "add_web_page_previews",
            "change_info", "invite_users", "pin_messages", "manage_topics",
            "edit_tag", "react_to_messages")},
        "can_send_messages": False, "can_send_polls": False}
    fake.fail_next("400", method="sendMessage", chat_id=GROUP,
                   description="Bad Request: not enough rights to send text messages")
    await group.say(group.boss, "/linkcohort")
    assert "may not send messages in this group" in group.boss.last.text
    assert "Almaty" in group.boss.last.button_texts()


def test_a_guest_is_stored_under_a_keyed_hash(monkeypatch):
    """An unkeyed hash of a Telegram id can be reversed by trying every id; the stored value
    depends on the install's key as well."""
    import hashlib

    import bot.logs as logs
    from bot.services.classroom import guest_voter
    unkeyed = hashlib.sha256(b"class-poll:7:5555").digest()
    monkeypatch.setattr(logs, "_pseudonym_key", b"k" * 32)
    first = guest_voter(7, 5555)
    assert first < 0 and first != -(int.from_bytes(unkeyed[:7], "big") + 1)
    assert guest_voter(7, 5555) == first and guest_voter(8, 5555) != first
    monkeypatch.setattr(logs, "_pseudonym_key", b"q" * 32)
    assert guest_voter(7, 5555) != first
