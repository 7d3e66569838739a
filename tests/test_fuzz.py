"""Hypothesis feeds arbitrary text, commands and callback data: no unhandled exception."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from bot.ui import callbacks as cb

_user_ids = itertools.count(30000)  # one fresh officer per example: the database persists
FUZZ = hsettings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])

ours = st.sampled_from(["lang", "cty", "priv", "forget", "menu", "l", "q", "r"])
callback_data = st.one_of(
    st.text(max_size=80),
    st.builds(lambda p, rest: f"{p}:{rest}", ours, st.text(max_size=60)),
    st.builds(lambda p, a, b: f"{p}:{a}:{b}", ours, st.text(max_size=20), st.integers()),
)
commands = st.builds(lambda name, args: f"/{name} {args}",
                     st.from_regex(r"[a-z_]{1,20}", fullmatch=True), st.text(max_size=50))


@FUZZ
@given(text=st.one_of(st.text(min_size=1, max_size=300), commands))
async def test_any_text_or_command_is_answered(chat_factory, errors, text):
    chat = chat_factory(next(_user_ids))
    await chat.send("/start")
    await chat.send(text)
    assert chat.replies(), f"no answer to {text!r}"
    assert errors == []


@FUZZ
@given(data=callback_data)
async def test_any_callback_data_is_answered(chat_factory, errors, data):
    chat = chat_factory(next(_user_ids))
    await chat.onboard()
    await chat.press_data(data)
    assert chat.answered_callback() is not None, f"spinner left for {data!r}"
    assert errors == []


@given(values=st.lists(st.from_regex(r"[A-Za-z0-9_.\-]{1,12}", fullmatch=True),
                       min_size=1, max_size=1))
def test_codec_round_trips(values):
    data = cb.LANG.pack(locale=values[0])
    assert cb.LANG.unpack(data) == {"locale": values[0]}
    assert len(data.encode()) <= cb.MAX_BYTES


@given(data=st.text(max_size=100))
def test_codec_never_raises_on_unpack(data):
    for route in cb.ROUTES:
        result = route.unpack(data)
        assert result is None or route.pack(**result) == data
