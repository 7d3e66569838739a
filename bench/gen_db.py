"""Generate a realistic Toolkit Companion database at scale, through the real migrations.

    python bench/gen_db.py PATH [--officers 100000] [--answers 5000000] [--heavy 20]
                                [--heavy-answers 5000] [--seed 1]

From Python (the benchmarks, the query-plan test, the reports work)::

    sys.path.insert(0, str(PROJECT_ROOT / "bench"))
    from gen_db import Sizes, generate
    stats = generate(Path("big.sqlite3"), Sizes(officers=100_000, answers=5_000_000))
    stats.heavy_ids   # officers with exactly Sizes.heavy_answers answers each

What is written, for the real course (``content/``): officers in the eight course countries
and elsewhere, with their locales (all 11), roles, blocked officers and a few who never
finished onboarding; lesson progress in course order with every card view; for each answer a
review-log row, its question showing (``quiz_presentations``) and, grouped five at a time,
quiz rounds (``quiz_sessions``, a few abandoned half-way); one FSRS card per officer and item,
computed by the real ``fsrs`` scheduler from that item's answers (ratings mostly right, review
times at the due date or early lesson retakes); daily reminders in the country's zone; a few
emergency-number corrections. Answers are spread unevenly (a long tail, as real use is), and
the first ``heavy`` officers (ids from ``FIRST_USER_ID``) have exactly ``heavy_answers`` each.
Nothing is pruned: the history is the one a bot that never pruned would hold.

Fast by construction: migrations first (the real schema), then the real indexes and triggers
are dropped, rows are inserted with ``executemany`` in one transaction per batch of officers
with ``synchronous=OFF``, and the same index statements are run again at the end, the
triggers' table (``answer_days``) filled in one statement and the triggers made again (and
ANALYZE).

To extend it for a new table (cohorts, reports...): write a function
``rows(officer, world) -> Iterable[tuple]`` and add ``(table, insert_sql, rows)`` to
``ROW_MAKERS``; ``Officer`` holds what is already decided about each officer (country,
locale, lessons, answers with their times), ``World`` the course and the clock.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import math
import multiprocessing
import os
import random
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from fsrs import Card, Rating, State  # noqa: E402

from bot.countries import COUNTRY_LOCALES, COURSE_COUNTRIES, OTHER  # noqa: E402
from bot.course.model import Course  # noqa: E402
from bot.i18n import SUPPORTED_LOCALES  # noqa: E402
from bot.services.quiz import make_scheduler  # noqa: E402
from bot.services.reminders import PRESET_TIMES, timezone_for_country  # noqa: E402
from bot.store import Database  # noqa: E402

FIRST_USER_ID = 100_000_000
#: Share of officers per country (the rest: "other").
COUNTRY_WEIGHTS = {"UZ": 20, "KZ": 15, "KG": 10, "TJ": 10, "TM": 5, "AF": 15, "PK": 12,
                   "IR": 10, OTHER: 3}
SESSION_SIZE = 5
ROUND_BREAK = timedelta(minutes=2)  # answers further apart than this are different rounds


@dataclass(frozen=True)
class Sizes:
    officers: int = 100_000
    answers: int = 5_000_000
    heavy: int = 20  # officers with exactly heavy_answers answers each (the first ids)
    heavy_answers: int = 5000
    seed: int = 1
    batch: int = 1000  # officers per transaction
    cohorts: int = 200  # cohorts, each run by a trainer, holding most onboarded officers


@dataclass
class Stats:
    path: Path
    sizes: Sizes
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def heavy_ids(self) -> list[int]:
        return [FIRST_USER_ID + i for i in range(min(self.sizes.heavy, self.sizes.officers))]

    @property
    def officer_ids(self) -> range:
        return range(FIRST_USER_ID, FIRST_USER_ID + self.sizes.officers)


@dataclass
class Answer:
    item_id: str
    lesson_id: str
    at: datetime
    rating: int
    duration_ms: int
    log_json: str
    options: int
    at_iso: str


@dataclass
class Officer:
    user_id: int
    country: str | None
    locale: str | None
    onboarded: bool
    active: bool
    role: str
    joined: datetime
    answer_count: int
    completed: list[tuple[str, datetime]] = field(default_factory=list)  # (lesson, when)
    open_lesson: tuple[str, int, datetime] | None = None  # (lesson, card, when)
    answers: list[Answer] = field(default_factory=list)  # in time order
    cards: dict[str, tuple[Card, int, int]] = field(default_factory=dict)  # item: card, n, lapses


@dataclass
class World:
    course: Course
    now: datetime
    rng: random.Random
    scheduler: object

    def __post_init__(self) -> None:
        self.lessons = [le for le in self.course.lessons_in_order()]
        self.lesson_items = {le.id: [(i.id, len(i.options)) for i in le.quiz]
                             for le in self.lessons}


# --- deciding about each officer ----------------------------------------------------------------
def answer_counts(sizes: Sizes, rng: random.Random) -> list[int]:
    """Answers per officer: the heavy ones exactly, the rest a long tail summing to the total."""
    heavy = min(sizes.heavy, sizes.officers)
    counts = [sizes.heavy_answers] * heavy
    rest = max(0, sizes.answers - sum(counts))
    others = sizes.officers - heavy
    if others <= 0:
        return counts
    weights = [0.0 if rng.random() < 0.3 else rng.lognormvariate(0, 1.3) for _ in range(others)]
    total = sum(weights) or 1.0
    cap = max(1, sizes.heavy_answers - 1)
    shares = [min(cap, int(w / total * rest)) for w in weights]
    short = rest - sum(shares)
    i = 0
    while short > 0 and others:  # hand out what rounding and the cap left
        j = i % others
        if weights[j] and shares[j] < cap:
            shares[j] += 1
            short -= 1
        i += 1
        if i > others * 50:
            break
    return counts + shares


def make_officer(user_id: int, answers: int, world: World) -> Officer:
    rng = world.rng
    country = rng.choices(list(COUNTRY_WEIGHTS), weights=list(COUNTRY_WEIGHTS.values()))[0]
    if country == OTHER:
        locale = rng.choice(SUPPORTED_LOCALES)
    else:
        locale = rng.choice(COUNTRY_LOCALES[country]) if rng.random() < 0.9 else \
            rng.choice(SUPPORTED_LOCALES)
    onboarded = answers > 0 or rng.random() < 0.95
    role = "officer"
    roll = rng.random()
    if roll < 0.005:
        role = "trainer"
    elif roll < 0.0052:
        role = "admin"
    joined = world.now - timedelta(days=rng.uniform(1, 730))
    officer = Officer(user_id, country if onboarded or rng.random() < 0.5 else None,
                      locale if onboarded or rng.random() < 0.5 else None, onboarded,
                      rng.random() > 0.05, role, joined, answers)
    if onboarded:
        plan_lessons(officer, world)
        plan_answers(officer, world)
    return officer


def plan_lessons(officer: Officer, world: World) -> None:
    rng, lessons = world.rng, world.lessons
    if officer.answer_count:
        items_needed = max(1, math.ceil(math.sqrt(officer.answer_count) * 1.5))
        done, items = 0, 0
        while done < len(lessons) and items < items_needed:
            items += len(lessons[done].quiz)
            done += 1
    else:
        done = rng.choice((0, 0, 1, 1, 2, 3))
    span = (world.now - officer.joined).total_seconds()
    moments = sorted(rng.uniform(0, span * 0.8) for _ in range(done + 1))
    for lesson, offset in zip(lessons[:done], moments, strict=False):
        officer.completed.append((lesson.id, officer.joined + timedelta(seconds=offset)))
    if done < len(lessons) and rng.random() < 0.5:
        lesson = lessons[done]
        officer.open_lesson = (lesson.id, rng.randint(1, len(lesson.cards)),
                               officer.joined + timedelta(seconds=moments[-1]))


def plan_answers(officer: Officer, world: World) -> None:
    """The officer's quiz rounds: up to five questions a round, answered seconds apart, at
    times spread from the first finished lesson to now, each round on items of lessons
    finished by then; then each item's answers go through the real FSRS scheduler in order."""
    rng = world.rng
    if not officer.completed or not officer.answer_count:
        return
    first = officer.completed[0][1]
    latest = world.now - timedelta(minutes=10)
    if first >= latest:
        first = latest - timedelta(hours=1)
    span = (latest - first).total_seconds()
    finished_at = [when for _, when in officer.completed]
    pool = [world.lesson_items[lesson_id] for lesson_id, _ in officer.completed]
    left = officer.answer_count
    per_item: dict[str, list[tuple[datetime, str, int]]] = {}
    times = sorted(rng.uniform(0, span) for _ in range(math.ceil(left / SESSION_SIZE)))
    for offset in times:
        at = first + timedelta(seconds=offset)
        ready = max(1, bisect.bisect_right(finished_at, at))
        if rng.random() < 0.4:  # a lesson's own quiz
            lesson = rng.randrange(ready)
            items = [(lesson, item) for item in pool[lesson]]
        else:  # a review round over everything finished
            items = [(le, item) for le in range(ready) for item in pool[le]]
        size = min(SESSION_SIZE, left, len(items))
        for lesson, (item_id, options) in rng.sample(items, size):
            at += timedelta(seconds=rng.uniform(5, 40))
            per_item.setdefault(item_id, []).append((at, officer.completed[lesson][0], options))
        left -= size
        if not left:
            break
    for item_id, answers in per_item.items():
        review_item(officer, world, item_id, answers)
    officer.answers.sort(key=lambda a: a.at)


#: Ratings of the simulated answers: mostly right, Again for a wrong one.
RATINGS = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)
RATING_WEIGHTS = (18, 30, 80, 100)  # cumulative: 18 % Again, 12 % Hard, 50 % Good


def review_item(officer: Officer, world: World, item_id: str,
                answers: list[tuple[datetime, str, int]]) -> None:
    """Log every answer; compute the item's FSRS card with the real scheduler. Running the
    scheduler on every one of millions of answers would take most of the generation time,
    so an item answered more than once starts its last review from a plausible Review-state
    card (stability growing with the successful reviews, cut by lapses; difficulty rising
    with lapses) and only that last review is computed: the stored card is real scheduler
    output, and the log's earlier ratings and times are the ones that led there."""
    rng, scheduler = world.rng, world.scheduler
    answers.sort()
    card_id = int(answers[0][0].timestamp() * 1000)
    ratings = [rng.choices(RATINGS, cum_weights=RATING_WEIGHTS)[0] for _ in answers]
    lapses = sum(1 for r in ratings[1:] if r == Rating.Again)
    for (at, lesson_id, options), rating in zip(answers, ratings, strict=True):
        duration = int(rng.uniform(2500, 40000))
        officer.answers.append(Answer(  # the format of fsrs' ReviewLog.to_json()
            item_id, lesson_id, at, int(rating), duration,
            f'{{"card_id": {card_id}, "rating": {int(rating)}, "review_datetime": '
            f'"{at.isoformat()}", "review_duration": {duration}}}', options, iso(at)))
    if len(answers) == 1:
        card = Card(card_id=card_id)  # Card() without an id would sleep 1 ms
    else:
        good = len(answers) - 1 - lapses
        card = Card(card_id=card_id, state=State.Review, step=None,
                    stability=min(3650.0, 2.3 * 1.8 ** min(good, 12) / (1 + lapses) *
                                  rng.uniform(0.7, 1.3)),
                    difficulty=min(10.0, max(1.0, 4.0 + 1.2 * lapses - 0.2 * good +
                                             rng.uniform(-1, 1))),
                    due=answers[-1][0], last_review=answers[-2][0])
    card, _ = scheduler.review_card(card, ratings[-1], answers[-1][0])
    officer.cards[item_id] = (card, len(answers), lapses)


# --- rows, table by table -----------------------------------------------------------------------
def iso(moment: datetime) -> str:
    """``bot.timeutil.iso`` for UTC datetimes, several times faster than strftime."""
    return moment.isoformat(timespec="microseconds")[:26] + "Z"


_ORDERS: dict[tuple[int, ...], str] = {}


def order_json(order: list[int]) -> str:
    key = tuple(order)
    text = _ORDERS.get(key)
    if text is None:
        text = _ORDERS[key] = json.dumps(order)
    return text


def _created(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def user_rows(o: Officer, world: World) -> Iterable[tuple]:
    seen = _created(o.joined + timedelta(minutes=2)) if o.onboarded else None
    yield (o.user_id, o.user_id, o.locale, o.country, o.role, None, int(o.active), seen,
           _created(o.joined), _created(o.answers[-1].at if o.answers else o.joined))


def progress_rows(o: Officer, world: World) -> Iterable[tuple]:
    course = world.course
    for lesson_id, when in o.completed:
        cards = len(course.lesson(lesson_id).cards)  # type: ignore[union-attr]
        started = iso(when - timedelta(minutes=cards * 2))
        yield (o.user_id, lesson_id, cards, started, iso(when), iso(when))
    if o.open_lesson:
        lesson_id, card, when = o.open_lesson
        yield (o.user_id, lesson_id, card, iso(when - timedelta(minutes=card)), iso(when), None)


def view_rows(o: Officer, world: World) -> Iterable[tuple]:
    rng, course = world.rng, world.course
    places = [(lid, len(course.lesson(lid).cards), when) for lid, when in o.completed]  # type: ignore[union-attr]
    if o.open_lesson:
        places.append(o.open_lesson)
    for lesson_id, last_card, when in places:
        for card in range(1, last_card + 1):
            moment = when - timedelta(seconds=(last_card - card + 1) * rng.uniform(20, 90))
            yield (o.user_id, lesson_id, card, iso(moment))
            if rng.random() < 0.15:  # back and forth
                yield (o.user_id, lesson_id, card, iso(moment + timedelta(seconds=15)))


def card_rows(o: Officer, world: World) -> Iterable[tuple]:
    correct: dict[str, int] = {}
    for a in o.answers:
        correct[a.item_id] = correct.get(a.item_id, 0) + int(a.rating > 1)
    for item_id, (card, reviews, lapses) in o.cards.items():
        yield (o.user_id, item_id, card.to_json(), iso(card.due), iso(card.last_review),
               reviews, lapses, card.stability, correct.get(item_id, 0))


def review_rows(o: Officer, world: World) -> Iterable[tuple]:
    for a in o.answers:
        yield (o.user_id, a.item_id, a.rating, int(a.rating > 1), a.duration_ms, a.at_iso,
               a.log_json)


def rounds(o: Officer) -> list[list[Answer]]:
    """The officer's answers grouped into quiz rounds of up to five, in time order."""
    out: list[list[Answer]] = []
    for a in o.answers:
        if out and len(out[-1]) < SESSION_SIZE and a.at - out[-1][-1].at < ROUND_BREAK:
            out[-1].append(a)
        else:
            out.append([a])
    return out


def session_rows(o: Officer, world: World) -> Iterable[tuple]:
    """quiz_sessions and quiz_presentations together (presentations need the session ids):
    yields ("s", row) and ("p", row); the writer numbers sessions itself."""
    rng = world.rng
    for group in rounds(o):
        abandoned = rng.random() < 0.08
        items = [a.item_id for a in group]
        kind = "review" if rng.random() < 0.6 else f"lesson:{group[0].lesson_id}"
        first = group[0].at - timedelta(milliseconds=group[0].duration_ms)
        finished = None if abandoned else iso(group[-1].at)
        if abandoned:
            items.append(group[-1].item_id)  # the question left unanswered
        yield "s", (o.user_id, kind, json.dumps(items), len(group),
                    sum(a.rating > 1 for a in group), iso(first), finished)
        for a in group:
            order = list(range(a.options))
            rng.shuffle(order)
            yield "p", (o.user_id, a.item_id, order_json(order), f"{rng.getrandbits(24):06x}",
                        "", iso(a.at - timedelta(milliseconds=a.duration_ms)), a.at_iso,
                        int(a.rating > 1))
        if abandoned:
            order = list(range(group[-1].options))
            yield "p", (o.user_id, group[-1].item_id, order_json(order),
                        f"{rng.getrandbits(24):06x}", "", iso(group[-1].at), None, None)


def reminder_rows(o: Officer, world: World) -> Iterable[tuple]:
    if not o.onboarded:
        return
    rng = world.rng
    local = rng.choice(PRESET_TIMES)
    next_at = world.now + timedelta(minutes=rng.uniform(1, 1440))
    sent = iso(next_at - timedelta(days=1)) if rng.random() < 0.7 else None
    yield (o.user_id, int(rng.random() < 0.85), local, timezone_for_country(o.country),
           iso(next_at), sent)


RowMaker = Callable[[Officer, World], Iterable[tuple]]

#: (table, INSERT statement, rows of one officer). Append to extend the generator.
ROW_MAKERS: list[tuple[str, str, RowMaker]] = [
    ("users", "INSERT INTO users (user_id, chat_id, locale, country, role, start_payload, "
     "active, privacy_seen_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
     user_rows),
    ("lesson_progress", "INSERT INTO lesson_progress (user_id, lesson_id, card, started_at, "
     "updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?)", progress_rows),
    ("card_views", "INSERT INTO card_views (user_id, lesson_id, card, viewed_at) "
     "VALUES (?, ?, ?, ?)", view_rows),
    ("quiz_cards", "INSERT INTO quiz_cards (user_id, item_id, card_json, due, last_review, "
     "reviews, lapses, stability, correct) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", card_rows),
    ("review_log", "INSERT INTO review_log (user_id, item_id, rating, correct, duration_ms, "
     "reviewed_at, log_json) VALUES (?, ?, ?, ?, ?, ?, ?)", review_rows),
    ("reminders", "INSERT INTO reminders (user_id, enabled, local_time, timezone, next_at, "
     "last_sent_at) VALUES (?, ?, ?, ?, ?, ?)", reminder_rows),
]
SESSION_SQL = ("INSERT INTO quiz_sessions (id, user_id, kind, items, position, correct, "
               "created_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
PRESENTATION_SQL = ("INSERT INTO quiz_presentations (session_id, user_id, item_id, "
                    "option_order, nonce, selected, shown_at, answered_at, correct) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


# --- writing --------------------------------------------------------------------------------
def add_cohorts(conn: sqlite3.Connection, count: int, seed: int, now: datetime) -> int:
    """``count`` cohorts in the course countries, each run by one of the generated trainers
    (some run several, as a trainer running a course a term does), and 85 % of the onboarded
    officers of each country spread over that country's cohorts (officers join one cohort;
    the others never joined any). Usable on a database generated without cohorts: returns
    the number of cohorts written (0 when it already has some)."""
    if not count or conn.execute("SELECT COUNT(*) FROM cohorts").fetchone()[0]:
        return 0
    rng = random.Random(f"{seed}:cohorts")
    trainers = [r[0] for r in conn.execute(
        "SELECT user_id FROM users WHERE role = 'trainer' ORDER BY user_id")]
    if not trainers:
        return 0
    countries = list(COURSE_COUNTRIES)
    cohorts: dict[str, list[int]] = {c: [] for c in countries}
    rows = []
    for number in range(count):
        country = countries[number % len(countries)]
        cohort_id = number + 1
        created = now - timedelta(days=rng.uniform(30, 700))
        rows.append((cohort_id, rng.choice(trainers), f"Course {number + 1:03d} {country}",
                     country, created.date().isoformat(), f"gen{cohort_id:06d}", iso(created),
                     None))
        cohorts[country].append(cohort_id)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO cohorts (id, trainer_id, name, country, starts_on, "
                     "invite_code, created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    members = []
    for user_id, country, created in conn.execute(
            "SELECT user_id, country, created_at FROM users WHERE privacy_seen_at IS NOT NULL "
            "AND role = 'officer' ORDER BY user_id"):
        if cohorts.get(country) and rng.random() < 0.85:
            members.append((rng.choice(cohorts[country]), user_id, created))
    conn.executemany("INSERT INTO cohort_members (cohort_id, user_id, joined_at) "
                     "VALUES (?, ?, ?)", members)
    conn.execute("COMMIT")
    return len(rows)


def migrate(path: Path) -> None:
    """Create the schema with the bot's own migrations (in a thread: callers may be async)."""
    errors: list[BaseException] = []

    async def run() -> None:
        db = Database(path)
        await db.open()
        await db.close()

    def target() -> None:
        try:
            asyncio.run(run())
        except BaseException as exc:  # re-raised below
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def load_course() -> Course:
    from bot.config import PROJECT_ROOT
    from bot.services.content import ContentService
    return ContentService(PROJECT_ROOT / "content", PROJECT_ROOT / "locales").course


#: The course of this process (set before the worker processes fork, or loaded by each).
_COURSE: Course | None = None


def batch_rows(job: tuple[int, list[int], int, datetime]) -> dict[str, list[tuple]]:
    """The rows of one batch of officers, table by table (run in a worker process). Each
    batch has its own random generator, so the result does not depend on the workers.
    ``quiz_sessions`` rows lack their id and ``quiz_presentations`` rows start with their
    session's index in the batch: the writer numbers them."""
    global _COURSE
    first, counts, seed, now = job
    if _COURSE is None:
        _COURSE = load_course()
    world = World(_COURSE, now, random.Random(f"{seed}:{first}"), make_scheduler(fuzzing=True))
    batch = [make_officer(FIRST_USER_ID + first + i, count, world)
             for i, count in enumerate(counts)]
    out = {table: [row for o in batch for row in maker(o, world)]
           for table, _, maker in ROW_MAKERS}
    sessions: list[tuple] = []
    presentations: list[tuple] = []
    for o in batch:
        for kind, row in session_rows(o, world):
            if kind == "s":
                sessions.append(row)
            else:
                presentations.append((len(sessions) - 1, *row))
    out["quiz_sessions"], out["quiz_presentations"] = sessions, presentations
    return out


def generate(path: Path, sizes: Sizes | None = None, *, now: datetime | None = None,
             workers: int = 1, progress: Callable[[str], None] | None = None) -> Stats:
    """Write a database of ``sizes`` at ``path`` (which must not exist yet). ``workers``
    processes generate rows while this one writes them (use 1 inside a test process)."""
    global _COURSE
    sizes = sizes or Sizes()
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} exists; generate into a new file")
    started = time.perf_counter()
    migrate(path)
    now = now or datetime.now(UTC)
    if _COURSE is None:
        _COURSE = load_course()
    counts = answer_counts(sizes, random.Random(sizes.seed))
    jobs = [(first, counts[first:first + sizes.batch], sizes.seed, now)
            for first in range(0, sizes.officers, sizes.batch)]
    stats = Stats(path, sizes)
    sql = {table: insert for table, insert, _ in ROW_MAKERS}
    sql["quiz_sessions"], sql["quiz_presentations"] = SESSION_SQL, PRESENTATION_SQL
    conn = sqlite3.connect(path, isolation_level=None)
    pool = None
    try:
        conn.execute("PRAGMA journal_mode = OFF")  # a generator: no crash safety needed
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA cache_size = -262144")  # 256 MiB
        indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                               "AND sql IS NOT NULL").fetchall()
        for name, _ in indexes:  # built again at the end: faster than row by row
            conn.execute(f'DROP INDEX "{name}"')
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                                ).fetchall()
        for name, _ in triggers:  # the tables they keep are filled once at the end
            conn.execute(f'DROP TRIGGER "{name}"')
        if workers > 1:
            pool = multiprocessing.get_context(
                "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            ).Pool(workers)
            results = pool.imap(batch_rows, jobs)
        else:
            results = map(batch_rows, jobs)
        session_id = 0
        for number, tables in enumerate(results):
            sessions = tables["quiz_sessions"]
            tables["quiz_sessions"] = [(session_id + 1 + i, *row)
                                       for i, row in enumerate(sessions)]
            tables["quiz_presentations"] = [(session_id + 1 + row[0], *row[1:])
                                            for row in tables["quiz_presentations"]]
            session_id += len(sessions)
            conn.execute("BEGIN")
            for table, rows in tables.items():
                conn.executemany(sql[table], rows)
                stats.rows[table] = stats.rows.get(table, 0) + len(rows)
            conn.execute("COMMIT")
            if progress and number % 10 == 9:
                progress(f"{stats.rows['users']:,} officers, {stats.rows['review_log']:,} "
                         f"answers, {time.perf_counter() - started:.0f} s")
        conn.executemany(
            "INSERT INTO emergency_audit (country, service, old_number, old_verified, "
            "new_number, new_verified, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(c, "ambulance", "103", 0, "103", 1, FIRST_USER_ID, iso(now))
             for c in COURSE_COUNTRIES])
        add_cohorts(conn, sizes.cohorts, sizes.seed, now)
        if progress:
            progress("building indexes")
        for _, index_sql in indexes:
            conn.execute(index_sql)
        conn.execute(  # what the answer log's triggers keep (migration 7)
            "INSERT INTO answer_days (day, item_id, answers, correct) SELECT substr(reviewed_at, "
            "1, 10), item_id, COUNT(*), SUM(correct) FROM review_log GROUP BY 1, 2")
        for _, trigger_sql in triggers:
            conn.execute(trigger_sql)
        conn.execute("ANALYZE")
        conn.execute("PRAGMA journal_mode = WAL")  # as the bot runs it
    finally:
        if pool is not None:
            pool.terminate()
        conn.close()
    stats.seconds = time.perf_counter() - started
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    defaults = Sizes()
    parser.add_argument("--officers", type=int, default=defaults.officers)
    parser.add_argument("--answers", type=int, default=defaults.answers)
    parser.add_argument("--heavy", type=int, default=defaults.heavy)
    parser.add_argument("--heavy-answers", type=int, default=defaults.heavy_answers)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes generating rows (default: the CPU count)")
    args = parser.parse_args(argv)
    sizes = Sizes(args.officers, args.answers, args.heavy, args.heavy_answers, args.seed)
    stats = generate(args.path, sizes, workers=args.workers,
                     progress=lambda line: print(line, flush=True))
    print(f"Wrote {args.path} in {stats.seconds:.0f} s "
          f"({args.path.stat().st_size / 2**20:,.0f} MiB):")
    for table, n in stats.rows.items():
        print(f"  {table:20} {n:>12,}")
    print(f"Officers with {sizes.heavy_answers:,} answers each: user ids "
          f"{stats.heavy_ids[0]}..{stats.heavy_ids[-1]}" if stats.heavy_ids else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
