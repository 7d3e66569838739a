"""A class of 40 answering a class quiz at once, while officers use their private chats.

    python bench/bench_classroom.py [--api-latency 100ms] [--class-size 40] [--officers 100]
                                    [--think 5s] [--questions 5] [--seed 1]

The real Application over the fake Bot API with every call delayed as a network would
(``bench_network.LatencyModel``: ``--api-latency`` +-20 %, one call in 200 takes 1 s), with
the production rate limiter, the per-officer update processor and the outbox sender running,
as ``build_application`` sets them up. ``--officers`` simulated officers use their private
chats in a closed loop (as in ``bench_network``). Two runs on copies of one set-up database:

* ``private only``: the officers alone, for the baseline;
* ``+ class quiz``: meanwhile a trainer's class group (``--class-size`` members of the
  cohort) runs a class quiz of ``--questions`` polls: when each poll reaches the group, all
  members answer within half a second (``poll_answer`` updates put on the update queue as
  ``run_polling`` would); then the bench's clock jumps over the poll's open period and the
  class quiz ticker posts the next poll (so the run does not wait 20 s of real time per poll).

Printed: the private updates' latency (p50, p99) in both runs; the class answers' latency
from arrival to stored (p50, p99, max), how many were stored and counted as FSRS reviews;
the group messages sent (polls and debrief) and the shortest gap between two of them (the
outbox keeps a group to 20 messages a minute: 3 s apart).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_network import (
    FREE_TEXTS,
    LANGUAGE_CODES,
    LatencyModel,
    NetworkFakeBotAPI,
    Tracked,
    duration,
    settings_for,
)
from bench_updates import Driver, Officer, _onboarding_update, machine_line, study_choice

from bot.app import build_application, running
from bot.concurrency import PerUserUpdateProcessor, UpdateLimiter
from bot.handlers.classroom_debrief import tick
from bot.sandbox import FakeBotAPI, UpdateFactory, to_update
from bot.timeutil import system_clock

GROUP = -1001000000042
TRAINER = 800_000
FIRST_MEMBER = 810_000
FIRST_OFFICER = 900_000


async def set_up(path: Path, officers: int, class_size: int, seed: int) -> None:
    """Onboard the officers, the trainer and the class; a cohort of the class, its group
    linked (no latency, not timed)."""
    fake = FakeBotAPI()
    app = build_application(settings_for(path), request=fake, rate_limiter=False,
                            reminder_ticker=False, prune_job=False, outbox=False)
    rng = random.Random(seed)
    async with running(app):
        driver = Driver(app, fake)
        people = [TRAINER, *range(FIRST_MEMBER, FIRST_MEMBER + class_size),
                  *range(FIRST_OFFICER, FIRST_OFFICER + officers)]
        for uid in people:
            officer = Officer(UpdateFactory(uid, language_code=rng.choice(LANGUAGE_CODES)))
            while officer.stage != "menu":
                await app.process_update(to_update(_onboarding_update(driver, officer, rng),
                                                   app.bot))
        s = app.bot_data.services
        await s.store.users.set_role(TRAINER, "trainer")
        cohort = await s.cohorts.create(TRAINER, "Bench class", "KZ", None)
        for uid in range(FIRST_MEMBER, FIRST_MEMBER + class_size):
            await s.cohorts.join(uid, cohort.invite_code)
        await s.classroom.request_link(GROUP, TRAINER, "ru")
        await s.classroom.link(GROUP, cohort.id, TRAINER, admin=False, locale="ru")


async def measure(path: Path, with_class: bool, args: argparse.Namespace) -> dict:
    fake = NetworkFakeBotAPI(LatencyModel(args.api_latency))
    tracked = Tracked(PerUserUpdateProcessor(limiter=UpdateLimiter()))
    skipped = [timedelta(0)]

    def clock() -> datetime:
        return system_clock() + skipped[0]

    app = build_application(settings_for(path), request=fake, rate_limiter=True,
                            reminder_ticker=False, prune_job=False, update_processor=tracked,
                            clock=clock)
    rng = random.Random(args.seed)
    loop = asyncio.get_running_loop()
    private: list[float] = []
    answers: list[float] = []
    running_ = True

    async def submit(update_json: dict) -> float:
        update = to_update(update_json, app.bot)
        done = loop.create_future()
        tracked.waiting[id(update)] = done
        arrived = time.perf_counter()
        await app.update_queue.put(update)
        return await done - arrived

    group_times: list[float] = []
    fake.listeners.append(lambda call: group_times.append(time.perf_counter()) if int(
        call.params.get("chat_id") or 0) == GROUP and call.error is None and
        call.method.startswith("send") else None)
    async with running(app):
        driver = Driver(app, fake)
        services = app.bot_data.services

        async def officer(uid: int) -> None:
            users = UpdateFactory(uid, language_code=None)
            await asyncio.sleep(rng.uniform(0, args.think))
            while running_:
                message_id, data = driver.keyboard(uid)
                roll = rng.random()
                if not data or roll < 0.03:
                    payload = users.text(rng.choice(("/menu", "/quiz")))
                elif roll < 0.06:
                    payload = users.text(rng.choice(FREE_TEXTS))
                else:
                    payload = users.callback(study_choice(data, rng), message_id)
                private.append(await submit(payload))
                await asyncio.sleep(rng.expovariate(1 / args.think))

        tasks = [asyncio.create_task(officer(uid))
                 for uid in range(FIRST_OFFICER, FIRST_OFFICER + args.officers)]
        await asyncio.sleep(args.think)  # warm-up: every officer under way
        private.clear()
        started = time.perf_counter()
        if with_class:
            module = services.classroom.modules("ru")[0]
            quiz = (await services.classroom.start(GROUP, TRAINER, module.id, args.questions,
                                                   20, admin=False)).quiz
            await tick(app)
            members = [UpdateFactory(uid) for uid in
                       range(FIRST_MEMBER, FIRST_MEMBER + args.class_size)]
            for number in range(args.questions):
                # the poll waits for the group's budget; its id is recorded when sent
                await until(lambda n=number: poll_sent(fake, services, quiz.id, n))
                poll = [c for c in fake.of("sendPoll") if c.result][number]
                count = len(poll.params["options"])

                async def one(member: UpdateFactory, poll_id: str, option: int) -> float:
                    await asyncio.sleep(rng.uniform(0, 0.5))
                    return await submit(member.poll_answer(poll_id, [option]))

                answers += await asyncio.gather(*(
                    one(m, poll.result["poll"]["id"], i % count) for i, m in enumerate(members)))
                skipped[0] += timedelta(seconds=21)
                await tick(app)
            await services.sender.idle(120)
        else:
            await asyncio.sleep(args.baseline)
        elapsed = time.perf_counter() - started
        running_ = False
        await asyncio.gather(*tasks)
        db = services.store.db
        stored = await db.scalar("SELECT COUNT(*) FROM class_answers")
        counted = await db.scalar("SELECT COUNT(*) FROM class_answers WHERE counted = 1")
    gaps = [b - a for a, b in itertools.pairwise(group_times)]
    return {"private": private, "answers": answers, "stored": stored, "counted": counted,
            "group_messages": len(group_times), "min_gap": min(gaps) if gaps else None,
            "elapsed": elapsed}


async def poll_sent(fake, services, quiz_id: int, number: int) -> bool:
    if len([c for c in fake.of("sendPoll") if c.result]) <= number:
        return False
    return await services.store.db.scalar(
        "SELECT poll_id FROM class_polls WHERE quiz_id = ? AND position = ?",
        (quiz_id, number)) is not None


async def until(check, every: float = 0.01) -> None:
    while not await check():  # noqa: ASYNC110 - polls state the bot keeps, no event to await
        await asyncio.sleep(every)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000


async def main_async(args: argparse.Namespace) -> str:
    with tempfile.TemporaryDirectory(prefix="bench-classroom-") as tmp:
        base = Path(tmp) / "setup.sqlite3"
        await set_up(base, args.officers, args.class_size, args.seed)
        results = {}
        for name, with_class in (("+ class quiz", True), ("private only", False)):
            path = Path(tmp) / f"{with_class}.sqlite3"
            shutil.copy(base, path)
            results[name] = await measure(path, with_class, args)
            args.baseline = results[name]["elapsed"]  # the same length for the baseline
            print(f"  {name}: done", file=sys.stderr, flush=True)
    lines = ["| Run | private updates | private p50 (ms) | private p99 (ms) | class answers "
             "p50 / p99 / max (ms) | stored / counted | group messages (min gap) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name in ("private only", "+ class quiz"):
        r = results[name]
        answers = (f"{pct(r['answers'], 50):,.0f} / {pct(r['answers'], 99):,.0f} / "
                   f"{pct(r['answers'], 100):,.0f}") if r["answers"] else "–"
        gap = f" ({r['min_gap']:.1f} s)" if r["min_gap"] is not None else ""
        lines.append(f"| {name} | {len(r['private'])} | {pct(r['private'], 50):,.0f} | "
                     f"{pct(r['private'], 99):,.0f} | {answers} | {r['stored']} / "
                     f"{r['counted']} | {r['group_messages']}{gap} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api-latency", type=duration, default=duration("100ms"))
    parser.add_argument("--class-size", type=int, default=40)
    parser.add_argument("--officers", type=int, default=100)
    parser.add_argument("--think", type=duration, default=duration("5s"))
    parser.add_argument("--questions", type=int, choices=(5, 10), default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.baseline = 30.0
    print(f"Machine: {machine_line()}")
    print(f"Network: {LatencyModel(args.api_latency).describe()}. {args.officers} officers "
          f"in private chats (think time {args.think:g} s), a class of {args.class_size} "
          f"answering {args.questions} quiz polls.\n", flush=True)
    print(asyncio.run(main_async(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
