"""The countries of the course, named in each officer's language by babel (CLDR)."""

from __future__ import annotations

from babel import Locale

COURSE_COUNTRIES: tuple[str, ...] = ("AF", "IR", "KZ", "KG", "PK", "TJ", "TM", "UZ")
OTHER = "other"

#: The language most officers of each country will look for first (the course brief).
COUNTRY_LOCALES: dict[str, tuple[str, ...]] = {
    "AF": ("fa_AF", "ps"), "IR": ("fa",), "KZ": ("kk", "ru"), "KG": ("ky", "ru"),
    "PK": ("ur", "en"), "TJ": ("tg", "ru"), "TM": ("tk", "ru"), "UZ": ("uz", "ru"),
}


#: Where CLDR's name is not the one the country uses for itself in that language.
_OVERRIDES = {("ru", "KG"): "Кыргызстан"}


def country_name(code: str, locale: str) -> str:
    """The country's name in ``locale`` (babel's CLDR data), or the code if it has none."""
    if (locale, code) in _OVERRIDES:
        return _OVERRIDES[(locale, code)]
    babel_locale = Locale.parse("uz_Latn" if locale == "uz" else locale)
    return babel_locale.territories.get(code, code)


def is_valid(code: str) -> bool:
    return code in COURSE_COUNTRIES or code == OTHER
