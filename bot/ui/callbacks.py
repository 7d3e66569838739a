"""Callback data: a typed codec with short prefixes, checked against Telegram's 64 bytes.

``LANG.pack(locale="ru")`` gives ``"lang:ru"``; ``LANG.unpack("lang:ru")`` gives
``{"locale": "ru"}``, and ``None`` for anything that is not exactly that shape. A handler
still checks the values against the domain (a locale we support, a lesson that exists):
callback data comes from the client and can be stale or forged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
SEP = ":"
_FIELD = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")


class CallbackTooLong(ValueError):
    pass


@dataclass(frozen=True)
class Route:
    prefix: str
    fields: tuple[str, ...] = ()

    @property
    def pattern(self) -> str:
        """A regex for ``CallbackQueryHandler(pattern=...)`` that selects this route."""
        if not self.fields:
            return f"^{re.escape(self.prefix)}$"
        return f"^{re.escape(self.prefix)}{SEP}"

    def pack(self, **values: object) -> str:
        if set(values) != set(self.fields):
            raise TypeError(f"{self.prefix} takes {self.fields}, got {tuple(values)}")
        parts = [self.prefix]
        for name in self.fields:
            text = str(values[name])
            if not _FIELD.match(text):
                raise ValueError(f"{name}={text!r} cannot go into callback data")
            parts.append(text)
        data = SEP.join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise CallbackTooLong(data)
        return data

    def unpack(self, data: str | None) -> dict[str, str] | None:
        if not data or len(data.encode()) > MAX_BYTES:
            return None
        parts = data.split(SEP)
        if parts[0] != self.prefix or len(parts) != len(self.fields) + 1:
            return None
        values = dict(zip(self.fields, parts[1:], strict=True))
        if not all(_FIELD.match(v) for v in values.values()):
            return None
        return values


# Onboarding and settings
LANG = Route("lang", ("locale",))
COUNTRY = Route("cty", ("code",))
PRIVACY_OK = Route("priv")
#: answer: yes | no; since: when the account the prompt was shown to began (``User.since``)
FORGET = Route("forget", ("answer", "since"))
# Main menu entries
MENU = Route("menu", ("item",))  # home | lessons | quiz | reference | settings | ...

# Lessons
MODULE = Route("mod", ("module",))
CARD = Route("les", ("lesson", "card"))  # card is 1-based
DONE = Route("done", ("lesson",))
# Quizzes: p = presentation id, n = its nonce, pos = option position as displayed
QUIZ_LESSON = Route("ql", ("lesson",))
QUIZ_ANSWER = Route("qa", ("p", "n", "pos"))
QUIZ_TOGGLE = Route("qt", ("p", "n", "pos"))
QUIZ_SUBMIT = Route("qs", ("p", "n"))
QUIZ_NEXT = Route("qn", ("s",))
QUIZ_CARD = Route("qc", ("s", "lesson", "card"))  # a lesson card opened from session s
QUIZ_RESTART = Route("qr", ("s",))  # start over instead of continuing session s
# Reminders: action = on | off | a preset time as HHMM; zone = index into TIMEZONES
REMINDER = Route("rem", ("action",))
TIMEZONE = Route("tz", ("zone",))
# Reference: a topic (its module id), a card; emergency numbers of a country code or "me"
REF_TOPIC = Route("rt", ("module",))
REF_CARD = Route("rc", ("card",))
EMERGENCY = Route("em", ("code",))
EMERGENCY_COUNTRY = Route("ecty", ("code",))  # /emergency before onboarding: the country
# Search: another page of the results remembered under key
SEARCH_PAGE = Route("sp", ("key", "page"))

# Trainers and admins: a = action, v = its value ("-" when none), c = cohort, b = broadcast
ROLES = Route("ro", ("a", "v"))
COHORT = Route("co", ("c", "a", "v"))
MY_COHORT = Route("mc", ("c", "a"))  # an officer's own memberships
BROADCAST = Route("bc", ("b", "a", "v"))

ROUTES: tuple[Route, ...] = (LANG, COUNTRY, PRIVACY_OK, FORGET, MENU, MODULE, CARD, DONE,
                             QUIZ_LESSON, QUIZ_ANSWER, QUIZ_TOGGLE, QUIZ_SUBMIT, QUIZ_NEXT,
                             REMINDER, TIMEZONE, REF_TOPIC, REF_CARD, EMERGENCY,
                             QUIZ_CARD, QUIZ_RESTART, EMERGENCY_COUNTRY, SEARCH_PAGE,
                             ROLES, COHORT, MY_COHORT, BROADCAST)

# Reports (issue 12): f = ReportFilter.pack() (bot/services/report_scope.py)
REPORT = Route("rp", ("f",))                  # the report message for filter f
REPORT_SET = Route("rps", ("f", "key"))       # the picker for one filter key (cohort, ...)
REPORT_CHART = Route("rpc", ("kind", "f"))    # a chart as a photo
REPORT_CSV = Route("rpx", ("kind", "f"))      # a CSV export as a document

# Classroom (issue 14): g = the group's chat id, c = cohort, m = module ("-" not chosen yet),
# n = questions (0: not chosen), p = seconds open (0: not chosen), q = class quiz
CLASS_LINK = Route("cgl", ("g", "c"))         # confirm (in private) linking group g to c
CLASS_LANG = Route("cgg", ("g", "loc"))       # the group's language
CLASS_QUIZ = Route("cgq", ("g", "m", "n", "p"))  # set up a class quiz (group or private)
CLASS_REFRESH = Route("cgr", ("q",))          # send refreshers of the missed items
TEACH = Route("cgt", ("m",))                  # /teach: a module's session plan
