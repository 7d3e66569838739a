"""Update-handling benchmark: the real bot versus a bare python-telegram-bot echo bot.

    python bench/bench_updates.py [-n 2000] [--users 50] [--seed 1] [--scenario NAME]

The real Application (``build_application``: every handler, the real catalogs and content, a
real SQLite database in a temporary directory) runs over the in-process fake Bot API
(``bot.sandbox.FakeBotAPI``), with no rate limiter and no network. A scenario pushes N
synthetic updates from many users through ``app.process_update`` one at a time and the time of
each (JSON to ``Update`` included) is measured with ``time.perf_counter``. The same updates are
then replayed through a bare PTB echo bot on the same transport, for scale. What is measured is
the bot's own work per update: handlers, SQLite, i18n, building the requests; not Telegram.

A scenario is ``async def scenario_<name>(driver, n, users, rng)`` that calls
``driver.push(update)`` exactly ``n`` times; add one to ``SCENARIOS`` to offer it on the command
line (a quiz-answer or a search scenario fits the same shape).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a script from anywhere, installed or not
    sys.path.insert(0, str(REPO_ROOT))

import telegram  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.app import OFFLINE_TOKEN, build_application, running  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.sandbox import Call, FakeBotAPI, UpdateFactory, to_update  # noqa: E402
from bot.ui import callbacks as cb  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from instrument import KIND_NAMES, HandoffCounter, update_kind  # noqa: E402

#: Telegram language codes of the simulated officers (None: the client sends none).
LANGUAGE_CODES = ("ru", "ru", "ru", "uz", "kk", "ky", "tg", "tk", "fa", "fa-AF", "ps", "ur",
                  "en", "en", None)
FREE_TEXTS = ("hello", "how do I refer someone to a harm reduction service?", "спасибо",
              "naloxone", "ok", "where is the quiz", "12:30", "?")
UNKNOWN_COMMANDS = ("/foo", "/settings", "/naloxone", "/stop", "/admin_please")


class BenchmarkError(RuntimeError):
    """The scenario did not do what it meant to: the numbers would be meaningless."""


# --- the machine ------------------------------------------------------------------------------
def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def machine_line() -> str:
    cores = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = cores
    core_text = f"{cores} cores" if usable == cores else f"{cores} cores ({usable} usable)"
    return (f"{platform.platform()} | {cpu_model()} | {core_text} | "
            f"Python {platform.python_version()} ({platform.python_implementation()}) | "
            f"python-telegram-bot {telegram.__version__}")


# --- measuring --------------------------------------------------------------------------------
@dataclass
class Result:
    bot: str
    scenario: str
    latencies: list[float]  # seconds, one per update
    wall: float  # seconds for the whole run, from the first update to the last
    api_calls: int
    updates: list[dict[str, Any]] = field(default_factory=list, repr=False)
    handoffs: list[tuple[str, int]] = field(default_factory=list, repr=False)

    @property
    def n(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.n / self.wall if self.wall else float("inf")

    def percentile_ms(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99_ms(self) -> float:
        return self.percentile_ms(99)


class Driver:
    """Pushes updates into one Application and remembers what each chat shows.

    ``keyboard(chat_id)`` is the last message with inline buttons in that chat: its
    message_id and its callback data, as the fake Bot API recorded them, so that a scenario
    presses buttons the bot really offered.
    """

    def __init__(self, app: Application, fake: FakeBotAPI):
        self.app, self.fake = app, fake
        self.latencies: list[float] = []
        self.updates: list[dict[str, Any]] = []
        self.silent: list[dict[str, Any]] = []  # updates the bot did not answer at all
        self.failed_calls: list[Call] = []
        #: (update kind, thread hand-offs) per pushed update
        self.handoffs: list[tuple[str, int]] = []
        #: CPU seconds of this process (every thread) per pushed update: the work itself,
        #: without the time spent waiting for a CPU on a busy machine
        self.cpu: list[float] = []
        self._counter: HandoffCounter | None = None
        self._keyboards: dict[int, tuple[int, list[str]]] = {}
        fake.listeners.append(self._seen)

    def _seen(self, call: Call) -> None:
        if call.error is not None:
            self.failed_calls.append(call)
            return
        if call.method == "sendMessage" and isinstance(call.result, dict):
            message_id = call.result["message_id"]
        elif call.method == "editMessageText":
            message_id = int(call.params.get("message_id") or 0)
        else:
            return
        chat_id = int(call.params.get("chat_id") or 0)
        data = [d for d in call.callback_data() if d]
        if data:
            self._keyboards[chat_id] = (message_id, data)
        elif call.method == "editMessageText" and self._keyboards.get(chat_id, (0,))[0] == \
                message_id:
            del self._keyboards[chat_id]  # the buttons of that message are gone

    def keyboard(self, chat_id: int) -> tuple[int, list[str]]:
        return self._keyboards.get(chat_id, (0, []))

    def count_handoffs(self, conn: Any) -> None:
        self._counter = HandoffCounter(conn)

    async def push(self, data: dict[str, Any]) -> None:
        before = len(self.fake.calls)
        handoffs = self._counter.count if self._counter else 0
        cpu, start = time.process_time(), time.perf_counter()
        await self.app.process_update(to_update(data, self.app.bot))
        self.latencies.append(time.perf_counter() - start)
        self.cpu.append(time.process_time() - cpu)
        self.updates.append(data)
        if self._counter:
            self.handoffs.append((update_kind(data), self._counter.count - handoffs))
        if len(self.fake.calls) == before:
            self.silent.append(data)


Scenario = Callable[[Driver, int, int, random.Random], Awaitable[None]]


# --- scenarios --------------------------------------------------------------------------------
@dataclass
class Officer:
    """One simulated user: where they are in onboarding, and their client's language."""

    updates: UpdateFactory
    stage: str = "new"  # new -> language -> country -> privacy -> menu

    @property
    def chat_id(self) -> int:
        return self.updates.user_id


def _press(driver: Driver, officer: Officer, choose: Callable[[list[str]], str | None],
           what: str) -> dict[str, Any]:
    message_id, data = driver.keyboard(officer.chat_id)
    choice = choose(data)
    if choice is None:
        raise BenchmarkError(f"user {officer.chat_id} expected {what} buttons, the bot "
                             f"shows {data}")
    return officer.updates.callback(choice, message_id)


def _own_language(officer: Officer) -> Callable[[list[str]], str | None]:
    from bot.i18n import locale_from_telegram

    wanted = cb.LANG.pack(locale=locale_from_telegram(officer.updates.language_code) or "en")

    def choose(data: list[str]) -> str | None:
        langs = [d for d in data if d.startswith(cb.LANG.prefix + cb.SEP)]
        return wanted if wanted in langs else (langs[0] if langs else None)
    return choose


def _onboarding_update(driver: Driver, officer: Officer, rng: random.Random) -> dict[str, Any]:
    """The next onboarding step: /start, then the language, country and privacy buttons."""
    if officer.stage == "new":
        officer.stage = "language"
        return officer.updates.text("/start")
    if officer.stage == "language":
        officer.stage = "country"
        return _press(driver, officer, _own_language(officer), "language")
    if officer.stage == "country":
        officer.stage = "privacy"
        return _press(driver, officer, lambda data: rng.choice(
            [d for d in data if d.startswith(cb.COUNTRY.prefix + cb.SEP)] or [None]), "country")
    officer.stage = "menu"
    return _press(driver, officer, lambda data: cb.PRIVACY_OK.pack()
                  if cb.PRIVACY_OK.pack() in data else None, "privacy")


#: Menu entries the onboarding_and_menu scenario presses when the bot offers them (not
#: lessons, quizzes or /forget: those belong to scenarios of their own).
MENU_BUTTONS = tuple(cb.MENU.pack(item=item) for item in
                     ("settings", "home", "privacy", "language", "country", "reference"))


def _menu_update(driver: Driver, officer: Officer, rng: random.Random) -> dict[str, Any]:
    """What an onboarded officer does next: mostly buttons, sometimes typing."""
    roll = rng.random()
    users = officer.updates
    if roll < 0.10:
        return users.text("/help")
    if roll < 0.22:
        return users.text(rng.choice(FREE_TEXTS))
    if roll < 0.29:
        return users.text(rng.choice(UNKNOWN_COMMANDS))
    if roll < 0.34:
        return users.text(rng.choice(("/start", "/menu")))
    message_id, data = driver.keyboard(officer.chat_id)
    offered = [d for d in data if d in MENU_BUTTONS]
    if any(d.startswith(cb.LANG.prefix + cb.SEP) for d in data):  # the language screen
        return users.callback(_own_language(officer)(data) or MENU_BUTTONS[1], message_id)
    countries = [d for d in data if d.startswith(cb.COUNTRY.prefix + cb.SEP)]
    if countries:  # the country screen
        return users.callback(rng.choice(countries), message_id)
    if not offered:  # e.g. a screen of another feature: go home
        return users.callback(cb.MENU.pack(item="home"), message_id)
    return users.callback(rng.choice(offered), message_id)


async def scenario_onboarding_and_menu(driver: Driver, n: int, users: int,
                                       rng: random.Random) -> None:
    """``users`` officers, interleaved at random, each onboard (/start, language, country,
    privacy) and then use the menu: settings, home, privacy, language, country, /help,
    free text, unknown commands."""
    officers = [Officer(UpdateFactory(500_000 + i, language_code=rng.choice(LANGUAGE_CODES),
                                      first_name=f"Officer {i}")) for i in range(users)]
    for _ in range(n):
        officer = rng.choice(officers)
        if officer.stage == "menu":
            await driver.push(_menu_update(driver, officer, rng))
            continue
        await driver.push(_onboarding_update(driver, officer, rng))
        if officer.stage == "menu":  # privacy accepted: the main menu must be showing
            _, data = driver.keyboard(officer.chat_id)
            if not any(d.startswith(cb.MENU.prefix + cb.SEP) for d in data):
                raise BenchmarkError(f"user {officer.chat_id} finished onboarding but the bot "
                                     f"shows {data}, not the main menu")


async def _untimed(driver: Driver, data: dict[str, Any]) -> None:
    """Set-up an officer needs before the measured part (not counted, not replayed)."""
    await driver.app.process_update(to_update(data, driver.app.bot))


async def scenario_quiz_answers(driver: Driver, n: int, users: int,
                                rng: random.Random) -> None:
    """The quiz answer path: onboarded officers who finished a lesson answer its quiz.
    Timed: each answer press (option, or toggles and submit) and each "next question"."""
    course = driver.app.bot_data.services.content.course
    lessons = [le for le in course.lessons_in_order() if le.quiz]
    officers = []
    for i in range(users):
        officer = Officer(UpdateFactory(700_000 + i, language_code=rng.choice(LANGUAGE_CODES)))
        while officer.stage != "menu":
            await _untimed(driver, _onboarding_update(driver, officer, rng))
        lesson = rng.choice(lessons)
        await _untimed(driver, officer.updates.callback(cb.DONE.pack(lesson=lesson.id), 1))
        await _untimed(driver, officer.updates.callback(cb.QUIZ_LESSON.pack(lesson=lesson.id),
                                                         1))
        officers.append((officer, lesson))
    for _ in range(n):
        officer, lesson = rng.choice(officers)
        message_id, data = driver.keyboard(officer.chat_id)
        answers = [d for d in data if d.startswith(("qa:", "qt:"))]
        submit = [d for d in data if d.startswith("qs:")]
        nxt = [d for d in data if d.startswith("qn:")]
        if answers and (not submit or rng.random() < 0.6):
            choice = rng.choice(answers)
        elif submit:
            choice = submit[0]
        elif nxt:
            choice = nxt[0]
        else:  # the summary: start the lesson quiz again
            choice = cb.QUIZ_LESSON.pack(lesson=lesson.id)
        await driver.push(officer.updates.callback(choice, message_id))


def study_choice(data: list[str], rng: random.Random) -> str:
    """What an onboarded officer studying presses next on the screen showing ``data``:
    reads lesson cards forward, finishes lessons, takes their quizzes, answers, goes on."""
    def having(*prefixes: str) -> list[str]:
        return [d for d in data if d.split(cb.SEP, 1)[0] in prefixes]

    answers, submit, nxt = having("qa", "qt"), having("qs"), having("qn")
    if answers and (not submit or rng.random() < 0.6):
        return rng.choice(answers)
    for options in (submit, nxt):
        if options:
            return options[0]
    if having("ql") and rng.random() < 0.7:
        return having("ql")[0]
    if having("done"):
        return having("done")[0]
    cards = having("les")
    if cards:  # forward: the card with the highest number (Back is the lower one)
        return max(cards, key=lambda d: int(d.rsplit(cb.SEP, 1)[-1]))
    modules = having("mod")
    if modules and len(modules) > 1:
        return rng.choice(modules)
    if rng.random() < 0.15:
        return cb.MENU.pack(item="quiz")
    return cb.MENU.pack(item="lessons")


async def scenario_study(driver: Driver, n: int, users: int, rng: random.Random) -> None:
    """Onboarded officers (set-up not timed) read lessons card by card, finish them and
    answer their quizzes: lesson cards, module lists, quiz answers, next, summaries."""
    officers = []
    for i in range(users):
        officer = Officer(UpdateFactory(800_000 + i, language_code=rng.choice(LANGUAGE_CODES)))
        while officer.stage != "menu":
            await _untimed(driver, _onboarding_update(driver, officer, rng))
        officers.append(officer)
    for _ in range(n):
        officer = rng.choice(officers)
        message_id, data = driver.keyboard(officer.chat_id)
        await driver.push(officer.updates.callback(study_choice(data, rng), message_id))


SCENARIOS: dict[str, Scenario] = {
    "onboarding_and_menu": scenario_onboarding_and_menu,
    "quiz_answers": scenario_quiz_answers,
    "study": scenario_study,
}


# --- the bots ---------------------------------------------------------------------------------
async def bench_toolkit(scenario: Scenario, n: int, users: int, seed: int,
                        name: str = "") -> Result:
    """The real Toolkit Companion Application, a fresh SQLite database, the given scenario."""
    with tempfile.TemporaryDirectory(prefix="bench-toolkit-") as tmp:
        settings = load_settings({"DATABASE_PATH": str(Path(tmp) / "bench.sqlite3")},
                                 env_file=Path(tmp) / "no.env")
        fake = FakeBotAPI()
        # No rate limiter (no Telegram to protect) and no reminder ticker (not update work).
        app = build_application(settings, request=fake, rate_limiter=False,
                                reminder_ticker=False)
        async with running(app):
            driver = Driver(app, fake)
            driver.count_handoffs(app.bot_data["services"].store.db.conn)
            gc.collect()
            start = time.perf_counter()
            await scenario(driver, n, users, random.Random(seed))
            wall = time.perf_counter() - start
        _check(driver)
        return Result("Toolkit Companion", name or scenario.__name__, driver.latencies, wall,
                      len(fake.calls), driver.updates, driver.handoffs)


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()


def build_echo_application(fake: FakeBotAPI) -> Application:
    """A bare PTB bot: echo text (commands too), answer buttons. Nothing else."""
    app = (ApplicationBuilder().token(OFFLINE_TOKEN).request(fake).get_updates_request(fake)
           .build())
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    app.add_handler(CallbackQueryHandler(_answer))
    return app


async def bench_echo(updates: list[dict[str, Any]], scenario: str) -> Result:
    """The same updates, replayed through the echo bot on the same fake transport."""
    fake = FakeBotAPI()
    app = build_echo_application(fake)
    async with running(app):
        driver = Driver(app, fake)
        gc.collect()
        start = time.perf_counter()
        for data in updates:
            await driver.push(data)
        wall = time.perf_counter() - start
    _check(driver)
    return Result("Bare PTB echo bot", f"{scenario} (same updates)", driver.latencies, wall,
                  len(fake.calls))


def _check(driver: Driver) -> None:
    if driver.failed_calls:
        raise BenchmarkError(f"{len(driver.failed_calls)} Bot API calls failed, e.g. "
                             f"{driver.failed_calls[0]}")
    if driver.silent:
        raise BenchmarkError(f"{len(driver.silent)} updates got no answer at all, e.g. "
                             f"{driver.silent[0]}")


# --- report -----------------------------------------------------------------------------------
def markdown_table(results: list[Result]) -> str:
    lines = ["| Bot | Scenario | Updates | Updates/s | p50 (ms) | p99 (ms) | API calls/update |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r.bot} | {r.scenario} | {r.n} | {r.per_second:,.0f} | "
                     f"{r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.api_calls / max(r.n, 1):.2f} |")
    return "\n".join(lines)


def handoff_table(results: list[Result]) -> str:
    """Thread hand-offs (calls queued to aiosqlite's worker thread) per update kind."""
    per_kind: dict[str, list[int]] = {}
    for r in results:
        for kind, count in r.handoffs:
            per_kind.setdefault(kind, []).append(count)
    lines = ["| Update | Updates | Hand-offs (mean) | min | max |", "|---|---:|---:|---:|---:|"]
    for kind, counts in sorted(per_kind.items(), key=lambda kv: -len(kv[1])):
        name = KIND_NAMES.get(kind, kind)
        lines.append(f"| {name} | {len(counts)} | {statistics.mean(counts):.1f} | "
                     f"{min(counts)} | {max(counts)} |")
    return "\n".join(lines)


def ratio_line(bot: Result, echo: Result) -> str:
    return (f"Toolkit Companion handles {bot.per_second / echo.per_second:.2f}× the updates/s "
            f"of the bare echo bot (echo is {echo.per_second / bot.per_second:.1f}× faster; "
            f"p50 {bot.p50_ms / echo.p50_ms:.1f}×, p99 {bot.p99_ms / echo.p99_ms:.1f}× "
            f"the echo bot's latency).")


async def run_benchmark(n: int, users: int, seed: int, scenario_name: str) -> str:
    bot = await bench_toolkit(SCENARIOS[scenario_name], n, users, seed, scenario_name)
    echo = await bench_echo(bot.updates, scenario_name)
    return "\n\n".join([markdown_table([bot, echo]), ratio_line(bot, echo),
                        "Thread hand-offs per update:\n\n" + handoff_table([bot])])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="updates to push (default 2000)")
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="onboarding_and_menu")
    args = parser.parse_args(argv)
    if args.n < 1 or args.users < 1:
        parser.error("-n and --users must be at least 1")
    print(f"Machine: {machine_line()}")
    print(f"Updates: {args.n} from {args.users} users, seed {args.seed}, one at a time through "
          "Application.process_update over the in-process fake Bot API\n", flush=True)
    try:
        print(asyncio.run(run_benchmark(args.n, args.users, args.seed, args.scenario)))
    except BenchmarkError as exc:
        print(f"Benchmark invalid: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
