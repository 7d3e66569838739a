"""Sample officers for the offline demo (``python -m bot demo --sample``), so that an admin's
/report, /reach, charts and exports show real figures.

Simulated, not real people: two trainers (ids ``SAMPLE_TRAINERS``) running three cohorts in
Kazakhstan, Uzbekistan and Afghanistan, and ``OFFICERS`` officers (ids from
``SAMPLE_FIRST``) in the course countries and languages, most of them in a cohort. Over the
last ``DAYS`` days each finished some lessons in course order (every card viewed) and answered
their questions a few times, each answer reviewed by the real FSRS scheduler, so the recall a
report shows is FSRS's own; a few stopped a month ago (the report's inactive officers). The
same every run (a fixed seed), written once: a database that has them already is left alone.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from fsrs import Card, Rating

from bot.course.model import Course
from bot.services.reminders import timezone_for_country
from bot.store.sample import has_user, write_sample
from bot.timeutil import iso

SAMPLE_FIRST = 910_001
SAMPLE_TRAINERS = (910_901, 910_902)
OFFICERS = 24
DAYS = 60
#: (country, locales) of the sample officers, in turn
PLACES = (("KZ", ("ru", "kk")), ("UZ", ("uz", "ru")), ("AF", ("fa_AF", "ps")),
          ("TJ", ("tg",)), ("KG", ("ky", "ru")), ("PK", ("ur",)), ("IR", ("fa",)),
          ("TM", ("tk", "ru")))
#: (trainer, name, country, invite code)
COHORTS = ((SAMPLE_TRAINERS[0], "Almaty, spring course", "KZ", "sampleKZ1"),
           (SAMPLE_TRAINERS[0], "Tashkent, spring course", "UZ", "sampleUZ1"),
           (SAMPLE_TRAINERS[1], "Kabul, refresher course", "AF", "sampleAF1"))


def build(course: Course, scheduler, now: datetime, seed: int = 12
          ) -> tuple[dict[str, list[tuple]], list[tuple[str, int, str]]]:
    rng = random.Random(seed)
    rows: dict[str, list[tuple]] = {table: [] for table in (
        "users", "cohorts", "lesson_progress", "card_views", "quiz_cards", "review_log",
        "reminders")}
    members: list[tuple[str, int, str]] = []
    start = now - timedelta(days=DAYS)
    for trainer, (country, locales) in zip(SAMPLE_TRAINERS, PLACES, strict=False):
        rows["users"].append((trainer, trainer, locales[0], country, "trainer", iso(start),
                              iso(start), iso(start)))
    for trainer, name, country, code in COHORTS:
        rows["cohorts"].append((trainer, name, country, start.date().isoformat(), code,
                                iso(start)))
    lessons = course.lessons_in_order()
    for number in range(OFFICERS):
        user = SAMPLE_FIRST + number
        country, locales = PLACES[number % len(PLACES)]
        locale = locales[rng.randrange(len(locales))]
        joined = start + timedelta(days=rng.uniform(0, 20))
        stopped = number % 8 == 5  # inactive for the last month
        end = now - timedelta(days=rng.uniform(32, 40)) if stopped else \
            now - timedelta(hours=rng.uniform(2, 72))
        rows["users"].append((user, user, locale, country, "officer", iso(joined), iso(joined),
                              iso(end)))
        code = next((c[3] for c in COHORTS if c[2] == country), None)
        if code is not None and number % 7 != 6:
            members.append((code, user, iso(joined)))
        if rng.random() < 0.75:
            rows["reminders"].append((user, 1, "09:00", timezone_for_country(country),
                                      iso(now + timedelta(hours=rng.uniform(1, 24)))))
        skill = rng.uniform(0.45, 0.95)  # chance of a right answer
        done = rng.randint(2, len(lessons))
        span = (end - joined).total_seconds()
        moments = sorted(joined + timedelta(seconds=rng.uniform(0, span * 0.7))
                         for _ in range(done))
        for lesson, finished in zip(lessons[:done], moments, strict=True):
            for card in range(1, len(lesson.cards) + 1):
                rows["card_views"].append((user, lesson.id, card, iso(
                    finished - timedelta(minutes=2 * (len(lesson.cards) - card + 1)))))
            rows["lesson_progress"].append((user, lesson.id, len(lesson.cards), iso(
                finished - timedelta(minutes=2 * len(lesson.cards))), iso(finished),
                iso(finished)))
            for item in lesson.quiz:
                when = finished + timedelta(minutes=1)
                card, right = Card(card_id=user * 1000 + len(rows["review_log"])), 0
                for turn in range(rng.randint(1, 3)):
                    if when >= end:
                        break
                    correct = rng.random() < skill + 0.1 * turn
                    rating = Rating.Good if correct else Rating.Again
                    card, log = scheduler.review_card(card, rating, when)
                    right += int(correct)
                    rows["review_log"].append((user, item.id, int(rating), int(correct),
                                               rng.randint(4000, 30000), iso(when),
                                               log.to_json()))
                    when = max(when + timedelta(hours=6), card.due) + \
                        timedelta(hours=rng.uniform(0, 48))
                if card.last_review is not None:
                    turns = sum(1 for r in rows["review_log"] if r[0] == user and
                                r[1] == item.id)
                    rows["quiz_cards"].append((user, item.id, card.to_json(), iso(card.due),
                                               iso(card.last_review), turns, 0,
                                               card.stability, right))
    return rows, members


async def add_sample(services) -> int:
    """Write the sample officers unless they are there already; how many users were added."""
    db = services.store.db
    if await db.run(has_user, SAMPLE_FIRST):
        return 0
    rows, members = build(services.content.course, services.quiz.scheduler, services.clock())
    return await db.write(write_sample, rows, members)
