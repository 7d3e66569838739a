"""Search benchmark: latency of reference search over the course content multiplied tenfold.

    python bench/bench_search.py [-n 2000] [--factor 10] [--seed 1]

The real course (``content/`` and its translations in ``locales/``) is indexed in a SQLite
database in a temporary directory, as the bot does at start-up; then ``factor - 1`` synthetic
copies of every row (same text, new ids) are inserted, so the index holds ``factor`` times the
course. Each scenario times ``SearchService.search`` as the bot calls it, for every matching
item so that it can say "6 of 14" (query parsing, the FTS5 query with bm25 ranking, the
any-word fallback when every-word finds nothing, mapping ids to content) with
``time.perf_counter``, one query at a time. The last row times a whole free-text update through
the real Application (handler, search, rendering, the fake Bot API): what an officer waits
for, minus Telegram. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO_ROOT))

from bot.app import build_application, running  # noqa: E402
from bot.config import PROJECT_ROOT, load_settings  # noqa: E402
from bot.i18n import SUPPORTED_LOCALES  # noqa: E402
from bot.sandbox import FakeBotAPI, UpdateFactory, to_update  # noqa: E402
from bot.services.content import ContentService  # noqa: E402
from bot.services.search import SearchService, documents  # noqa: E402
from bot.store import Database, Store  # noqa: E402

#: (scenario, locale, queries)
SCENARIOS: list[tuple[str, str, tuple[str, ...]]] = [
    ("en, one or two words", "en",
     ("overdose", "naloxone", "needle stick", "hiv", "pep", "safe search", "methadone",
      "women", "referral", "hepatitis b")),
    ("en, a sentence (any-word fallback)", "en",
     ("how do I refer someone to a harm reduction service?", "what should I do after a "
      "needle prick", "can hiv pass through spit or a bite", "is methadone treatment legal")),
    ("en, a natural question (small words rank only)", "en",
     ("what to do in an overdose", "what should I do after a needle prick",
      "where can I refer someone who uses drugs", "how do I search a person safely",
      "is it okay to tell my colleagues someone is on methadone")),
    ("ru, a natural question", "ru",
     ("что делать при передозировке", "я укололся шприцем что делать",
      "куда направить человека на лечение от зависимости", "что такое налоксон")),
    ("ru, inflected words", "ru",
     ("передозировки", "передозировкой", "шприцами", "налоксоном", "обыск", "вич",
      "укол иглой", "конфиденциальность")),
    ("ps / tk interface, English words", "ps",
     ("naloxone", "overdose", "syringe", "police", "women")),
    ("no match", "tk", ("zzqxv", "asdfgh qwerty", "спасибо большое", "مرحبا")),
    ("hostile: FTS syntax, 500 characters", "en",
     ('"', "NEAR(a b)", "over* OR -dose", '" OR "', "(((", "x" * 500, "overdose" + " OR" * 150)),
]


@dataclass
class Row:
    name: str
    latencies: list[float]

    def percentile_ms(self, p: float) -> float:
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000

    def line(self) -> str:
        return (f"| {self.name} | {len(self.latencies)} | "
                f"{statistics.median(self.latencies) * 1000:.3f} | {self.percentile_ms(99):.3f} | "
                f"{statistics.fmean(self.latencies) * 1000:.3f} |")


async def timed(n: int, step: Callable[[int], Awaitable[object]]) -> list[float]:
    out = []
    for i in range(n):
        start = time.perf_counter()
        await step(i)
        out.append(time.perf_counter() - start)
    return out


async def multiply(store: Store, content: ContentService, factor: int) -> int:
    """Insert ``factor - 1`` synthetic copies of every indexed row; returns the row count."""
    base = list(documents(content.served, SUPPORTED_LOCALES))
    for k in range(1, factor):
        await store.search.add(replace(d, item_id=f"{d.item_id[:18]}-x{k}") for d in base)
    return await store.search.count()


async def bench_service(n: int, factor: int, rng: random.Random, folder: Path,
                        content: ContentService) -> tuple[list[Row], int]:
    store = Store(Database(folder / "service.sqlite3"))
    await store.open()
    try:
        search = SearchService(store, content)
        await search.start()
        rows = await multiply(store, content, factor)
        out = []
        everything: list[tuple[str, str]] = []
        for name, locale, queries in SCENARIOS:
            pairs = [(locale, q) for q in queries]
            everything += pairs
            picks = [rng.choice(pairs) for _ in range(n)]
            out.append(Row(name, await timed(n, lambda i, p=picks: search.search(
                p[i][1], p[i][0], limit=None))))
        picks = [rng.choice(everything) for _ in range(n)]
        out.append(Row("all of the above, mixed", await timed(
            n, lambda i: search.search(picks[i][1], picks[i][0], limit=None))))
        stale = list(documents(content.served, SUPPORTED_LOCALES))
        stale = [replace(d, item_id=f"{d.item_id[:18]}-x{k}") for k in range(factor)
                 for d in stale]
        out.append(Row(f"rebuild the whole index ({len(stale)} rows)", await timed(
            max(3, n // 200), lambda i: store.search.replace_all(stale, f"bench-{i}"))))
        await search.stop()
        return out, rows
    finally:
        await store.close()


async def bench_updates(n: int, factor: int, rng: random.Random, folder: Path,
                        content: ContentService) -> Row:
    env = {"DATABASE_PATH": str(folder / "bot.sqlite3")}
    settings = load_settings(env, env_file=folder / "no.env")
    fake = FakeBotAPI()
    app = build_application(settings, request=fake, content=content, rate_limiter=False,
                            reminder_ticker=False)
    async with running(app):
        store = app.bot_data["services"].store
        await multiply(store, content, factor)
        users = []
        for i, (_, locale, _) in enumerate(SCENARIOS):
            uid = 50_000 + i
            await store.users.ensure(uid, uid)
            await store.users.set_locale(uid, locale)
            await store.users.set_country(uid, "UZ")
            await store.users.mark_privacy_seen(uid)
            users.append(UpdateFactory(uid, language_code=locale))
        picks = []
        for _ in range(n):
            i = rng.randrange(len(SCENARIOS))
            picks.append(users[i].text(rng.choice(SCENARIOS[i][2])[:1000]))
        latencies = await timed(n, lambda i: app.process_update(to_update(picks[i], app.bot)))
    return Row("free-text update through the bot", latencies)


async def main(n: int, factor: int, seed: int) -> None:
    content = ContentService(PROJECT_ROOT / "content", PROJECT_ROOT / "locales")
    course = content.course
    with tempfile.TemporaryDirectory() as tmp:
        rows, indexed = await bench_service(n, factor, random.Random(seed), Path(tmp), content)
        rows.append(await bench_updates(n, factor, random.Random(seed), Path(tmp), content))
    print(f"Search over the course x{factor}: {len(course.reference)} cards and "
          f"{len(course.lessons)} lessons, {indexed} index rows (every locale with "
          f"translations). n = {n} queries per row.\n")
    print("| scenario | n | p50 ms | p99 ms | mean ms |")
    print("|---|---:|---:|---:|---:|")
    for row in rows:
        print(row.line())
    print(f"\n{platform.platform()} | {platform.processor() or platform.machine()} | "
          f"{os.cpu_count()} CPUs | Python {platform.python_version()} | "
          f"SQLite {sqlite3.sqlite_version}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="queries per scenario")
    parser.add_argument("--factor", type=int, default=10, help="how many times the course")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(main(args.n, args.factor, args.seed))
