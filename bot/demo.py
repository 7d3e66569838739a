"""The offline demo: the real Application in a terminal, through the in-process fake Bot API.

Each bot message is printed with its buttons numbered (``[1] English  [2] Русский``). A line
holding only a number presses that button of the latest message that has buttons; any other
line is sent as a text message from the demo user. End of input ends the demo, once the
outbox has sent what is due. The state is kept in ``DATABASE_PATH`` like the real bot's, so a
second run goes on from the first; with ``--fresh`` the run starts from an empty database of
its own, removed at the end.

To walk the trainer story alone, the demo can act as several users: ``/as 2002 ru`` makes
the following lines come from user 2002 (Telegram language ``ru``); ``/follow`` opens the
latest invite link the bot showed (``https://t.me/<bot>?start=...``) as the current user.
Messages to another user's chat are printed as ``bot → 2002:``.

To run a class quiz alone (issue 14): ``/class`` adds the bot to a demo class group and makes
the following lines (and button presses) happen in that group, ``/private`` goes back to the
private chat; ``/answer`` makes the class answer the latest quiz poll (every other person the
demo acted as, and three members who do not use the bot) and lets the poll close at once (the
demo's clock jumps over its open period).

A photo or a document the bot sends (a report's chart, a CSV export) is saved in the folder
``--files`` names (``data/demo-files`` by default), and its path printed under the message.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.app import build_application, running
from bot.config import Settings
from bot.handlers.classroom_debrief import tick as class_tick
from bot.numerals import read_int
from bot.sandbox import Call, FakeBotAPI, UpdateFactory, to_update
from bot.timeutil import system_clock

#: the demo's class group (``/class``)
CLASS_GROUP = -1000000000777

_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r"https://t\.me/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]+)")
_AS = re.compile(r"^/as\s+(\d{1,15})(?:\s+([A-Za-z_-]{2,10}))?\s*$")
_ISOLATES = str.maketrans("", "", "\u2066\u2067\u2068\u2069")


def plain(text: str) -> str:
    """Telegram HTML as a terminal shows it: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", text)).translate(_ISOLATES)


class Transcript:
    """Prints what the bot does, and remembers the latest message that has buttons."""

    def __init__(self, out: TextIO, files_dir: Path | None = None):
        self.out = out
        self.files_dir = files_dir
        self.buttons: list[dict] = []
        self.buttons_message_id: int | None = None
        self.current: int | None = None  # the chat of the user the demo acts as
        self._by_chat: dict[int, tuple[list[dict], int | None]] = {}
        self.invite: str | None = None  # the payload of the latest invite link shown

    def act_as(self, chat_id: int) -> None:
        """Buttons pressed from now on are those of this chat's latest message."""
        self.current = chat_id
        self.buttons, self.buttons_message_id = self._by_chat.get(chat_id, ([], None))

    def __call__(self, call: Call) -> None:
        if call.error:
            self._print(f"[Telegram answered {call.method} with an error: {call.error}]")
            return
        if call.method == "answerCallbackQuery":
            if call.params.get("text"):
                self._print(f"(toast) {plain(call.params['text'])}")
            return
        if call.method == "answerInlineQuery":
            results = call.params.get("results") or []
            self._print(f"(inline results: {len(results)})")
            for i, result in enumerate(results, 1):
                self._print(f"  {i}. {plain(str(result.get('title', '')))}")
            return
        if call.method == "sendPoll":
            self._poll(call)
            return
        if call.method not in ("sendMessage", "editMessageText", "sendDocument", "sendPhoto"):
            return
        label = {"editMessageText": "bot (edited)", "sendDocument": "bot (file)",
                 "sendPhoto": "bot (picture)"}.get(call.method, "bot")
        chat_id = int(call.params.get("chat_id") or 0)
        if self.current is not None and chat_id != self.current:
            label = label.replace("bot", f"bot → {chat_id}", 1)
        for match in _LINK.finditer(call.text):
            self.invite = match.group(1)
        protected = " (protected)" if call.params.get("protect_content") else ""
        self._print(f"{label}{protected}: {plain(call.text)}")
        for path in self._save(call):
            self._print(f"(file saved: {path})")
        flat = [b for row in call.buttons for b in row]
        if flat:
            lines = []
            number = 0
            for row in call.buttons:
                cells = []
                for button in row:
                    number += 1
                    cells.append(f"[{number}] {plain(button['text'])}")
                lines.append("  ".join(cells))
            self._print("\n".join(lines))
            result = call.result if isinstance(call.result, dict) else {}
            message_id = result.get("message_id") or int(call.params.get("message_id") or 0)
            self._by_chat[chat_id] = (flat, message_id)
            if self.current is None or chat_id == self.current:
                self.buttons, self.buttons_message_id = flat, message_id
        self._print("")

    def _poll(self, call: Call) -> None:
        chat_id = int(call.params.get("chat_id") or 0)
        where = "" if chat_id == self.current else f" → {chat_id}"
        options = call.params.get("options") or []
        if isinstance(options, str):
            options = json.loads(options)
        right = (call.params.get("correct_option_ids") or [None])[0]
        lines = [f"bot{where} (quiz poll, open {call.params.get('open_period')} s): "
                 f"{call.params.get('question', '')}"]
        lines += [f"  ({i + 1}) {o.get('text', '')}" + ("  ✓" if i == right else "")
                  for i, o in enumerate(options)]
        if call.params.get("explanation"):
            lines.append(f"  explanation: {call.params['explanation']}")
        self._print("\n".join(lines) + "\n")

    def _save(self, call: Call) -> list[Path]:
        """The files a sendPhoto/sendDocument uploaded, written to ``files_dir``."""
        if not call.files or self.files_dir is None:
            return []
        self.files_dir.mkdir(parents=True, exist_ok=True)
        result = call.result if isinstance(call.result, dict) else {}
        saved = []
        for filename, data in call.files.values():
            path = self.files_dir / f"{result.get('message_id', 0)}-{Path(filename).name}"
            path.write_bytes(data)
            saved.append(path)
        return saved

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


@contextmanager
def fresh_database(settings: Settings, fresh: bool) -> Iterator[Settings]:
    """``--fresh``: the settings with a new, empty database in a temporary folder, removed
    afterwards; otherwise the settings as they are (the state in ``DATABASE_PATH``)."""
    if not fresh:
        yield settings
        return
    with tempfile.TemporaryDirectory(prefix="toolkit-demo-") as folder:
        yield dataclasses.replace(settings, database_path=Path(folder) / "demo.sqlite3")


async def run_demo(settings: Settings, *, user_id: int, language_code: str | None,
                   stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
                   sample: bool = False, files_dir: Path | None = None) -> int:
    fake = FakeBotAPI()
    transcript = Transcript(stdout, files_dir)
    skipped = [timedelta(0)]  # how far /answer moved the demo's clock ahead

    def clock() -> datetime:
        return system_clock() + skipped[0]

    app = build_application(settings, request=fake, rate_limiter=False, clock=clock)
    in_class = False
    people = {user_id: UpdateFactory(user_id, language_code=language_code)}
    users = people[user_id]
    fake.names[user_id] = f"User {user_id}"  # what getChat answers as the user's name
    transcript.act_as(user_id)
    async with running(app):
        if sample:  # simulated officers for /report (bot/demo_sample.py)
            from bot.demo_sample import add_sample
            added = await add_sample(app.bot_data.services)
            transcript._print(f"(sample data: {added} simulated officers and trainers added)"
                              if added else "(sample data: already in this database)")
        fake.listeners.append(transcript)
        while True:
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            line = line.rstrip("\n")
            if not line.strip():
                continue
            acting = _AS.match(line.strip())
            if acting:
                other = int(acting.group(1))
                people.setdefault(other, UpdateFactory(other, language_code=acting.group(2)
                                                       or language_code))
                fake.names.setdefault(other, f"User {other}")
                users = people[other]
                transcript.act_as(other)
                transcript._print(f"(now acting as user {other}, Telegram language "
                                  f"{users.language_code})")
                continue
            if line.strip() in ("/class", "/private", "/answer"):
                in_class = await _class_command(app, fake, transcript, people, users,
                                                line.strip(), in_class, skipped)
                continue
            if line.strip() == "/follow":
                if transcript.invite is None:
                    transcript._print("(no invite link has been shown yet)")
                    continue
                line = f"/start {transcript.invite}"
                transcript._print(f"(opening the invite link: {line})")
            chat = CLASS_GROUP if in_class else None
            data = _press(transcript, line.strip(), users, chat)
            if data is None and read_int(line) is not None:
                transcript._print(f"(there is no button {line.strip()})")
                continue
            text = users.text(line, chat_id=CLASS_GROUP) if in_class else users.text(line)
            await app.process_update(to_update(data or text, app.bot))
        await _finish_sending(app)
    return 0


async def _finish_sending(app) -> None:
    """Before the demo ends: let the outbox send what is due, and show the final reports."""
    services = app.bot_data.services
    await services.sender.idle(60)
    await app.bot_data["broadcast_reports"].tick(services, app.bot)


def _press(transcript: Transcript, line: str, users: UpdateFactory,
           chat_id: int | None = None) -> dict | None:
    number = read_int(line)  # a number in any script presses that button
    if number is None:
        return None
    index = number - 1
    if not 0 <= index < len(transcript.buttons):
        return None
    button = transcript.buttons[index]
    if "callback_data" in button:
        return users.callback(button["callback_data"], transcript.buttons_message_id or 1,
                              chat_id=chat_id)
    if "url" in button:
        transcript._print(f"(link: {button['url']})")
    if "switch_inline_query" in button or "switch_inline_query_current_chat" in button:
        query = button.get("switch_inline_query") or button.get("switch_inline_query_current_chat")
        return users.inline_query(query or "")
    return None


async def _class_command(app, fake: FakeBotAPI, transcript: Transcript,
                         people: dict[int, UpdateFactory], users: UpdateFactory, command: str,
                         in_class: bool, skipped: list[timedelta]) -> bool:
    """``/class``, ``/private``, ``/answer``: the demo's class group. Returns whether the
    following lines go to the group."""
    if command == "/private":
        transcript.act_as(users.user_id)
        transcript._print(f"(back in the private chat of user {users.user_id})")
        return False
    if command == "/class":
        if not any(int(c.params.get("chat_id") or 0) == CLASS_GROUP for c in fake.calls):
            transcript._print(f"(user {users.user_id} adds the bot to the class group)")
            await app.process_update(to_update(users.bot_in_group(CLASS_GROUP, "member",
                                                                  old="left"), app.bot))
        transcript.act_as(CLASS_GROUP)
        transcript._print(f"(writing in the class group as user {users.user_id}; /private "
                          "goes back)")
        return True
    sender = app.bot_data["services"].sender
    await sender.idle(30)  # the poll may still wait for the group's budget
    polls = [c for c in fake.of("sendPoll") if c.error is None and c.result]
    if not polls:
        transcript._print("(no quiz poll to answer yet: start one with /classquiz)")
        return in_class
    poll = polls[-1]
    right = int((poll.params.get("correct_option_ids") or [0])[0])
    options = poll.params.get("options") or []
    count = len(json.loads(options) if isinstance(options, str) else options)
    voters = [p for uid, p in people.items() if uid != users.user_id]
    voters += [UpdateFactory(9100 + i) for i in range(3)]  # in the group, not in the bot
    for i, voter in enumerate(voters):
        option = right if (i + len(polls)) % 3 else (right + 1) % count
        await app.process_update(to_update(voter.poll_answer(
            poll.result["poll"]["id"], [option]), app.bot))
    transcript._print(f"({len(voters)} members answered; the poll closes)")
    skipped[0] += timedelta(seconds=int(poll.params.get("open_period") or 30) + 1)
    await class_tick(app)
    await sender.idle(30)
    return in_class

