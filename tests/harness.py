"""Drive the real Application through process_update, with the fake Bot API transport."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application

from bot.countries import COURSE_COUNTRIES, OTHER
from bot.sandbox import Call, FakeBotAPI, UpdateFactory, to_update
from bot.ui import callbacks as cb


@dataclass
class Chat:
    """One officer's private chat with the bot."""

    app: Application
    fake: FakeBotAPI
    users: UpdateFactory
    #: the Bot API calls the last update caused
    calls: list[Call] = field(default_factory=list)

    @property
    def user_id(self) -> int:
        return self.users.user_id

    async def update(self, data: dict[str, Any]) -> list[Call]:
        before = len(self.fake.calls)
        await self.app.process_update(to_update(data, self.app.bot))
        self.calls = self.fake.calls[before:]
        return self.calls

    async def send(self, text: str) -> list[Call]:
        return await self.update(self.users.text(text))

    def mine(self) -> list[Call]:
        """Messages shown in this chat, in order."""
        return [c for c in self.fake.messages()
                if str(c.params.get("chat_id")) == str(self.user_id)]

    @property
    def last(self) -> Call:
        shown = self.mine()
        assert shown, "the bot showed nothing in this chat"
        return shown[-1]

    def replies(self) -> list[Call]:
        """Messages the last update showed (sends and edits)."""
        return [c for c in self.calls if c.error is None and
                c.method in ("sendMessage", "editMessageText", "sendDocument", "sendPhoto")]

    def _with_buttons(self) -> Call:
        for call in reversed(self.mine()):
            if call.buttons:
                return call
        raise AssertionError("no message with buttons in this chat")

    def button(self, label: str | int) -> tuple[Call, dict[str, Any]]:
        call = self._with_buttons()
        flat = [b for row in call.buttons for b in row]
        if isinstance(label, int):
            return call, flat[label]
        for exact in (True, False):
            for b in flat:
                if (b["text"] == label) if exact else (label in b["text"]):
                    return call, b
        raise AssertionError(f"no button {label!r} in {[b['text'] for b in flat]}")

    async def press(self, label: str | int) -> list[Call]:
        call, button = self.button(label)
        message_id = call.result["message_id"] if isinstance(call.result, dict) else \
            int(call.params.get("message_id", 1))
        return await self.update(self.users.callback(button["callback_data"], message_id))

    async def press_data(self, data: str, message_id: int = 1) -> list[Call]:
        return await self.update(self.users.callback(data, message_id))

    def answered_callback(self) -> Call | None:
        answers = [c for c in self.calls if c.method == "answerCallbackQuery"]
        return answers[-1] if answers else None

    async def onboard(self, language: str = "English", country: int | str = 0) -> None:
        """/start, choose the language, the country, accept the privacy notice."""
        await self.send("/start")
        await self.press(language)
        # ``country``: a button label, or the index in COURSE_COUNTRIES (one past the end:
        # another country), pressed by its data: right-to-left locales send rows reversed
        if isinstance(country, str):
            await self.press(country)
            await self.press(0)
            return
        codes = [*COURSE_COUNTRIES, OTHER]
        call = self._with_buttons()
        flat = [b for row in call.buttons for b in row]
        index = next(i for i, b in enumerate(flat)
                     if b.get("callback_data") == cb.COUNTRY.pack(code=codes[country]))
        await self.press(index)
        await self.press(0)
