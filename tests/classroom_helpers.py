"""A class group for classroom tests: a trainer, a cohort, officers, and updates in a group."""

from __future__ import annotations

from dataclasses import dataclass

from harness import Chat
from staffing import cohort_with, officers, trainer

from bot.handlers.classroom_debrief import tick
from bot.sandbox import Call, UpdateFactory, to_update

GROUP = -1001234567890


@dataclass
class ClassGroup:
    """The trainer's private chat, the officers' private chats, and the group they share."""

    app: object
    fake: object
    boss: Chat
    members: list[Chat]
    cohort: object
    chat_id: int = GROUP

    async def say(self, who: Chat, text: str) -> list[Call]:
        """``who`` sends ``text`` in the group."""
        return await who.update(who.users.text(text, chat_id=self.chat_id))

    async def press(self, who: Chat, label: str) -> list[Call]:
        """``who`` presses a button of the group's last message with buttons."""
        call = next(c for c in reversed(self.fake.messages())
                    if int(c.params.get("chat_id", 0)) == self.chat_id and c.buttons)
        button = next(b for row in call.buttons for b in row if label in b["text"])
        message_id = call.result["message_id"] if isinstance(call.result, dict) else \
            int(call.params.get("message_id", 1))
        return await who.update(who.users.callback(button["callback_data"], message_id,
                                                   chat_id=self.chat_id))

    def said(self) -> list[Call]:
        """Messages and polls in the group, in order."""
        return [c for c in self.fake.messages() if int(c.params.get("chat_id", 0)) ==
                self.chat_id]

    def polls(self) -> list[Call]:
        return [c for c in self.said() if c.method == "sendPoll"]

    async def answer(self, who: Chat | UpdateFactory, poll: Call, option: int | None) -> None:
        users = who.users if isinstance(who, Chat) else who
        data = users.poll_answer(poll.result["poll"]["id"], [] if option is None else [option])
        await self.app.process_update(to_update(data, self.app.bot))

    async def flush(self) -> int:
        """Send what the outbox holds (polls, the debrief, notes)."""
        return await self.app.bot_data.services.sender.drain(self.app.bot)

    async def tick(self) -> None:
        await tick(self.app)

    async def link(self) -> None:
        await self.say(self.boss, "/linkcohort")
        await self.boss.press(self.cohort.name)
        await self.flush()

    async def start_quiz(self, module: str = "HIV", size: str = "5 questions",
                         period: str = "30 seconds") -> None:
        await self.say(self.boss, "/classquiz")
        await self.press(self.boss, module)
        await self.press(self.boss, size)
        await self.press(self.boss, period)
        await self.flush()


OFFICERS = [(4101, "en", "English"), (4102, "ru", "Русский"), (4103, "fa", "فارسی")]


async def class_group(app, fake, linked: bool = True) -> ClassGroup:
    boss = await trainer(app, fake)
    members = await officers(app, fake, OFFICERS)
    cohort = await cohort_with(app, boss.user_id, [c.user_id for c in members], name="Almaty")
    group = ClassGroup(app, fake, boss, members, cohort)
    if linked:
        await group.link()
    return group
