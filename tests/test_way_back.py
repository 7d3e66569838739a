"""No screen leaves the officer without a button back.

A crawler walks every screen an officer can reach from the commands and the main menu, pressing
every button it finds (a bounded number per kind of button, so that it ends), and checks each
screen shown: a button leads to the main menu, or back to the screen it came from. English and
Persian (right to left). The exhaustive render tests (test_content_render.py) check the same
on every lesson card and quiz question in every locale."""

from __future__ import annotations

from collections import Counter, deque

import pytest

from bot.i18n import LANGUAGE_NAMES
from bot.ui import callbacks as cb

HOME = "menu:home"
#: Commands an onboarded officer may send; each answer is a screen to check and crawl from.
COMMANDS = ["/start", "/menu", "/help", "/lessons", "/quiz", "/progress", "/reference",
            "/emergency", "/reminder", "/settings", "/language", "/privacy", "/forget",
            "/search hiv", "overdose", "zzzq", "/nonsense", "/reminder 25:00", "/cohort"]
#: Distinct buttons pressed per prefix (lesson cards, quiz answers... are many).
PER_PREFIX = 12


def way_back(call, previous: str | None) -> bool:
    """A button to the main menu, back to the screen this one came from (``previous``: the
    button data that showed it), or a Cancel that leads to the menu."""
    data = call.callback_data()
    if {"menu:lessons", "menu:quiz", "menu:settings"} <= set(data):
        return True  # the main menu itself
    return HOME in data or (previous is not None and previous in data) or \
        any(d.startswith("forget:no:") for d in data)


def _skip(data: str, locale: str) -> bool:
    return data.startswith("forget:yes") or (data.startswith("lang:") and
                                             data != f"lang:{locale}")


class Crawler:
    """Press what can be pressed, breadth first, from commands and buttons given as starts."""

    def __init__(self, chat, locale: str):
        self.chat, self.locale = chat, locale
        self.failures: list[tuple] = []
        self.checked = 0
        self.pressed: set[str] = set()
        self.per_prefix: Counter[str] = Counter()

    async def run(self, starts: list[str]) -> None:
        """``starts``: commands and texts to send, or button data (``prefix:...``) to press.
        Each screen shown is checked; its buttons are pressed in turn."""
        chat, locale = self.chat, self.locale
        failures, pressed, per_prefix = self.failures, self.pressed, self.per_prefix
        queue: deque[tuple[str, int, str | None]] = deque()

        def look(came_from: str | None, previous: str | None) -> None:
            for call in chat.replies():
                self.checked += 1
                if not way_back(call, previous):
                    failures.append((came_from, call.text[:90], call.callback_data()))
                message_id = call.result["message_id"] if isinstance(call.result, dict) else \
                    int(call.params.get("message_id", 1))
                for data in call.callback_data():
                    queue.append((data, message_id, came_from))

        for start in starts:
            if ":" in start and not start.startswith("/"):
                await chat.press_data(start)
                pressed.add(start)
            else:
                await chat.send(start)
            look(start, None)
        while queue:
            data, message_id, came_from = queue.popleft()
            prefix = data.split(":", 1)[0]
            if data in pressed or _skip(data, locale) or \
                    (prefix != "menu" and per_prefix[prefix] >= PER_PREFIX):
                continue
            pressed.add(data)
            per_prefix[prefix] += 1
            await chat.press_data(data, message_id)
            look(data, came_from)


@pytest.mark.parametrize("locale", ["en", "fa"])
async def test_every_screen_has_a_way_back(app, chat_factory, content, locale, errors):
    chat = chat_factory(7950 + len(locale), locale)
    await chat.onboard(language=LANGUAGE_NAMES[locale])
    for lesson in content.course.modules[0].lessons[:2]:  # so that quizzes have questions
        await chat.press_data(f"done:{lesson.id}")
    first = content.course.modules[0].lessons[0]
    crawler = Crawler(chat, locale)
    # the commands, and the last card of a lesson (Finish, then its quiz)
    await crawler.run([*COMMANDS, f"les:{first.id}:{len(first.cards)}"])
    await crawler.run(["/quiz"])  # now that a quiz is in progress: continue or start over
    assert crawler.failures == [], "\n".join(map(repr, crawler.failures))
    # every kind of button was pressed, but those of onboarding (priv) and of /emergency
    # before onboarding (ecty, in test_emergency_first.py)
    staff = {"ro", "co", "bc", "mc"}  # trainers' and admins' screens: test_way_back_staff.py
    assert {r.prefix for r in cb.ROUTES} - {"priv", "ecty"} - staff <= \
        set(crawler.per_prefix), \
        crawler.per_prefix
    assert crawler.checked > 150
    assert errors == []
    # the last screen of all: everything deleted, and a way to begin again
    await chat.send("/forget")
    await chat.press(0)
    assert way_back(chat.last, None)


@pytest.mark.parametrize("locale", ["en", "fa"])
async def test_settings_command_and_pickers_with_back(app, chat_factory, catalogs, locale):
    t = catalogs.get(locale)
    chat = chat_factory(7960 + len(locale), locale)
    await chat.onboard(language=LANGUAGE_NAMES[locale])
    await chat.send("/settings")
    settings = chat.last
    assert settings.method == "sendMessage" and "menu:language" in settings.callback_data()
    for item in ("language", "country"):
        await chat.press_data(f"menu:{item}", settings.result["message_id"])
        # right-to-left keyboards show each row in reverse (bot.bidi)
        assert sorted(chat.last.callback_data()[-2:]) == sorted(["menu:settings", HOME])
        await chat.press(t.label("◀ Back"))
        assert chat.last.text == settings.text and chat.last.method == "editMessageText"
    await chat.send("/language")
    assert "menu:settings" in chat.last.callback_data()
    # during onboarding the language question stays a plain first step
    newcomer = chat_factory(7970 + len(locale), locale)
    await newcomer.send("/start")
    assert "menu:settings" not in newcomer.last.callback_data()
    await newcomer.send("/settings")  # not before onboarding: the next step instead
    assert "menu:settings" not in newcomer.last.callback_data()
