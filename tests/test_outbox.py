"""The outbox under Telegram's answers: 429 pauses everything, 403 blocks, 400 fails at once,
5xx and timeouts retry with backoff and give up with a reason, a crash resumes without loss,
and the pacing keeps to the overall and per-chat limits."""

from __future__ import annotations

import asyncio
import itertools

from conftest import make_app
from staffing import MEETING, cohort_with, delivered, officers, trainer

from bot.app import build_application, running
from bot.delivery.budget import SendBudget, SendLimits
from bot.delivery.sender import MAX_ATTEMPTS
from bot.sandbox import FakeBotAPI
from bot.sandbox_limits import LimitedFakeBotAPI


async def _broadcast(app, fake, ids):
    boss = await trainer(app, fake)
    await officers(app, fake, [(i, "en", "English") for i in ids])
    await cohort_with(app, boss.user_id, ids)
    services = app.bot_data.services
    return await services.broadcasts.send_template(boss.user_id, "meeting", MEETING, ids)


def delivered_or_not(fake, chat_id):
    """Every attempt to send the broadcast to ``chat_id``."""
    return [c for c in fake.of("sendMessage") if c.params["chat_id"] == chat_id
            and "meets" in c.text]


async def _states(app, b):
    rows = await app.bot_data.services.store.outbox.rows(broadcast_id=b.id)
    return {r["user_id"]: (r["state"], r["attempts"], r["error"]) for r in rows}


async def test_429_pauses_the_whole_sender_and_costs_no_attempt(app, fake):
    b = await _broadcast(app, fake, [5001, 5002, 5003])
    fake.fail_next("429", method="sendMessage", retry_after=1)
    times = []
    fake.listeners.append(lambda call: times.append(asyncio.get_running_loop().time())
                          if call.method == "sendMessage" else None)
    assert await app.bot_data.services.sender.drain(app.bot) == 3
    assert times[1] - times[0] >= 0.95  # nothing at all was sent during retry_after
    states = await _states(app, b)
    # one call each that counts: the refused one is not an attempt
    assert all(state == "sent" and attempts == 1 for state, attempts, _ in states.values())
    assert delivered(fake, "meets") == {5001: 1, 5002: 1, 5003: 1}


async def test_403_marks_blocked_and_inactive_and_skips_later_rows(app, fake, clock):
    b = await _broadcast(app, fake, [5011, 5012])
    fake.fail_next("403", chat_id=5011)
    services = app.bot_data.services
    assert await services.sender.drain(app.bot) == 1
    assert (await _states(app, b))[5011][0] == "blocked"
    assert not (await services.store.users.get(5011)).active
    # the next broadcast counts the blocked officer without a call
    fake.clear()
    b2 = await services.broadcasts.send_template(4001, "meeting", MEETING, [5011, 5012])
    await services.sender.drain(app.bot)
    assert delivered(fake) == {5012: 1}
    assert (await _states(app, b2))[5011][0] == "blocked"


async def test_5xx_and_timeouts_retry_with_backoff_then_succeed(app, fake, clock):
    b = await _broadcast(app, fake, [5021, 5022])
    fake.fail_next("5xx", chat_id=5021)
    fake.fail_next("timeout", chat_id=5022)
    sender = app.bot_data.services.sender
    assert await sender.drain(app.bot) == 0
    states = await _states(app, b)
    assert states[5021][:2] == ("pending", 1) and "Internal Server Error" in states[5021][2]
    assert states[5022][:2] == ("pending", 1)
    assert await sender.drain(app.bot) == 0  # not before the backoff
    clock.advance(minutes=2)
    assert await sender.drain(app.bot) == 2
    assert {s for s, _, _ in (await _states(app, b)).values()} == {"sent"}


async def test_repeated_5xx_fails_with_its_reason_after_bounded_attempts(app, fake, clock):
    b = await _broadcast(app, fake, [5031])
    app.bot_data.services.sender.budget.limits = SendLimits().scaled(20)  # a quick test
    fake.fail_next("5xx", chat_id=5031, times=MAX_ATTEMPTS + 5,
                   description="Bad Gateway")
    sender = app.bot_data.services.sender
    for _ in range(MAX_ATTEMPTS + 2):
        await sender.drain(app.bot)
        clock.advance(hours=1)
    state, attempts, error = (await _states(app, b))[5031]
    assert (state, attempts) == ("failed", MAX_ATTEMPTS) and error == "Bad Gateway"
    assert len(delivered_or_not(fake, 5031)) == MAX_ATTEMPTS


async def test_permanent_400_fails_at_once_and_marks_an_unreachable_chat(app, fake):
    b = await _broadcast(app, fake, [5041, 5042])
    fake.fail_next("400", chat_id=5041, description="Bad Request: chat not found")
    sender = app.bot_data.services.sender
    await sender.drain(app.bot)
    state, attempts, error = (await _states(app, b))[5041]
    assert (state, attempts, error) == ("failed", 1, "Chat not found")
    assert not (await app.bot_data.services.store.users.get(5041)).active
    await sender.drain(app.bot)
    assert len(delivered_or_not(fake, 5041)) == 1


async def test_an_unexpected_error_for_one_row_leaves_the_others_sent(app, fake, monkeypatch):
    b = await _broadcast(app, fake, [5051, 5052, 5053])
    services = app.bot_data.services
    real = services.broadcasts.values_for

    async def broken(bc, user_id, locale):
        if user_id == 5052:
            raise RuntimeError("a bug")
        return await real(bc, user_id, locale)
    monkeypatch.setattr(services.broadcasts, "values_for", broken)
    assert await services.sender.drain(app.bot) == 2
    states = await _states(app, b)
    assert states[5051][0] == states[5053][0] == "sent"
    assert states[5052][:2] == ("pending", 1) and "RuntimeError" in states[5052][2]


async def test_an_officer_who_writes_again_is_active_again(app, fake):
    (officer,) = await officers(app, fake, [(5061, "en", "English")])
    store = app.bot_data.services.store
    await officer.update(officer.users.my_chat_member("kicked"))
    assert not (await store.users.get(5061)).active
    await officer.send("hello")
    assert (await store.users.get(5061)).active
    await store.users.set_active(5061, False)  # e.g. a 403 from the outbox
    await officer.press_data("menu:lessons")
    assert (await store.users.get(5061)).active


async def test_blocked_by_my_chat_member_means_no_call(app, fake):
    (officer,) = await officers(app, fake, [(5071, "en", "English")])
    await officer.update(officer.users.my_chat_member("kicked"))
    await app.bot_data.services.store.users.set_role(4001, "trainer")
    boss = await trainer(app, fake)
    services = app.bot_data.services
    fake.clear()
    b = await services.broadcasts.send_template(boss.user_id, "meeting", MEETING, [5071])
    await services.sender.drain(app.bot)
    assert delivered(fake) == {}
    assert (await _states(app, b))[5071][0] == "blocked"


async def test_pacing_keeps_one_chat_apart_and_groups_further(settings, catalogs, content,
                                                             clock):
    fake = FakeBotAPI()
    limits = SendLimits().scaled(10)  # private: 0.1 s apart, a group: 0.3 s apart
    app = build_application(settings, request=fake, catalogs=catalogs, content=content,
                            rate_limiter=False, clock=clock, reminder_ticker=False,
                            outbox=False, send_limits=limits)
    times: dict[int, list[float]] = {}
    fake.listeners.append(lambda c: times.setdefault(int(c.params["chat_id"]), []).append(
        asyncio.get_running_loop().time()) if c.method == "sendMessage" else None)
    async with running(app):
        outbox = app.bot_data.services.outbox
        for chat_id in (6001, 6001, 6001, -100123, -100123):
            await outbox.post(chat_id, "send_message", {"text": "hello"})
        assert await app.bot_data.services.sender.drain(app.bot) == 5
    private, group = times[6001], times[-100123]
    # measured where the fake receives the call: a send task started late on a busy machine
    # (two test workers on two cores) can arrive closer to the next one than its slot was;
    # unpaced, the gaps would be about 0
    assert min(b - a for a, b in itertools.pairwise(private)) >= 0.06
    assert group[1] - group[0] >= 0.2
    assert SendLimits().interval(-1) == 3.0 and SendLimits().interval(1) == 1.0


async def test_answers_take_their_share_of_the_budget_first():
    budget = SendBudget(SendLimits(overall_per_second=10, burst=1))
    loop = asyncio.get_running_loop()
    for _ in range(10):  # a second's worth of answers to officers
        budget.note_interactive(7000)
    start = loop.time()
    await budget.acquire(7001)
    assert loop.time() - start >= 0.9  # the bulk message waits for the budget to refill
    assert budget.chat_ready_in(7000) > 0.9  # and that officer's chat is busy for a second


async def test_crash_mid_broadcast_resumes_without_loss(settings, catalogs, content, clock):
    ids = list(range(8001, 8061))
    limits = SendLimits().scaled(4)  # 120 messages a second
    fake = LimitedFakeBotAPI(latency=0.02, rate=limits.overall_per_second)
    app = build_application(settings, request=fake, catalogs=catalogs, content=content,
                            rate_limiter=False, clock=clock, reminder_ticker=False,
                            outbox=True, send_limits=limits)
    async with running(app):
        services = app.bot_data.services
        boss = await trainer(app, fake)
        for user_id in ids:
            await services.store.users.ensure(user_id, user_id)
            await services.store.users.set_locale(user_id, "ru")
            await services.store.users.mark_privacy_seen(user_id)
        await services.broadcasts.send_template(boss.user_id, "meeting", MEETING, ids)
        half = asyncio.Event()
        fake.listeners.append(lambda c: half.set() if sum(
            fake.delivered[i] for i in ids) >= len(ids) // 2 else None)
        await half.wait()
        services.sender._task.cancel()  # the crash: the task dies with its calls in flight
        await asyncio.sleep(0)
        await services.store.db.close()  # and the connection with it
    first = {i: fake.delivered[i] for i in ids}
    assert 0 < sum(first.values()) < len(ids)

    fake2 = LimitedFakeBotAPI(latency=0.02, rate=limits.overall_per_second)
    app2 = make_app(settings, fake2, catalogs, content, clock)
    async with running(app2):
        store = app2.bot_data.services.store
        in_flight = sum(r["state"] == "sending" for r in await store.outbox.rows(
            kind="broadcast"))
        await app2.bot_data.services.sender.start(app2.bot)  # as at start-up
        assert await app2.bot_data.services.sender.idle(30)
        await app2.bot_data.services.sender.stop()
        states = {r["state"] for r in await store.outbox.rows(kind="broadcast")}
    assert states == {"sent"}
    total = {i: first[i] + fake2.delivered[i] for i in ids}
    lost = [i for i in ids if total[i] == 0]
    duplicates = sum(n - 1 for n in total.values() if n > 1)
    assert lost == []
    assert duplicates <= in_flight <= app.bot_data.services.sender.max_in_flight


async def test_rate_limiter_lets_outbox_sends_skip_its_queue_but_shares_the_pause(
        settings, catalogs, content, clock):
    fake = FakeBotAPI()
    app = build_application(settings, request=fake, catalogs=catalogs, content=content,
                            rate_limiter=True, clock=clock, reminder_ticker=False,
                            outbox=False)
    loop = asyncio.get_running_loop()
    async with running(app):
        services = app.bot_data.services
        (chat,) = await officers(app, fake, [(5081, "en", "English")])
        assert services.sender.budget.chat_ready_in(5081) > 0  # answers use the budget
        refused = asyncio.Event()
        fake.listeners.append(lambda c: refused.set() if c.error and "retry" in c.error
                              else None)
        fake.fail_next("429", method="sendMessage", chat_id=5082, retry_after=1)
        await services.outbox.post(5082, "send_message", {"text": "bulk"})
        drain = asyncio.create_task(services.sender.drain(app.bot))
        await refused.wait()
        start = loop.time()
        await chat.send("/help")  # an answer while the outbox's 429 pause lasts
        assert chat.last.text and loop.time() - start >= 0.8
        assert await drain == 1
        bulk = [c for c in fake.of("sendMessage") if c.params["chat_id"] == 5082]
        assert [c.error is None for c in bulk] == [False, True]  # refused once, sent once


async def test_a_crash_while_queuing_a_broadcast_is_finished_at_the_next_tick(
        app, fake, monkeypatch):
    from bot.handlers.broadcast_report import Reports
    from bot.services import broadcasts as broadcast_rules
    ids = [5091, 5092, 5093, 5094, 5095]
    boss = await trainer(app, fake)
    await officers(app, fake, [(i, "en", "English") for i in ids])
    services = app.bot_data.services
    monkeypatch.setattr(broadcast_rules, "QUEUE_CHUNK", 2)
    real = services.store.broadcasts.add_recipients
    calls = []

    async def dies_after_one_chunk(*args):
        calls.append(args)
        if len(calls) > 1:
            raise RuntimeError("the process died")
        return await real(*args)
    monkeypatch.setattr(services.store.broadcasts, "add_recipients", dies_after_one_chunk)
    b = await services.broadcasts.new_draft(boss.user_id)
    b = await services.broadcasts.set_template(b, "meeting", MEETING)
    b = await services.broadcasts.set_audience(b, {"users": ids})
    try:
        await services.broadcasts.start_now(b, None)
    except RuntimeError:
        pass
    assert (await services.store.broadcasts.get(b.id)).status == "queuing"
    assert len(await _states(app, b)) == 2
    monkeypatch.setattr(services.store.broadcasts, "add_recipients", real)
    await boss.press_data(f"bc:{b.id}:go:-")  # pressing send again sends nothing new
    assert "already been sent" in boss.answered_callback().params["text"]
    await Reports().tick(services, app.bot)  # the job finishes queuing
    assert (await services.store.broadcasts.get(b.id)).status == "sending"
    await services.sender.drain(app.bot)
    assert delivered(fake, "meets") == {i: 1 for i in ids}
