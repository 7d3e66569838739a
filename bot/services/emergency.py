"""Emergency numbers per country: the content file, with admins' corrections on top."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.countries import COURSE_COUNTRIES
from bot.course.model import EmergencyNumber
from bot.numerals import ascii_digits
from bot.services.content import ContentService
from bot.store import Store
from bot.store.emergency import Previous
from bot.timeutil import Clock, iso, parse_iso

SERVICES = ("general", "police", "ambulance", "rescue")
_NUMBER = re.compile(r"^[0-9]{2,15}$")


class InvalidCorrection(ValueError):
    """The country, service or number of a correction is not one we accept."""


@dataclass(frozen=True)
class CountryNumbers:
    country: str
    numbers: tuple[EmergencyNumber, ...]
    checked_on: date | None  # the content file's date
    corrected_on: date | None  # the latest admin correction, if any


@dataclass(frozen=True)
class Change:
    country: str
    service: str
    old: Previous
    number: str
    verified: bool


class EmergencyService:
    def __init__(self, store: Store, content: ContentService, clock: Clock):
        self.store = store
        self.content = content
        self.clock = clock

    def _file(self, country: str) -> tuple[EmergencyNumber, ...]:
        emergency = self.content.course.emergency
        return emergency.countries.get(country, ()) if emergency else ()

    def countries(self) -> tuple[str, ...]:
        """The course countries, in their usual order."""
        return COURSE_COUNTRIES

    async def numbers(self, country: str) -> CountryNumbers | None:
        """The numbers of a course country (corrections win), or None for any other code."""
        if country not in COURSE_COUNTRIES:
            return None
        emergency = self.content.course.emergency
        merged = {n.service: n for n in self._file(country)}
        overrides = await self.store.emergency.overrides(country)
        for o in overrides:
            merged[o.service] = EmergencyNumber(o.service, o.number, o.verified)
        ordered = tuple(merged[s] for s in SERVICES if s in merged)
        corrected = max((parse_iso(o.updated_at) for o in overrides), default=None)
        return CountryNumbers(country, ordered, emergency.checked_on if emergency else None,
                              corrected.date() if corrected else None)

    async def correct(self, admin_id: int, country: str, service: str, number: str,
                      verified: bool = True) -> Change:
        """Store an admin's correction with its audit row. The caller checked the role."""
        country, service = country.upper(), service.lower()
        number = ascii_digits(number)  # an admin may type ۱۱۲ or ١١٢: stored as 112
        if country not in COURSE_COUNTRIES or service not in SERVICES or \
                not _NUMBER.match(number):
            raise InvalidCorrection(f"{country} {service} {number}")
        in_file = next((n for n in self._file(country) if n.service == service), None)
        file_value = Previous(in_file.number, in_file.verified) if in_file else \
            Previous(None, None)
        old = await self.store.emergency.set(country, service, number, verified, admin_id,
                                             iso(self.clock()), file_value)
        return Change(country, service, old, number, verified)
