"""A fake Bot API that behaves like Telegram under load: latency, and the flood limits.

``LimitedFakeBotAPI`` is the in-process ``FakeBotAPI`` plus:

* ``latency``: each call takes this long (seconds, with ``jitter`` added at random), the way
  a real round trip to Telegram does; several calls can be in flight at once;
* ``rate``: messages a second allowed overall (a token bucket holding one second's worth, as
  Telegram's "about 30 a second" is usually modelled); a message over it is answered 429
  with ``retry_after`` = 1, and so is a message to a private chat beyond one per
  ``chat_interval`` seconds on average (a bucket of ``chat_burst``: a reply of two messages,
  or an officer tapping twice, is a short burst Telegram tolerates);
* ``sprinkle_429``: the chance that any message is answered 429 anyway (Telegram does that
  now and then, whatever the rate).

It counts every message it delivered per chat, so that a benchmark or a crash test can check
that no recipient was lost and none got a message twice. Used by ``bench/`` and the tests.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from telegram.request import RequestData

from bot.sandbox import MESSAGE_METHODS, Call, FakeBotAPI, _as_int


@dataclass
class LimitedFakeBotAPI(FakeBotAPI):
    latency: float = 0.0
    jitter: float = 0.0
    rate: float = 0.0  # 0: no overall limit
    chat_interval: float = 0.0  # 0: no per-chat limit
    chat_burst: float = 3.0
    sprinkle_429: float = 0.0
    seed: int = 1
    delivered: Counter = field(default_factory=Counter)  # chat id -> messages delivered
    refused: int = 0  # answered 429 for going over a limit
    refused_overall: int = 0  # ... the overall one
    refused_chats: Counter = field(default_factory=Counter)  # ... one chat's, per chat
    sprinkled: int = 0  # answered 429 at random
    _tokens: float = 0.0
    _stamp: float | None = None
    _chat_tokens: dict[int, tuple[float, float]] = field(default_factory=dict)  # (tokens, at)
    _random: random.Random | None = None

    def _over_limit(self, chat_id: int, now: float) -> bool:
        if self.rate:
            if self._stamp is None:
                self._tokens = self.rate
            else:
                self._tokens = min(self.rate, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens < 1.0:
                self.refused_overall += 1
                return True
        chat_tokens = self.chat_burst
        if self.chat_interval and chat_id > 0:
            tokens, at = self._chat_tokens.get(chat_id, (self.chat_burst, now))
            chat_tokens = min(self.chat_burst, tokens + (now - at) / self.chat_interval)
            if chat_tokens < 0.999:
                self.refused_chats[chat_id] += 1
                return True
            self._chat_tokens[chat_id] = (chat_tokens - 1.0, now)
        if self.rate:
            self._tokens -= 1.0
        return False

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if self._random is None:
            self._random = random.Random(self.seed)
        api_method = url.rsplit("/", 1)[-1]
        if api_method in MESSAGE_METHODS:
            params = dict(request_data.parameters) if request_data else {}
            chat_id = _as_int(params.get("chat_id"))
            now = asyncio.get_running_loop().time()
            sprinkled = self.sprinkle_429 and self._random.random() < self.sprinkle_429
            if sprinkled or self._over_limit(chat_id, now):
                if sprinkled:
                    self.sprinkled += 1
                else:
                    self.refused += 1
                await self._wait()
                call = Call(api_method, params, error="Too Many Requests: retry after 1")
                self._record(call)
                return 429, json.dumps({"ok": False, "error_code": 429, "description":
                                        "Too Many Requests: retry after 1",
                                        "parameters": {"retry_after": 1}}).encode()
        await self._wait()
        code, body = await super().do_request(url, method, request_data, *args, **kwargs)
        if api_method in MESSAGE_METHODS and code == 200:
            self.delivered[_as_int(dict(request_data.parameters).get("chat_id"))] += 1
        return code, body

    async def _wait(self) -> None:
        delay = self.latency + (self._random.random() * self.jitter if self.jitter else 0.0)
        if delay > 0:
            await asyncio.sleep(delay)
