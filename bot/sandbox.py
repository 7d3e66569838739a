"""An in-process fake Bot API, shared by the offline demo, the tests and the benchmark.

``FakeBotAPI`` is a ``telegram.request.BaseRequest``: plugged into an ``Application`` it
records every Bot API call with its parameters and answers in Telegram's JSON shapes, so the
real bot runs with no network. It can be told to fail the next calls with 429 (retry_after),
403, 400, 5xx, a timeout, or a slow answer (delivered, but after the caller's read
timeout). ``UpdateFactory`` builds the updates a user would send. An optional ``hook`` is
awaited before each call is answered: a benchmark delays calls as a network would, a test
holds a call back to see what runs meanwhile (without one, no call ever waits).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.course.markup import html_problems

BOT_ID = 7000000001
BOT_USERNAME = "toolkit_companion_bot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Toolkit Companion",
            "username": BOT_USERNAME, "can_join_groups": False,
            "can_read_all_group_messages": False, "supports_inline_queries": True}

MESSAGE_METHODS = {"sendMessage", "sendDocument", "sendPhoto", "sendPoll", "sendLocation"}
EDIT_METHODS = {"editMessageText", "editMessageReplyMarkup", "editMessageCaption"}


@dataclass
class Call:
    """One Bot API call as the bot made it."""

    method: str
    params: dict[str, Any]
    #: what the fake answered: a result object, or an error description
    result: Any = None
    error: str | None = None
    #: uploaded files (sendPhoto, sendDocument): part name -> (file name, bytes)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return markup.get("inline_keyboard") or []

    def button_texts(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]

    def callback_data(self) -> list[str]:
        return [b.get("callback_data", "") for row in self.buttons for b in row]


@dataclass
class _Failure:
    kind: str  # "429" | "403" | "400" | "5xx" | "timeout" | "slow"
    method: str | None
    chat_id: int | None
    retry_after: int
    remaining: int
    description: str | None = None
    delay: float = 0.0  # "slow": seconds before Telegram answers


@dataclass
class FakeBotAPI(BaseRequest):
    """A Bot API that lives in memory. Listeners see each call as it happens."""

    calls: list[Call] = field(default_factory=list)
    listeners: list[Callable[[Call], None]] = field(default_factory=list)
    #: awaited with each call before it is answered (None: answer at once)
    hook: Callable[[Call], Awaitable[None]] | None = None
    _failures: list[_Failure] = field(default_factory=list)
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    #: what getChat answers as a user's first name (default "Officer")
    names: dict[int, str] = field(default_factory=dict)
    #: the read timeout of a call that does not set its own, in seconds
    default_read_timeout: float = 1.0
    #: what getChatMember answers about the bot in a group (default: a plain member), and
    #: the group's default permissions getChat answers (default: none set)
    bot_member: dict[int, dict[str, Any]] = field(default_factory=dict)
    group_permissions: dict[int, dict[str, bool]] = field(default_factory=dict)

    # --- BaseRequest --------------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return self.default_read_timeout

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        call = Call(api_method, params, files=_uploads(request_data))
        if self.hook is not None:
            await self.hook(call)
        failure = self._take_failure(call) or _unparsable(call)
        if failure is not None and failure.kind == "slow":
            timeout = kwargs.get("read_timeout")
            timeout = timeout if isinstance(timeout, int | float) else self.read_timeout
            await asyncio.sleep(min(failure.delay, timeout or failure.delay))
            call.result = self._answer(api_method, params)
            self._record(call)  # Telegram delivered it, whether or not we waited
            if timeout is not None and failure.delay > timeout:
                raise TimedOut("Timed out (fake transport, slow answer)")
            return 200, json.dumps({"ok": True, "result": call.result}).encode()
        if failure is not None:
            return self._fail(call, failure)
        call.result = self._answer(api_method, params)
        self._record(call)
        return 200, json.dumps({"ok": True, "result": call.result}).encode()

    # --- failure injection --------------------------------------------------------------
    def fail_next(self, kind: str, *, method: str | None = None, chat_id: int | None = None,
                  retry_after: int = 1, times: int = 1, description: str | None = None,
                  delay: float = 0.0) -> None:
        """Make the next ``times`` matching calls fail with 429, 403, 400, 5xx (500, or the
        code in ``description``), a timeout, or answer "slow": after ``delay`` seconds,
        delivered, but as a timeout if the call's read timeout is shorter."""
        if kind not in {"429", "403", "400", "5xx", "timeout", "slow"}:
            raise ValueError(kind)
        self._failures.append(_Failure(kind, method, chat_id, retry_after, times, description,
                                       delay))

    def _take_failure(self, call: Call) -> _Failure | None:
        for failure in self._failures:
            if failure.method and failure.method != call.method:
                continue
            if failure.chat_id is not None and _as_int(call.params.get("chat_id")) != \
                    failure.chat_id:
                continue
            failure.remaining -= 1
            if failure.remaining <= 0:
                self._failures.remove(failure)
            return failure
        return None

    def _fail(self, call: Call, failure: _Failure) -> tuple[int, bytes]:
        if failure.kind == "timeout":
            call.error = "timeout"
            self._record(call)
            raise TimedOut("Timed out (fake transport)")
        body: dict[str, Any] = {"ok": False}
        if failure.kind == "429":
            body |= {"error_code": 429, "parameters": {"retry_after": failure.retry_after},
                     "description": f"Too Many Requests: retry after {failure.retry_after}"}
        elif failure.kind == "403":
            body |= {"error_code": 403, "description": failure.description or
                     "Forbidden: bot was blocked by the user"}
        elif failure.kind == "5xx":
            body |= {"error_code": 500, "description": failure.description or
                     "Internal Server Error"}
        else:
            body |= {"error_code": 400, "description": failure.description or
                     "Bad Request: message can't be edited"}
        call.error = body["description"]
        self._record(call)
        return body["error_code"], json.dumps(body).encode()

    # --- answers ------------------------------------------------------------------------
    def _record(self, call: Call) -> None:
        self.calls.append(call)
        for listener in self.listeners:
            listener(call)

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return []
        if method in MESSAGE_METHODS:
            chat_id = _as_int(params.get("chat_id"))
            message = {"message_id": next(self._message_ids), "date": int(time.time()),
                       "chat": _chat(chat_id), "from": BOT_USER}
            if method == "sendMessage":
                message["text"] = params.get("text", "")
            elif method == "sendPoll":
                options = _markup(params.get("options") or "[]")
                message["poll"] = {"id": str(message["message_id"]),
                                   "question": params.get("question", ""),
                                   "options": [{"text": o.get("text", ""), "voter_count": 0,
                                                "persistent_id": str(i)}
                                               for i, o in enumerate(options)],
                                   "total_voter_count": 0, "is_closed": False,
                                   "is_anonymous": bool(params.get("is_anonymous", True)),
                                   "type": params.get("type", "regular"),
                                   "allows_multiple_answers": False,
                                   "allows_revoting": bool(params.get("allows_revoting",
                                                                      False)),
                                   "members_only": bool(params.get("members_only", False))}
            elif params.get("caption"):
                message["caption"] = params["caption"]
            if method == "sendDocument":
                message["document"] = {"file_id": f"doc{message['message_id']}",
                                       "file_unique_id": f"u{message['message_id']}"}
            if method == "sendPhoto":
                message["photo"] = [{"file_id": f"ph{message['message_id']}",
                                     "file_unique_id": f"p{message['message_id']}",
                                     "width": 800, "height": 600}]
            if params.get("reply_markup"):
                message["reply_markup"] = _markup(params["reply_markup"])
            self._messages[(chat_id, message["message_id"])] = message
            return message
        if method in EDIT_METHODS:
            if params.get("inline_message_id"):
                return True
            key = (_as_int(params.get("chat_id")), _as_int(params.get("message_id")))
            message = dict(self._messages.get(key) or {
                "message_id": key[1], "date": int(time.time()), "chat": _chat(key[0]),
                "from": BOT_USER, "text": ""})
            message["edit_date"] = int(time.time())
            if "text" in params:
                message["text"] = params["text"]
            if params.get("reply_markup"):
                message["reply_markup"] = _markup(params["reply_markup"])
            else:
                message.pop("reply_markup", None)
            self._messages[key] = message
            return message
        if method == "getMyCommands":
            return []
        if method == "getChatMember":
            chat_id = _as_int(params.get("chat_id"))
            return {"status": "member", "user": BOT_USER, **self.bot_member.get(chat_id, {})}
        if method == "getChat" and _as_int(params.get("chat_id")) < 0:
            chat_id = _as_int(params.get("chat_id"))
            return {**_chat(chat_id), "accent_color_id": 0, "max_reaction_count": 11,
                    "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                            "unique_gifts": False,
                                            "premium_subscription": False,
                                            "gifts_from_channels": False},
                    **({"permissions": self.group_permissions[chat_id]}
                       if chat_id in self.group_permissions else {})}
        if method == "getChat":
            chat_id = _as_int(params.get("chat_id"))
            return {**_chat(chat_id), "first_name": self.names.get(chat_id, "Officer"),
                    "accent_color_id": 0, "max_reaction_count": 11,
                    "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                            "unique_gifts": False,
                                            "premium_subscription": False,
                                            "gifts_from_channels": False}}
        # answerCallbackQuery, answerInlineQuery, setMyCommands, deleteMessage, deleteWebhook,
        # setWebhook, setChatMenuButton, sendChatAction... all answer True.
        return True

    # --- reading what happened ----------------------------------------------------------
    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def messages(self) -> list[Call]:
        """Every message the bot showed: sends and in-place edits, in order."""
        return [c for c in self.calls if c.error is None and
                (c.method in MESSAGE_METHODS or c.method == "editMessageText")]

    def last_message(self) -> Call:
        shown = self.messages()
        if not shown:
            raise AssertionError("the bot has not sent any message")
        return shown[-1]

    def clear(self) -> None:
        self.calls.clear()


def _unparsable(call: Call) -> _Failure | None:
    """Telegram refuses HTML it cannot parse with 400; so does the fake, so that tests see
    an unescaped value the way officers would (as a message that never arrives)."""
    if call.params.get("parse_mode") != "HTML" or not call.text:
        return None
    problems = html_problems(call.text)
    if not problems:
        return None
    return _Failure("400", None, None, 0, 1,
                    f"Bad Request: can't parse entities: {problems[0]}")


def _uploads(request_data: RequestData | None) -> dict[str, tuple[str, bytes]]:
    if request_data is None or not request_data.contains_files:
        return {}
    out = {}
    for name, part in request_data.multipart_data.items():
        filename, content = part[0], part[1]
        out[name] = (filename, content if isinstance(content, bytes) else content.read())
    return out


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _chat(chat_id: int) -> dict[str, Any]:
    if chat_id < 0:
        return {"id": chat_id, "type": "group", "title": "Class group"}
    return {"id": chat_id, "type": "private", "first_name": "Officer"}


def _markup(markup: Any) -> Any:
    return json.loads(markup) if isinstance(markup, str) else markup


class UpdateFactory:
    """Builds the JSON of updates a private-chat user sends, as Telegram would."""

    def __init__(self, user_id: int = 1001, *, language_code: str | None = "en",
                 first_name: str = "Officer"):
        self.user_id = user_id
        self.language_code = language_code
        self.first_name = first_name
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100000)

    def _user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False,
                                "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def _message(self, **extra: Any) -> dict[str, Any]:
        chat_id = extra.pop("chat_id", self.user_id)
        chat = {"id": chat_id, "type": "private", "first_name": self.first_name} \
            if chat_id > 0 else _chat(chat_id)
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": chat, "from": self._user(), **extra}

    def text(self, text: str, **extra: Any) -> dict[str, Any]:
        message = self._message(text=text, **extra)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(command.encode("utf-16-le")) // 2}]
        return {"update_id": next(self._update_ids), "message": message}

    def edited_text(self, text: str) -> dict[str, Any]:
        message = self._message(text=text)
        message["edit_date"] = int(time.time())
        return {"update_id": next(self._update_ids), "edited_message": message}

    def sticker(self) -> dict[str, Any]:
        sticker = {"file_id": "stk", "file_unique_id": "stk1", "type": "regular",
                   "width": 512, "height": 512, "is_animated": False, "is_video": False}
        return {"update_id": next(self._update_ids), "message": self._message(sticker=sticker)}

    def photo(self) -> dict[str, Any]:
        photo = [{"file_id": "ph", "file_unique_id": "ph1", "width": 90, "height": 90}]
        return {"update_id": next(self._update_ids), "message": self._message(photo=photo)}

    def voice(self) -> dict[str, Any]:
        voice = {"file_id": "vc", "file_unique_id": "vc1", "duration": 3}
        return {"update_id": next(self._update_ids), "message": self._message(voice=voice)}

    def callback(self, data: str, message_id: int = 1, *, chat_id: int | None = None,
                 message_text: str = "") -> dict[str, Any]:
        message = {"message_id": message_id, "date": int(time.time()),
                   "chat": _chat(self.user_id if chat_id is None else chat_id),
                   "from": BOT_USER, "text": message_text}
        query = {"id": str(next(self._update_ids) + 10**9), "from": self._user(),
                 "chat_instance": "ci", "data": data, "message": message}
        return {"update_id": next(self._update_ids), "callback_query": query}

    def inline_query(self, query: str) -> dict[str, Any]:
        inline = {"id": str(next(self._update_ids) + 2 * 10**9), "from": self._user(),
                  "query": query, "offset": ""}
        return {"update_id": next(self._update_ids), "inline_query": inline}

    def my_chat_member(self, status: str) -> dict[str, Any]:
        """The user blocked (``kicked``) or unblocked (``member``) the bot."""
        return self.bot_in_group(self.user_id, status,
                                 "member" if status == "kicked" else "kicked")

    # --- a class group (issue 14) --------------------------------------------------------
    def poll_answer(self, poll_id: str, option_ids: list[int]) -> dict[str, Any]:
        """This user answered (or, with no options, retracted a vote in) a poll."""
        return {"update_id": next(self._update_ids),
                "poll_answer": {"poll_id": poll_id, "user": self._user(),
                                "option_ids": option_ids,
                                "option_persistent_ids": [str(i) for i in option_ids]}}

    def bot_in_group(self, chat_id: int, status: str, old: str = "member") -> dict[str, Any]:
        """This user changed the bot's membership of a chat (a group, or the private chat
        itself): ``member`` (added), ``left``/``kicked`` (removed), ``restricted``..."""
        member = {"chat": _chat(chat_id), "from": self._user(), "date": int(time.time()),
                  "old_chat_member": {"status": old, "user": BOT_USER},
                  "new_chat_member": {"status": status, "user": BOT_USER}}
        for side in ("old_chat_member", "new_chat_member"):
            if member[side]["status"] == "kicked":
                member[side]["until_date"] = 0
        return {"update_id": next(self._update_ids), "my_chat_member": member}


def to_update(data: dict[str, Any], bot: Any) -> Update:
    return Update.de_json(data, bot)
