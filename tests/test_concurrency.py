"""Updates fed as polling and webhooks feed them (``Application.update_queue``) run through
the update processor: different officers concurrently, each officer's in order, bounded, with
a per-officer flood limit whose state, like the processor's, does not grow without bound."""

from __future__ import annotations

import asyncio
import threading

from conftest import ADMIN_ID, app_over, load_content, make_app
from harness import Chat

from bot.app import running
from bot.concurrency import PerUserUpdateProcessor, UpdateLimiter, update_key
from bot.handlers.flood import NOTE
from bot.sandbox import Call, UpdateFactory, to_update

WAIT = 10.0  # seconds before a test that would hang fails instead (never reached when right)


async def feed(app, *updates: dict) -> None:
    """Put updates on the queue the updater fills, and wait until all are handled."""
    for data in updates:
        await app.update_queue.put(to_update(data, app.bot))
    await asyncio.wait_for(app.update_queue.join(), WAIT)


def chat_of(call: Call) -> int:
    return int(call.params.get("chat_id") or 0)


async def onboarded(chat_factory, *user_ids: int, language: str = "English") -> list[Chat]:
    chats = [chat_factory(uid) for uid in user_ids]
    for chat in chats:
        await chat.onboard(language)
    return chats


async def test_processor_is_the_applications(app):
    assert isinstance(app.update_processor, PerUserUpdateProcessor)
    assert app.update_processor.max_running == 64
    assert app.update_processor.limiter is not None


async def test_one_officers_updates_wait_for_each_other_while_others_run(app, fake,
                                                                        chat_factory):
    a, b = await onboarded(chat_factory, 2001, 2002)
    release = asyncio.Event()
    held: list[Call] = []

    async def hold_a(call: Call) -> None:
        if chat_of(call) == a.user_id and not release.is_set():
            held.append(call)
            await release.wait()

    b_answered = asyncio.Event()
    fake.hook = hold_a
    fake.listeners.append(lambda call: chat_of(call) == b.user_id and b_answered.set())
    start = len(fake.calls)
    queued = asyncio.create_task(feed(app, a.users.text("/help"), a.users.text("/privacy"),
                                      b.users.text("/help")))
    await asyncio.wait_for(b_answered.wait(), WAIT)  # b, queued last, runs while a is held
    await asyncio.sleep(0.05)  # time for a's second update to start, were it not held back
    assert len(held) == 1, "a's second update ran before a's first had finished"
    assert "/forget" in held[0].text  # the /help message is the one held
    release.set()
    await queued
    mine = [c for c in fake.calls[start:] if chat_of(c) == a.user_id]
    assert [c.method for c in mine] == ["sendMessage", "sendMessage"]
    assert "/forget" in mine[0].text and mine[1].text != mine[0].text  # help, then privacy


async def test_a_double_press_is_answered_once_in_order(app, fake, chat_factory):
    """A double press of a quiz answer, both presses on the queue at once: the answer counts
    once, the second press is told so (and sees the answer again, never a dead end), and it
    comes after the first one's whole reply."""
    (chat,) = await onboarded(chat_factory, 2101)
    course = app.bot_data.services.content.course
    lesson = next(le for le in course.lessons_in_order()  # one answer: a press answers
                  if le.quiz and sum(o.correct for o in le.quiz[0].options) == 1)
    await chat.press_data(f"done:{lesson.id}")
    await chat.press_data(f"ql:{lesson.id}")
    message, button = chat.button(0)
    fake.hook = lambda call: asyncio.sleep(0.01)  # every call takes a while
    start = len(fake.calls)
    press = chat.users.callback(button["callback_data"], message.result["message_id"])
    again = chat.users.callback(button["callback_data"], message.result["message_id"])
    await feed(app, press, again)
    calls = [(c.method, c.params.get("text", "")) for c in fake.calls[start:]]
    assert [m for m, _ in calls] == ["answerCallbackQuery", "editMessageText",
                                     "answerCallbackQuery", "editMessageText"]
    assert calls[2][1] == "You have already answered this question."
    db = app.bot_data.services.store.db
    assert await db.scalar("SELECT COUNT(*) FROM review_log WHERE user_id = ?",
                           (chat.user_id,)) == 1


async def test_different_officers_run_concurrently(app, fake, chat_factory):
    """Every officer's reply is held until all of them are in flight at once: handled one
    at a time, the first would wait forever (and the test fail after WAIT seconds)."""
    chats = await onboarded(chat_factory, *range(2201, 2211))
    everyone = asyncio.Event()
    in_flight: set[int] = set()

    async def barrier(call: Call) -> None:
        if call.method == "sendMessage":
            in_flight.add(chat_of(call))
            if len(in_flight) == len(chats):
                everyone.set()
            await everyone.wait()

    fake.hook = barrier
    await feed(app, *(c.users.text("/help") for c in chats))
    assert in_flight == {c.user_id for c in chats}


async def test_no_more_than_max_running_at_once(settings, fake, catalogs, content, clock):
    app = make_app(settings, fake, catalogs, content, clock,
                   update_processor=PerUserUpdateProcessor(3, limiter=UpdateLimiter()))
    async with running(app):
        users = [UpdateFactory(2300 + i) for i in range(8)]
        now, most = 0, 0

        async def count(call: Call) -> None:
            nonlocal now, most
            now += 1
            most = max(most, now)
            await asyncio.sleep(0.01)
            now -= 1

        fake.hook = count
        await feed(app, *(u.text("/start") for u in users))
    assert most == 3
    assert app.update_processor.keys_in_flight == 0


async def test_a_flood_gets_one_note_in_the_officers_language_and_no_work(app, fake,
                                                                         chat_factory,
                                                                         catalogs):
    (chat,) = await onboarded(chat_factory, 2401, language="Русский")
    limiter = app.update_processor.limiter
    db = app.bot_data.services.store.db
    views_before = await db.scalar("SELECT COUNT(*) FROM card_views")
    start = len(fake.calls)
    course = app.bot_data.services.content.course
    lesson = course.lessons_in_order()[0]
    flood = [chat.users.callback(f"les:{lesson.id}:1") for _ in range(int(limiter.burst) + 15)]
    await feed(app, *flood)
    answers = [c for c in fake.calls[start:] if c.method == "answerCallbackQuery"]
    notes = [c for c in answers if c.params.get("show_alert")]
    assert len(notes) == 1
    assert notes[0].params["text"] == catalogs.get("ru").label(NOTE) != NOTE
    # only the admitted presses did any work: one card view each
    views = await db.scalar("SELECT COUNT(*) FROM card_views") - views_before
    assert views == int(limiter.burst)
    # every press is answered (no button keeps spinning): the refused ones with nothing
    assert sorted(c.params["callback_query_id"] for c in answers) == \
        sorted(u["callback_query"]["id"] for u in flood)


async def test_a_flood_of_messages_gets_one_note_as_a_message(app, fake, chat_factory):
    (chat,) = await onboarded(chat_factory, 2501)
    start = len(fake.calls)
    await feed(app, *(chat.users.text("/help") for _ in range(30)))
    texts = [c.text for c in fake.calls[start:] if c.method == "sendMessage"]
    assert texts.count(NOTE) == 1
    assert len(texts) == int(app.update_processor.limiter.burst) + 1


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limiter_refills_and_forgets_idle_officers():
    clock = ManualClock()
    limiter = UpdateLimiter(rate=2.0, burst=4, clock=clock)
    verdicts = [limiter.check("a") for _ in range(7)]
    assert verdicts == ["admit"] * 4 + ["note", "drop", "drop"]
    clock.now += 0.5  # one token back
    assert [limiter.check("a"), limiter.check("a")] == ["admit", "drop"]
    clock.now += 10  # refilled: a new flood gets a new note
    assert [limiter.check("a") for _ in range(5)] == ["admit"] * 4 + ["note"]
    for i in range(10_000):  # many officers, one update each
        limiter.check(("user", i))
    assert len(limiter) <= 10_001
    clock.now += 2.0  # everyone has refilled (burst / rate seconds)
    limiter.check("b")
    assert len(limiter) == 1


async def test_processor_state_stays_flat_under_a_flood():
    """Ten waves of 300 officers and one flooding officer through the processor: no lock is
    left behind and the limiter holds only officers seen in the last seconds."""
    clock = ManualClock()
    limiter = UpdateLimiter(rate=1.0, burst=5, clock=clock)
    notes: list[object] = []

    async def note(update) -> None:
        notes.append(update)

    processor = PerUserUpdateProcessor(8, limiter=limiter, on_limited=note)
    done = 0

    async def work() -> None:
        nonlocal done
        await asyncio.sleep(0)
        done += 1

    users = [UpdateFactory(10_000 + i) for i in range(3000)]
    flooder = UpdateFactory(99)
    sizes = []
    for wave in range(10):
        updates = [to_update(u.text("hi"), None) for u in users[wave * 300:(wave + 1) * 300]]
        spam = to_update(flooder.text("spam"), None)
        updates += [spam] * 700
        await asyncio.gather(*(processor.process_update(u, work()) for u in updates))
        assert processor.keys_in_flight == 0
        clock.now += 10.0
        sizes.append(len(limiter))
    assert done == 3000 + 10 * 5  # every officer once; the flooder its burst in each wave
    assert len(notes) == 10  # one note per flood
    assert max(sizes) <= 301  # this wave's officers and the flooder, never all 3,001


async def test_updates_without_a_user_or_chat_are_not_ordered_but_bounded():
    processor = PerUserUpdateProcessor(2)
    ran: list[int] = []

    async def work(i: int) -> None:
        ran.append(i)

    await asyncio.gather(*(processor.process_update(object(), work(i)) for i in range(5)))
    assert sorted(ran) == list(range(5))
    assert update_key(object()) is None
    assert processor.keys_in_flight == 0


async def test_reload_runs_off_the_event_loop(settings, catalogs, content_copy, clock):
    """While /reload reads and checks the content (held here), another officer is served.
    Were the loading done on the event loop, nothing else could run until it finished."""
    own = load_content(content_copy)
    loading, release = threading.Event(), threading.Event()
    real_load = own._load

    def held_load():
        loading.set()
        release.wait(5)  # on the event loop this would freeze everything for 5 s
        return real_load()

    own._load = held_load
    async with app_over(settings, catalogs, own, clock) as (app, fake):
        admin, officer = Chat(app, fake, UpdateFactory(ADMIN_ID)), Chat(app, fake,
                                                                         UpdateFactory(2601))
        await admin.onboard()
        await officer.onboard()
        order: list[str] = []
        fake.listeners.append(lambda call: order.append(
            "reload" if "reloaded" in call.text else "officer" if chat_of(call) == 2601 else ""))
        reload = asyncio.create_task(admin.send("/reload"))
        await asyncio.to_thread(loading.wait, 5)
        await officer.send("/help")
        release.set()
        await reload
        assert [o for o in order if o] == ["officer", "reload"]
