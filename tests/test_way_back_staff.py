"""Trainers' and admins' screens have a way back too: the crawler of test_way_back.py walks
every screen an admin reaches from /roles, /cohorts and /broadcast (with a cohort of officers
in three languages, a sent broadcast and a scheduled one), and every screen an officer in a
cohort reaches from /cohort, in English and Persian."""

from __future__ import annotations

import pytest
from conftest import ADMIN_ID
from staffing import MEETING, cohort_with, officers
from test_way_back import Crawler

from bot.i18n import LANGUAGE_NAMES


def _skip_final(data: str) -> bool:
    """Presses that end the walk for everyone else: sending, revoking, closing."""
    action = data.split(":")[2] if data.count(":") >= 2 else data.split(":")[1]
    return action in {"go", "sgo", "revoke-yes", "close-yes", "rotate-yes", "rm-yes", "yes",
                      "x"}


@pytest.mark.parametrize("locale", ["en", "fa"])
async def test_every_staff_screen_has_a_way_back(app, fake, locale, errors, monkeypatch):
    (admin,) = await officers(app, fake, [(ADMIN_ID, locale, LANGUAGE_NAMES[locale])])
    members = await officers(app, fake, [(8301, "ru", "Русский"), (8302, "fa", "فارسی"),
                                         (8303, "en", "English")])
    services = app.bot_data.services
    await services.store.users.set_role(8303, "trainer")
    await cohort_with(app, ADMIN_ID, [8301, 8302], name="Almaty")
    await services.broadcasts.send_template(ADMIN_ID, "meeting", MEETING, [8301, 8302])
    import test_way_back
    real_skip = test_way_back._skip
    monkeypatch.setattr(test_way_back, "_skip", lambda data, loc: real_skip(data, loc) or (
        data.split(":", 1)[0] in {"ro", "co", "bc", "mc"} and _skip_final(data)))
    crawler = Crawler(admin, locale)
    await crawler.run(["/roles", "/cohorts", "/broadcast"])
    assert crawler.failures == [], "\n".join(map(repr, crawler.failures))
    assert {"ro", "co", "bc"} <= set(crawler.per_prefix), crawler.per_prefix
    officer = Crawler(members[1], "fa")
    await officer.run(["/cohort"])
    assert officer.failures == [], "\n".join(map(repr, officer.failures))
    assert officer.per_prefix["mc"] >= 1
    assert errors == []
