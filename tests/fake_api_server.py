"""A fake Telegram Bot API over real HTTP, for end-to-end tests of ``python -m bot run``.

``FakeApiServer`` listens on 127.0.0.1 (an ephemeral port, never any other address) in a
background thread, using only the standard library. It serves ``/bot<token>/<method>`` the way
PTB's ``HTTPXRequest`` calls it: a POST whose body is form-encoded (PTB's default: strings as
they are, every other value JSON-encoded), multipart (when files are sent) or JSON, and GET
with a query string. It answers:

* ``getMe`` with a bot user whose id is the token's numeric prefix;
* ``getUpdates`` with the queued updates whose ``update_id >= offset``; with none, it
  long-polls up to the requested ``timeout`` (capped at ``FakeApiServer.max_poll_wait``)
  and returns ``[]``;
* ``sendMessage`` / ``editMessageText`` with a Telegram-shaped Message (incrementing
  ``message_id``); everything else (``deleteWebhook``, ``setMyCommands``,
  ``answerCallbackQuery``...) with ``true``.

Every call is recorded (method, decoded params, the token it used, the answer) and a test can
block on :meth:`FakeApiServer.wait_for` until a matching call has arrived.

    with FakeApiServer(token=TOKEN) as api:
        env["TELEGRAM_API_BASE_URL"] = api.base_url
        api.queue_update({...})
        call = api.wait_for(lambda c: c.method == "sendMessage", timeout=10)
"""

from __future__ import annotations

import itertools
import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

HOST = "127.0.0.1"  # only the loopback interface, whatever the caller wants

#: Parameters that PTB sends JSON-encoded inside a form body (objects, arrays, booleans,
#: numbers). Strings such as ``text`` are sent as they are and must not be decoded.
_JSON_PARAMS = frozenset({
    "reply_markup", "entities", "caption_entities", "allowed_updates", "commands", "scope",
    "link_preview_options", "reply_parameters", "media", "results", "options", "menu_button",
    "explanation_entities", "question_entities", "protect_content", "disable_notification",
    "drop_pending_updates", "show_alert", "is_anonymous", "allows_multiple_answers",
    "allow_sending_without_reply", "disable_web_page_preview", "cache_time", "is_personal",
    "chat_id", "message_id", "offset", "limit", "timeout", "user_id", "from_chat_id",
    "reply_to_message_id", "message_thread_id", "max_connections", "correct_option_id",
    "open_period", "close_date", "duration", "width", "height", "latitude", "longitude",
})


@dataclass
class ApiCall:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    token: str
    http_method: str = "POST"
    #: the ``result`` the fake answered with (``None`` until answered, or on an error)
    result: Any = None
    status: int = 200

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def chat_id(self) -> int | None:
        return _as_int(self.params.get("chat_id"))

    @property
    def message_id(self) -> int | None:
        return _as_int(self.params.get("message_id"))

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        if not isinstance(markup, dict):
            return []
        return markup.get("inline_keyboard") or []

    def callback_data(self) -> list[str]:
        return [b.get("callback_data", "") for row in self.buttons for b in row]


@dataclass
class _State:
    lock: threading.Condition = field(default_factory=threading.Condition)
    calls: list[ApiCall] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    last_update_id: int = 0
    message_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    closing: bool = False


class FakeApiServer:
    """The fake Bot API: start it (or use it as a context manager), point the bot at
    :attr:`base_url`, queue updates, and wait for the calls the bot makes."""

    #: the longest a getUpdates long poll is held open, whatever timeout the bot asks for
    max_poll_wait: float = 1.0

    def __init__(self, *, token: str | None = None, bot_username: str = "fake_companion_bot"):
        """``token``: when given, requests made with any other token get 401 Unauthorized."""
        self.expected_token = token
        self.bot_username = bot_username
        self._state = _State()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle ---------------------------------------------------------------------
    def start(self) -> FakeApiServer:
        handler = type("Handler", (_Handler,), {"api": self})
        self._httpd = _Server((HOST, 0), handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="fake-bot-api", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._state.lock:
            self._state.closing = True
            self._state.lock.notify_all()  # release pending long polls
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> FakeApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the fake Bot API is not running")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """What PTB's ``base_url`` (and ``TELEGRAM_API_BASE_URL``) should be: the token is
        appended to it."""
        return f"http://{HOST}:{self.port}/bot"

    # --- what a test does ---------------------------------------------------------------
    def queue_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates; an ``update_id`` is assigned unless present (ids
        must increase, as Telegram's do). Returns the update as queued."""
        with self._state.lock:
            update = dict(update)
            given = _as_int(update.get("update_id"))
            if given is None or given <= self._state.last_update_id:
                given = self._state.last_update_id + 1
            update["update_id"] = self._state.last_update_id = given
            self._state.updates.append(update)
            self._state.lock.notify_all()
            return update

    @property
    def calls(self) -> list[ApiCall]:
        """A snapshot of every call so far, in arrival order."""
        with self._state.lock:
            return list(self._state.calls)

    def of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def tokens_seen(self) -> set[str]:
        return {c.token for c in self.calls}

    def wait_for(self, predicate: Callable[[ApiCall], bool], timeout: float = 5.0, *,
                 since: int = 0) -> ApiCall:
        """Block until a call (the ``since``-th or later) satisfies ``predicate``; return it.

        Raises ``TimeoutError`` listing the methods seen, so a hang becomes a failure."""
        deadline = time.monotonic() + timeout
        seen = since
        with self._state.lock:
            while True:
                for call in self._state.calls[seen:]:
                    if predicate(call):
                        return call
                seen = len(self._state.calls)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    methods = [c.method for c in self._state.calls]
                    raise TimeoutError(f"no matching Bot API call within {timeout} s; "
                                       f"calls so far: {methods}")
                self._state.lock.wait(remaining)

    # --- serving (called from handler threads) ------------------------------------------
    def _handle(self, token: str, method: str, params: dict[str, Any],
                http_method: str) -> tuple[int, dict[str, Any]]:
        call = ApiCall(method, params, token, http_method)
        if self.expected_token is not None and token != self.expected_token:
            call.status = 401
            self._record(call)
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "getUpdates":
            result: Any = self._get_updates(params)
        else:
            result = self._answer(method, params, token)
        with self._state.lock:
            call.result = result
            self._state.calls.append(call)
            self._state.lock.notify_all()
        return 200, {"ok": True, "result": result}

    def _record(self, call: ApiCall) -> None:
        with self._state.lock:
            self._state.calls.append(call)
            self._state.lock.notify_all()

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = _as_int(params.get("offset")) or 0
        limit = min(max(_as_int(params.get("limit")) or 100, 1), 100)
        wait = min(max(float(params.get("timeout") or 0), 0.0), self.max_poll_wait)
        deadline = time.monotonic() + wait
        state = self._state
        with state.lock:
            while True:
                if offset > 0:  # Telegram forgets what the offset confirms
                    state.updates = [u for u in state.updates if u["update_id"] >= offset]
                if state.updates:
                    return [dict(u) for u in state.updates[:limit]]
                remaining = deadline - time.monotonic()
                if remaining <= 0 or state.closing:
                    return []
                state.lock.wait(remaining)

    def _bot_user(self, token: str) -> dict[str, Any]:
        prefix = token.split(":", 1)[0]
        return {"id": int(prefix) if prefix.isdigit() else 1, "is_bot": True,
                "first_name": "Fake Companion", "username": self.bot_username,
                "can_join_groups": False, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    def _answer(self, method: str, params: dict[str, Any], token: str) -> Any:
        if method == "getMe":
            return self._bot_user(token)
        if method == "getMyCommands":
            return []
        if method in ("sendMessage", "editMessageText"):
            if method == "editMessageText" and params.get("inline_message_id"):
                return True
            chat_id = _as_int(params.get("chat_id")) or 0
            now = int(time.time())
            if method == "sendMessage":
                with self._state.lock:
                    message_id = next(self._state.message_ids)
            else:
                message_id = _as_int(params.get("message_id")) or 0
            message: dict[str, Any] = {
                "message_id": message_id, "date": now, "from": self._bot_user(token),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group",
                         "first_name": "Officer"},
                "text": str(params.get("text", "")),
            }
            if method == "editMessageText":
                message["edit_date"] = now
            markup = params.get("reply_markup")
            if isinstance(markup, dict) and markup.get("inline_keyboard"):
                message["reply_markup"] = markup
            return message
        return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the bot went away mid-request (killed, or stopped): not the fake's fault
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    api: FakeApiServer  # set on the subclass made per server
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects of a real server
    timeout = 30  # an idle keep-alive connection ends its thread after this

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the request line holds the token

    def _serve(self) -> None:
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        body = self._read_body()
        if len(parts) != 2 or not parts[0].startswith("bot") or not parts[1]:
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        try:
            params = dict(parse_qsl(url.query, keep_blank_values=True))
            params.update(_decode_body(self.headers.get("Content-Type", ""), body))
        except ValueError as exc:
            self._reply(400, {"ok": False, "error_code": 400,
                              "description": f"Bad Request: {exc}"})
            return
        status, answer = self.api._handle(parts[0][3:], parts[1], params, self.command)
        self._reply(status, answer)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _reply(self, status: int, answer: dict[str, Any]) -> None:
        payload = json.dumps(answer).encode()
        self.send_response(HTTPStatus(status))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _decode_body(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("the JSON body is not an object")
        return data
    if kind == "multipart/form-data":
        return _decode_multipart(content_type, body)
    # application/x-www-form-urlencoded: PTB's default for every call without files
    return {name: _form_value(name, value)
            for name, value in parse_qsl(body.decode(), keep_blank_values=True)}


def _decode_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            params[name] = {"filename": filename, "size": len(payload)}
        else:
            params[name] = _form_value(name, payload.decode())
    return params


def _form_value(name: str, value: str) -> Any:
    if name in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value  # e.g. a chat_id given as "@channel"
    return value


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
