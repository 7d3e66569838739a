"""Many officers at once over a network: sequential (PTB's default) beside concurrent.

    python bench/bench_network.py [--api-latency 100ms] [--jitter 0.2] [--slow-every 200]
                                  [--slow-latency 1s] [--officers 100] [--think 5s]
                                  [--duration 30s] [--modes ...] [--seed 1]

The real Application over the fake Bot API, whose every call is delayed as a network would
delay it: ``--api-latency`` each, uniformly +-``--jitter`` of it, and one call in
``--slow-every`` takes ``--slow-latency`` instead (a retransmission, a slow data centre).
``--officers`` simulated officers act in a closed loop: each sends an update, waits for the
bot to finish it, thinks for an exponentially distributed time of mean ``--think``, and goes
on (reading lessons, taking their quizzes, menus, /quiz, search). Updates are put on
``Application.update_queue`` exactly as ``run_polling`` puts what getUpdates returns, so the
update processor and the time an update spends queued are part of what is measured: an
update's latency runs from its arrival on the queue until the bot has finished with it.

Each mode is a fresh copy of one set-up database (the officers onboarded, untimed):

* ``sequential``: PTB's default processor, one update at a time;
* ``concurrent``: the bot's ``PerUserUpdateProcessor`` (64 at a time, each officer in order);
* ``+limiter``: with the production rate limiter (``AIORateLimiter(max_retries=2)``, Telegram's
  30 messages a second overall), as ``build_application`` sets it up.

It prints, per mode, updates finished per second, Bot API calls a second (all, and those the
limiter counts: calls with a chat id), and the latency of the updates sent during the
measured window (p50, p99, max), waiting for those still in flight at its end.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_updates import Driver, Officer, _onboarding_update, machine_line, study_choice
from telegram.ext import BaseUpdateProcessor, SimpleUpdateProcessor

from bot.app import build_application, running
from bot.concurrency import PerUserUpdateProcessor, UpdateLimiter
from bot.config import load_settings
from bot.sandbox import Call, FakeBotAPI, UpdateFactory, to_update

MODES = ("sequential", "concurrent", "sequential+limiter", "concurrent+limiter")
LANGUAGE_CODES = ("ru", "uz", "kk", "ky", "tg", "tk", "fa", "ps", "ur", "en")
FREE_TEXTS = ("overdose", "needle stick injury", "naloxone", "передозировка", "HIV")


def duration(text: str) -> float:
    """``100ms``, ``0.1s``, ``2s``, ``1.5`` (seconds) -> seconds."""
    text = text.strip().lower()
    if text.endswith("ms"):
        return float(text[:-2]) / 1000
    return float(text.removesuffix("s"))


@dataclass
class LatencyModel:
    """How long the network makes each Bot API call take."""

    base: float
    jitter: float = 0.2
    slow_every: int = 200
    slow: float = 1.0
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    def sample(self) -> float:
        if self.slow_every and self.rng.random() < 1 / self.slow_every:
            return self.slow
        return self.base * (1 + self.rng.uniform(-self.jitter, self.jitter))

    def describe(self) -> str:
        slow = f", 1 call in {self.slow_every} takes {self.slow * 1000:.0f} ms" \
            if self.slow_every else ""
        return f"{self.base * 1000:.0f} ms per Bot API call +-{self.jitter:.0%}{slow}"


class NetworkFakeBotAPI(FakeBotAPI):
    """The fake Bot API behind a simulated network (the tests' one never waits)."""

    def __init__(self, model: LatencyModel | None = None):
        super().__init__()
        self.model = model
        self.hook = self._delay if model else None

    async def _delay(self, call: Call) -> None:
        await asyncio.sleep(self.model.sample())  # type: ignore[union-attr]


class Tracked(BaseUpdateProcessor):
    """Wraps the processor under test and tells the simulated officer when an update is
    done: the same ordering and bounds, plus a future per update."""

    def __init__(self, inner: BaseUpdateProcessor):
        super().__init__(inner.max_concurrent_updates)
        self.inner = inner
        self.waiting: dict[int, asyncio.Future] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await self.inner.do_process_update(update, coroutine)
        finally:
            future = self.waiting.pop(id(update), None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()


@dataclass
class Run:
    mode: str
    sent: list[tuple[float, float]]  # (arrival, done) of updates sent in the window
    finished_in_window: int
    window: float
    calls: int
    chat_calls: int

    @property
    def per_second(self) -> float:
        return self.finished_in_window / self.window

    def ms(self, p: float) -> float:
        latencies = sorted(done - start for start, done in self.sent)
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, max(0, round(p / 100 * len(latencies)) - 1))] \
            * 1000


def settings_for(path: Path):
    return load_settings({"DATABASE_PATH": str(path)}, env_file=path.parent / "no.env")


async def set_up(path: Path, officers: int, seed: int) -> list[int]:
    """Onboard the officers once, with no latency (not timed); returns their ids."""
    fake = FakeBotAPI()
    app = build_application(settings_for(path), request=fake, rate_limiter=False,
                            reminder_ticker=False, prune_job=False)
    rng = random.Random(seed)
    ids = []
    async with running(app):
        driver = Driver(app, fake)
        for i in range(officers):
            officer = Officer(UpdateFactory(900_000 + i, language_code=rng.choice(
                LANGUAGE_CODES)))
            while officer.stage != "menu":
                data = _onboarding_update(driver, officer, rng)
                await app.process_update(to_update(data, app.bot))
            ids.append(officer.chat_id)
    return ids


async def measure(path: Path, mode: str, ids: list[int], model: LatencyModel, think: float,
                  window: float, warmup: float, seed: int) -> Run:
    fake = NetworkFakeBotAPI(model)
    inner = SimpleUpdateProcessor(1) if mode.startswith("sequential") else \
        PerUserUpdateProcessor(limiter=UpdateLimiter())
    tracked = Tracked(inner)
    app = build_application(settings_for(path), request=fake,
                            rate_limiter=mode.endswith("+limiter"), reminder_ticker=False,
                            prune_job=False, update_processor=tracked)
    rng = random.Random(seed)
    async with running(app):
        driver = Driver(app, fake)  # keeps each chat's current buttons
        fake.calls.clear()
        loop = asyncio.get_running_loop()
        start = time.perf_counter()
        begin, end = start + warmup, start + warmup + window
        sent: list[tuple[float, float]] = []
        finished = 0

        async def officer(uid: int) -> None:
            nonlocal finished
            users = UpdateFactory(uid, language_code=None)
            await asyncio.sleep(rng.uniform(0, think))
            while time.perf_counter() < end:
                message_id, data = driver.keyboard(uid)
                roll = rng.random()
                if not data or roll < 0.03:
                    payload = users.text(rng.choice(("/menu", "/quiz")))
                elif roll < 0.06:
                    payload = users.text(rng.choice(FREE_TEXTS))
                else:
                    payload = users.callback(study_choice(data, rng), message_id)
                update = to_update(payload, app.bot)
                done = loop.create_future()
                tracked.waiting[id(update)] = done
                arrived = time.perf_counter()
                await app.update_queue.put(update)
                finished_at = await done
                if begin <= arrived < end:
                    sent.append((arrived, finished_at))
                if begin <= finished_at < end:
                    finished += 1
                await asyncio.sleep(rng.expovariate(1 / think))

        calls_before = 0
        tasks = [asyncio.create_task(officer(uid)) for uid in ids]
        await asyncio.sleep(max(0.0, begin - time.perf_counter()))
        calls_before = len(fake.calls)
        chat_before = sum(1 for c in fake.calls if "chat_id" in c.params)
        await asyncio.sleep(max(0.0, end - time.perf_counter()))
        calls = len(fake.calls) - calls_before
        chat_calls = sum(1 for c in fake.calls if "chat_id" in c.params) - chat_before
        await asyncio.gather(*tasks)
    return Run(mode, sent, finished, window, calls, chat_calls)


def table(runs: list[Run]) -> str:
    lines = ["| Mode | Updates/s | Bot API calls/s (with a chat id) | p50 (ms) | p99 (ms) | "
             "max (ms) |", "|---|---:|---:|---:|---:|---:|"]
    for r in runs:
        lines.append(f"| {r.mode} | {r.per_second:.1f} | {r.calls / r.window:.1f} "
                     f"({r.chat_calls / r.window:.1f}) | {r.ms(50):,.0f} | {r.ms(99):,.0f} | "
                     f"{r.ms(100):,.0f} |")
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> str:
    model = LatencyModel(args.api_latency, args.jitter, args.slow_every, args.slow_latency)
    with tempfile.TemporaryDirectory(prefix="bench-network-") as tmp:
        base = Path(tmp) / "setup.sqlite3"
        ids = await set_up(base, args.officers, args.seed)
        runs = []
        for mode in args.modes:
            path = Path(tmp) / f"{mode}.sqlite3"
            shutil.copy(base, path)
            run = await measure(path, mode, ids, model, args.think, args.duration,
                                args.warmup, args.seed)
            print(f"  {mode}: {run.per_second:.1f} updates/s, p99 {run.ms(99):,.0f} ms",
                  file=sys.stderr, flush=True)
            runs.append(run)
    sequential = next((r for r in runs if r.mode == "sequential"), None)
    concurrent = next((r for r in runs if r.mode == "concurrent"), None)
    text = table(runs)
    if sequential and concurrent and sequential.per_second:
        text += (f"\n\nConcurrent handles {concurrent.per_second / sequential.per_second:.1f}x "
                 f"the updates/s of sequential; p50 latency "
                 f"{sequential.ms(50) / max(concurrent.ms(50), 1e-9):.0f}x lower.")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api-latency", type=duration, default=duration("100ms"))
    parser.add_argument("--jitter", type=float, default=0.2, help="fraction (default 0.2)")
    parser.add_argument("--slow-every", type=int, default=200,
                        help="one call in N is slow (0: none; default 200)")
    parser.add_argument("--slow-latency", type=duration, default=duration("1s"))
    parser.add_argument("--officers", type=int, default=100)
    parser.add_argument("--think", type=duration, default=duration("5s"),
                        help="mean think time between an officer's updates (default 5s)")
    parser.add_argument("--duration", type=duration, default=duration("30s"),
                        help="measured window per mode (default 30s)")
    parser.add_argument("--warmup", type=duration, default=duration("5s"))
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    model = LatencyModel(args.api_latency, args.jitter, args.slow_every, args.slow_latency)
    print(f"Machine: {machine_line()}")
    print(f"Network: {model.describe()}. {args.officers} officers, think time "
          f"{args.think:g} s (mean, exponential), {args.duration:g} s measured after "
          f"{args.warmup:g} s warm-up, per mode.\n", flush=True)
    print(asyncio.run(main_async(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
