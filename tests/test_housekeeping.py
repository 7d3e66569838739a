"""Old quiz rounds and their question showings are pruned on a schedule; what the reports
and the scheduler need (card views, review log, FSRS cards, lesson progress) is kept."""

from __future__ import annotations

from bot.handlers import housekeeping
from bot.services.housekeeping import BATCH, ROUND_RETENTION, Housekeeping


async def counts(app) -> dict[str, int]:
    db = app.bot_data.services.store.db
    return {table: await db.scalar(f"SELECT COUNT(*) FROM {table}")
            for table in ("quiz_sessions", "quiz_presentations", "review_log", "quiz_cards",
                          "card_views", "lesson_progress")}


async def test_the_prune_job_is_scheduled(app):
    jobs = app.job_queue.get_jobs_by_name("housekeeping")
    assert len(jobs) == 1
    assert jobs[0].callback is housekeeping.prune


async def test_old_rounds_go_what_reports_need_stays(app, chat, clock):
    await chat.onboard()
    course = app.bot_data.services.content.course
    lesson = next(le for le in course.lessons_in_order()
                  if le.quiz and sum(o.correct for o in le.quiz[0].options) == 1)
    await chat.press_data(f"les:{lesson.id}:1")
    await chat.press_data(f"done:{lesson.id}")
    await chat.press_data(f"ql:{lesson.id}")
    old_question = chat.last
    await chat.press(0)  # answer the first question (wrong or right)
    before = await counts(app)
    assert before["quiz_sessions"] == 1 and before["quiz_presentations"] == 1
    services = app.bot_data.services
    clock.advance(days=3)
    await chat.press_data(f"ql:{lesson.id}")  # a newer round, left open
    clock.advance(seconds=(ROUND_RETENTION.total_seconds() - 3 * 86400) + 60)
    assert await Housekeeping(services.store, clock).prune() == 1
    after = await counts(app)
    assert after["quiz_sessions"] == 1  # the newer round stays
    assert after["quiz_presentations"] == 1  # its question on screen
    for kept in ("review_log", "quiz_cards", "card_views", "lesson_progress"):
        assert after[kept] == before[kept], kept
    # a button of the pruned round is answered as out of date, not with an error
    next_button = [b["callback_data"] for row in old_question.buttons for b in row]
    await chat.press_data(next_button[0], old_question.result["message_id"])
    assert "out of date" in chat.answered_callback().params["text"]


async def test_pruning_goes_in_small_batches(app, clock):
    services = app.bot_data.services
    db = services.store.db
    await db.execute("INSERT INTO users (user_id, chat_id) VALUES (1, 1)")
    old = "2026-01-01T00:00:00.000000Z"

    def rounds(tx):
        tx.executemany("INSERT INTO quiz_sessions (user_id, kind, items, created_at) "
                       "VALUES (1, 'review', '[]', ?)", [(old,)] * (BATCH * 2 + 7))
        tx.execute("INSERT INTO quiz_presentations (session_id, user_id, item_id, "
                   "option_order, nonce, shown_at) SELECT id, 1, 'q', '[0]', 'n', created_at "
                   "FROM quiz_sessions")

    await db.write(rounds)
    writes = []
    original = services.store.housekeeping.prune_rounds

    async def counted(before, limit):
        writes.append(limit)
        return await original(before, limit)

    services.store.housekeeping.prune_rounds = counted
    assert await Housekeeping(services.store, clock).prune() == BATCH * 2 + 7
    assert writes == [BATCH] * 3
    assert await db.scalar("SELECT COUNT(*) FROM quiz_presentations") == 0
