"""Logging that never prints a secret nor what an officer typed, their name or their user id.

Three layers, all process-wide (logging itself is process-wide: one bot per process):

* ``PrivateRecords``, a log-record factory (``logging.setLogRecordFactory``), sees every
  record any library creates, before any handler or filter. Records of our own code (the
  ``bot`` loggers) are trusted: they never pass text, names or raw ids (ids go through
  ``pseudonym``), and tests/test_privacy.py holds them to it. Records of other libraries have
  their arguments replaced by ``[hidden]``, unless their message format is listed in
  ``_SAFE_FORMATS`` as carrying no officer data: PTB logs whole updates and every Bot API
  call's parameters at DEBUG ("Processing update %s", "Calling Bot API endpoint `%s` with
  parameters `%s`"), its webhook handler the body it received, and aiosqlite every queued
  function with its SQL parameters ("executing %s"). The record's message is rendered once,
  with the masks, so a handler added later (an error tracker) sees only the safe text.
* ``RedactSecrets``, on the stream handler, removes the bot token, the webhook secret and
  anything shaped like a token from the message and the formatted traceback.
* ``pseudonym`` turns a user id that must be logged into ``u`` and 12 hex digits: a keyed hash
  (HMAC-SHA256). The key is derived from the bot token, so it is per install, is stored
  nowhere new (not in the database, whose rows hold the raw ids, nor with the logs), and is
  known only to whoever already holds the token; ``python -m bot pseudonym <user id>`` gives an
  operator the pseudonym to look for when an officer reports a problem. Without a key (demo,
  tests) a random per-process key is used. A new token (after a revocation) starts new
  pseudonyms: log lines from before it can no longer be tied to an officer, which is fine.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import Any

#: A bot token, also inside a URL (``.../bot123456:AA...``, where ``\b`` would not match).
_TOKEN_SHAPE = re.compile(r"(?<![0-9])\d{6,12}:[A-Za-z0-9_-]{30,}")

#: Loggers whose records are our own code's: trusted, and checked by tests/test_privacy.py.
OWN_LOGGERS = ("bot", "__main__")
MASK = "[hidden]"


class RedactSecrets(logging.Filter):
    """Replace known secrets, and anything shaped like a bot token, with ``***``."""

    def __init__(self, secrets: Iterable[str]):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return _TOKEN_SHAPE.sub("***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.redact(message), None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        record.exc_info = None if record.exc_text else record.exc_info
        return True


# --- pseudonyms ------------------------------------------------------------------------------
_PSEUDONYM_LABEL = b"toolkit-companion/log-pseudonyms/v1"
_pseudonym_key = secrets.token_bytes(32)


def set_pseudonym_key(token: str) -> None:
    """Derive the pseudonym key from the bot token (see the module's docstring)."""
    global _pseudonym_key
    if token:
        _pseudonym_key = hmac.new(token.encode(), _PSEUDONYM_LABEL, hashlib.sha256).digest()


def pseudonym(user_id: int) -> str:
    """What a log line says instead of a Telegram user id: stable per install, not reversible
    without the key (user ids are few enough to try them all against an unkeyed hash)."""
    digest = hmac.new(_pseudonym_key, f"user:{int(user_id)}".encode(), hashlib.sha256)
    return "u" + digest.hexdigest()[:12]


def keyed_digest(text: str) -> bytes:
    """The install's keyed hash (the pseudonyms' key) of ``text``: for ids stored in place of
    a Telegram id, which an unkeyed hash would not hide (every id can be tried)."""
    return hmac.new(_pseudonym_key, text.encode(), hashlib.sha256).digest()


def pseudonyms(user_ids: Iterable[int]) -> list[str]:
    """``pseudonym`` of many ids at once (an export of 100,000 officers): the keyed hash's
    state after the key is computed once and copied for each id."""
    keyed = hmac.new(_pseudonym_key, digestmod=hashlib.sha256)
    out = []
    for user_id in user_ids:
        digest = keyed.copy()
        digest.update(f"user:{int(user_id)}".encode())
        out.append("u" + digest.hexdigest()[:12])
    return out


def private_traceback(error: BaseException) -> str:
    """A traceback whose exception messages are left out: a message can quote the input that
    caused it (``invalid literal for int(): 'what the officer typed'``). The frames, the
    exception types and the chain are enough to find the bug."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts.append("".join(traceback.format_tb(current.__traceback__))
                     + f"{type(current).__module__}.{type(current).__qualname__}: {MASK}\n")
        current = current.__cause__ or (None if current.__suppress_context__
                                        else current.__context__)
    return "Traceback (most recent call last, causes first):\n" + "".join(reversed(parts))


# --- third-party records ---------------------------------------------------------------------
def _update_id(update: Any) -> str:
    return str(getattr(update, "update_id", MASK))


_ALL = None
Keep = tuple[bool | Callable[[Any], str], ...] | None

#: Formats of other libraries' records whose arguments hold no officer data, and which of the
#: arguments to keep (``True``), mask (``False``) or summarise (a function); ``_ALL``: all.
#: Secrets in them (the token in a URL) are removed by ``RedactSecrets`` and by the factory.
_SAFE_FORMATS: dict[str, Keep] = {
    # PTB's Bot: the endpoint is safe, its parameters and results are officers' data
    "Calling Bot API endpoint `%s` with parameters `%s`": (True, False),
    "Call to Bot API endpoint `%s` finished with return value `%s`": (True, False),
    "Passing request through rate limiter of type %s with rate_limit_args %s": (True, False),
    "Getting updates: %s": _ALL,  # update ids
    "Set Bot API URL: %s": _ALL,  # holds the token: redacted
    "Set Bot API File URL: %s": _ALL,
    # PTB's Application and webhook server
    "Processing update %s": (_update_id,),
    "Received Update with ID %d on Webhook": _ALL,
    # PTB's network retry loop: a description and an exception's text (network, Telegram)
    "%s Starting": _ALL,
    "%s Cancelled": _ALL,
    "%s Action succeeded. Stopping loop.": _ALL,
    "%s Failed run number %s of %s. Retrying.": _ALL,
    "%s Failed run number %s of %s. Aborting.": _ALL,
    "%s Invalid token. Aborting retry loop.": _ALL,
    # httpx: method, URL (the token in it is redacted), HTTP version, status
    'HTTP Request: %s %s "%s %d %s"': _ALL,
}
#: Libraries that never see officer data: job names and times, the webhook's access log.
_SAFE_LOGGERS = ("apscheduler", "tornado.access")

_SPEC = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[#0\- +]*\d*(?:\.\d+)?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])")


def _is_under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _render(msg: str, args: Any, keep: Keep) -> str:
    """``msg % args`` with the arguments that ``keep`` does not keep replaced by ``MASK``."""
    position = 0

    def one(match: re.Match) -> str:
        nonlocal position
        if match["conv"] == "%":
            return "%"
        key = match["key"]
        if key is not None:
            value, rule = args[key], keep is _ALL
            spec = "%" + match.group(0)[len(key) + 3:]
        else:
            value = args if isinstance(args, Mapping) else args[position]
            rule = True if keep is _ALL else (keep[position] if position < len(keep) else False)
            spec = match.group(0)
            position += 1
        if rule is False:
            return MASK
        if rule is not True:
            return rule(value)
        try:
            return spec % (value,)
        except (TypeError, ValueError):
            return str(value)

    try:
        return _SPEC.sub(one, msg)
    except (IndexError, KeyError, TypeError):
        return f"{msg} {MASK}"


class PrivateRecords:
    """The log-record factory: wraps the previous one and masks other libraries' arguments
    (see the module's docstring). Install with ``install_private_records``."""

    def __init__(self, previous: Callable[..., logging.LogRecord], secrets: Iterable[str] = ()):
        self.previous = previous
        self.redact = RedactSecrets(secrets).redact

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        own = _is_under(record.name, OWN_LOGGERS)
        if own or _is_under(record.name, _SAFE_LOGGERS):
            try:
                message = record.getMessage()
            except Exception:  # a faulty log call must not break the code that made it
                message = f"{record.msg} {MASK}"
        elif not record.args:
            message = str(record.msg)
        else:
            msg = str(record.msg)
            message = _render(msg, record.args, _SAFE_FORMATS.get(msg, ()))
        record.msg, record.args = self.redact(message), ()
        return record


def install_private_records(secrets: Iterable[str] = ()) -> PrivateRecords:
    """Make every log record private from now on (idempotent: a second call replaces the
    first, keeping the factory it wrapped). Returns the factory, whose ``previous`` restores."""
    current = logging.getLogRecordFactory()
    previous = current.previous if isinstance(current, PrivateRecords) else current
    factory = PrivateRecords(previous, secrets)
    logging.setLogRecordFactory(factory)
    return factory


class _ReportedByTheCaller(logging.Filter):
    """PTB's retry loop logs the exception it gives up on with its traceback, then raises it:
    ``bot.run`` turns that exception into one sentence for the operator, so the traceback
    is dropped here (the record's one line stays)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "Aborting" in str(record.msg):
            record.exc_info, record.exc_text = None, None
        return True


def setup_logging(level: str, secrets: Iterable[str], *, pseudonym_key: str = "") -> None:
    secrets = tuple(secrets)
    set_pseudonym_key(pseudonym_key)
    install_private_records(secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    network_loop = logging.getLogger("telegram.ext")  # PTB's _utils modules log here
    if not any(isinstance(f, _ReportedByTheCaller) for f in network_loop.filters):
        network_loop.addFilter(_ReportedByTheCaller())
