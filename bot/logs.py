"""Logging that never prints a secret: every record is redacted before it is written."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_TOKEN_SHAPE = re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b")


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


def setup_logging(level: str, secrets: Iterable[str]) -> None:
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


class _ReportedByTheCaller(logging.Filter):
    """PTB's retry loop logs the exception it gives up on with its traceback, then raises it:
    ``bot.run`` turns that exception into one sentence for the operator, so the traceback
    is dropped here (the record's one line stays)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "Aborting" in record.getMessage():
            record.exc_info, record.exc_text = None, None
        return True
