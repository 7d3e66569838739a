"""Languages: gettext catalogs per locale, plural rules and formatting from babel, RTL helpers.

The UI catalogs live in ``locales/<locale>/LC_MESSAGES/messages.po``. They are compiled in
memory at start-up (fuzzy entries are skipped, as ``msgfmt`` would), so a checkout works with
no compile step. Messages are whole sentences with named ``{placeholders}``; the translator
formats them, HTML-escapes the values and, in right-to-left locales, wraps each value in a
Unicode isolate so that numbers and Latin words keep their place (``bot.bidi``).

Numbers, dates and times are written in the locale's own digits where CLDR's default
numbering system for the locale says so (``arabext``, ۰۱۲۳۴۵۶۷۸۹, for fa, fa_AF and ps; Latin
digits for ur and the others), by ``number``, ``percent``, ``date``, ``clock`` and ``digits``:
babel localises the separators but not the digits themselves. Dates use CLDR's ``long``
format (full month names) everywhere.
"""

from __future__ import annotations

import gettext as _gettext
import html
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from bot import bidi

SOURCE_LOCALE = "en"
SUPPORTED_LOCALES: tuple[str, ...] = (
    "en", "ru", "fa", "fa_AF", "ps", "ur", "kk", "ky", "tg", "tk", "uz",
)
RTL_LOCALES = frozenset({"fa", "fa_AF", "ps", "ur"})

#: Each language under its own name, in its own script.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "ru": "Русский",
    "fa": "فارسی",
    "fa_AF": "دری",
    "ps": "پښتو",
    "ur": "اردو",
    "kk": "Қазақша",
    "ky": "Кыргызча",
    "tg": "Тоҷикӣ",
    "tk": "Türkmençe",
    "uz": "Oʻzbekcha",
}

FSI, PDI = bidi.FSI, bidi.PDI
DOMAIN = "messages"
#: The digits of CLDR's numbering systems that our locales use by default.
DIGITS = {"latn": "0123456789", "arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


def locale_from_telegram(language_code: str | None) -> str | None:
    """Map Telegram's IETF ``language_code`` (``fa-AF``, ``uz``, ``prs``...) to one of ours."""
    if not language_code:
        return None
    code = language_code.strip().replace("_", "-").lower()
    if code in ("fa-af", "prs"):
        return "fa_AF"
    primary = code.split("-", 1)[0]
    if primary == "pbt" or primary == "pbu":
        return "ps"
    return primary if primary in SUPPORTED_LOCALES else None


class Html(str):
    """A value that is already safe HTML and must not be escaped again."""


def _babel_locale(locale: str) -> Locale:
    return Locale.parse("uz_Latn" if locale == "uz" else locale)


def numbering_system(locale: str) -> str:
    """CLDR's default numbering system of ``locale`` (``arabext`` for fa, fa_AF and ps)."""
    return _babel_locale(locale).default_numbering_system


def native_digits(locale: str) -> str:
    """The ten digits ``locale`` writes numbers with."""
    return DIGITS.get(numbering_system(locale), DIGITS["latn"])


@dataclass(frozen=True)
class Translator:
    """Everything a handler needs to speak one locale."""

    locale: str
    _catalog: _gettext.NullTranslations
    _babel: Locale

    @property
    def is_rtl(self) -> bool:
        return self.locale in RTL_LOCALES

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES[self.locale]

    def _fmt(self, message: str, escape: bool, values: dict[str, object]) -> str:
        if not values:
            return message
        joined = bidi.joined_placeholders(message) if self.is_rtl else []
        out: dict[str, str] = {}
        for key, value in values.items():
            if isinstance(value, bool):
                text = str(value)
            elif isinstance(value, int | float):
                text = self.number(value)
            else:
                text = str(value)
            if escape and not isinstance(value, Html):
                text = html.escape(text, quote=False)
            out[key] = text
        for run, name in joined:  # {done}/{total}: one value, one isolate
            try:
                out[name] = run.format(**out)
            except (KeyError, IndexError):
                continue
            message = message.replace(run, "{" + name + "}")
        for key, value in values.items():
            if not isinstance(value, Html) and key in out:
                out[key] = self.isolate(out[key])
        for _, name in joined:
            if name in out:
                out[name] = self.isolate(out[name])
        return message.format(**out)

    def isolate(self, text: str) -> str:
        """An interpolated value inside right-to-left text: each line in an isolate, LRI
        for left-to-right or neutral text, RLI for right-to-left text; a right-to-left
        sentence is left as it is (``bot.bidi.isolate``). Unchanged in other locales."""
        return bidi.isolate(text) if self.is_rtl and text else text

    def layout(self, text: str) -> str:
        """A whole message as it is sent: in right-to-left locales, every line that holds
        right-to-left text starts right to left (``bot.bidi.rtl_lines``)."""
        return bidi.rtl_lines(text) if self.is_rtl else text

    def arrow(self, text: str) -> str:
        """Arrows in code-built labels point the reader's way (▶ becomes ◀ in RTL)."""
        return bidi.mirror_arrows(text) if self.is_rtl else text

    def digits(self, text: str) -> str:
        """``text`` with its ASCII digits written in the locale's own digits."""
        native = native_digits(self.locale)
        return text if native == DIGITS["latn"] else text.translate(
            str.maketrans(DIGITS["latn"], native))

    def _(self, message: str, **values: object) -> str:
        """Translate an HTML message and format its named placeholders (values escaped)."""
        return self._fmt(self._catalog.gettext(message), True, values)

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """Translate with the locale's plural rules; ``n`` is also available as ``{n}``."""
        values.setdefault("n", n)
        return self._fmt(self._catalog.ngettext(singular, plural, n), True, values)

    def label(self, message: str, **values: object) -> str:
        """Translate plain text (button labels, alerts): placeholders are not HTML-escaped."""
        return self._fmt(self._catalog.gettext(message), False, values)

    def nlabel(self, singular: str, plural: str, n: int, **values: object) -> str:
        values.setdefault("n", n)
        return self._fmt(self._catalog.ngettext(singular, plural, n), False, values)

    def number(self, value: float) -> str:
        return self.digits(format_decimal(value, locale=self._babel,
                                          numbering_system="default"))

    def percent(self, value: float) -> str:
        return self.digits(format_percent(value, locale=self._babel,
                                          numbering_system="default"))

    def date(self, value: date, fmt: str = "long") -> str:
        return self.digits(format_date(value, format=fmt, locale=self._babel))

    def time(self, value: time | datetime, fmt: str = "short") -> str:
        return self.digits(format_time(value, format=fmt, locale=self._babel))

    def clock(self, value: time | str) -> str:
        """A time of day as ``HH:MM`` (24 hours) in the locale's digits: ``۰۸:۳۰``."""
        text = value if isinstance(value, str) else value.strftime("%H:%M")
        return self.digits(text)

    def datetime(self, value: datetime, fmt: str = "long") -> str:
        return self.digits(format_datetime(value, format=fmt, locale=self._babel))


def compile_po(po_path: Path, locale: str) -> _gettext.GNUTranslations:
    """Compile a .po file in memory, skipping fuzzy (stale) entries."""
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=_babel_locale(locale), domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


class Catalogs:
    """The translators of every supported locale, loaded once."""

    def __init__(self, translators: dict[str, Translator]):
        self._translators = translators

    @classmethod
    def load(cls, locales_dir: Path, locales: Iterable[str] = SUPPORTED_LOCALES,
             domain: str = DOMAIN) -> Catalogs:
        translators: dict[str, Translator] = {}
        for locale in locales:
            po = locales_dir / locale / "LC_MESSAGES" / f"{domain}.po"
            catalog: _gettext.NullTranslations
            if locale != SOURCE_LOCALE and po.is_file():
                catalog = compile_po(po, locale)
            else:
                catalog = _gettext.NullTranslations()
            translators[locale] = Translator(locale, catalog, _babel_locale(locale))
        return cls(translators)

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(self._translators)

    def get(self, locale: str | None) -> Translator:
        return self._translators.get(locale or SOURCE_LOCALE) or self._translators[SOURCE_LOCALE]
