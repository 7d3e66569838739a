"""Daily reminders in the officer's local time, never inside quiet hours.

State lives in SQLite (``reminders.next_at``): one JobQueue job ticks every minute and, for
each reminder whose time has come, moves it to its next time and queues its message in the
outbox in one transaction; the outbox sender delivers it within Telegram's limits, retrying
passing failures. Nothing depends on in-memory jobs, so a restart neither loses a reminder
(one missed while the bot was down is queued on start-up, unless it is too late or inside
quiet hours) nor sends one twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.numerals import read_time
from bot.store import Store
from bot.store.outbox import NewMessage
from bot.store.reminders import Claim, Reminder
from bot.timeutil import Clock, iso, parse_iso

DEFAULT_TIME = "09:00"
QUIET_START, QUIET_END = time(21, 0), time(7, 0)  # no reminder from 21:00 to 07:00 local
#: The first and last minute a reminder may be set to: exactly what ``in_quiet_hours`` allows.
FIRST_ALLOWED = QUIET_END
LAST_ALLOWED = (datetime.combine(date.min, QUIET_START) - timedelta(minutes=1)).time()
LATE_LIMIT = timedelta(hours=3)  # a reminder later than this is skipped, not sent late
PRESET_TIMES = ("07:30", "09:00", "12:00", "17:00", "19:00")
REMINDER_KIND = "reminder"  # the outbox kind of daily reminders

COUNTRY_TIMEZONES = {
    "AF": "Asia/Kabul", "IR": "Asia/Tehran", "KZ": "Asia/Almaty", "KG": "Asia/Bishkek",
    "PK": "Asia/Karachi", "TJ": "Asia/Dushanbe", "TM": "Asia/Ashgabat", "UZ": "Asia/Tashkent",
}
#: Zones an officer can choose from (the course countries', and UTC).
TIMEZONES = (*COUNTRY_TIMEZONES.values(), "UTC")



def parse_time(text: str) -> str | None:
    """``8:30``, ``08.30``, ``0830``, ``8h30``, ``9``, ``9am``, ``۹:۳۰`` -> ``HH:MM``; ``None``
    when it is not a time (``bot.numerals.read_time``)."""
    parsed = read_time(text)
    return None if parsed is None else f"{parsed[0]:02d}:{parsed[1]:02d}"


def in_quiet_hours(local: time) -> bool:
    return local >= QUIET_START or local < QUIET_END


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def timezone_for_country(country: str | None) -> str:
    return COUNTRY_TIMEZONES.get(country or "", "UTC")


def next_occurrence(local_time: str, tz_name: str, after: datetime) -> datetime:
    """The first moment strictly after ``after`` when it is ``local_time`` in the zone."""
    hours, minutes = (int(x) for x in local_time.split(":"))
    tz = zone(tz_name)
    local_after = after.astimezone(tz)
    candidate = local_after.replace(hour=hours, minute=minutes, second=0, microsecond=0)
    if candidate <= local_after:
        candidate = (local_after + timedelta(days=1)).replace(
            hour=hours, minute=minutes, second=0, microsecond=0)
    return candidate.astimezone(ZoneInfo("UTC"))


@dataclass(frozen=True)
class SetResult:
    status: str  # "ok" | "unparsed" | "quiet"
    reminder: Reminder | None = None


class ReminderService:
    def __init__(self, store: Store, clock: Clock):
        self.store = store
        self.clock = clock

    async def get_or_default(self, user_id: int, country: str | None) -> Reminder:
        reminder = await self.store.reminders.get(user_id)
        if reminder is None:
            tz = timezone_for_country(country)
            return Reminder(user_id, False, DEFAULT_TIME, tz,
                            iso(next_occurrence(DEFAULT_TIME, tz, self.clock())), None)
        return reminder

    async def ensure(self, user_id: int, country: str | None) -> Reminder:
        """A new officer gets a daily reminder at the default time in the country's zone."""
        tz = timezone_for_country(country)
        return await self.store.reminders.insert_missing(
            user_id, enabled=True, local_time=DEFAULT_TIME, timezone=tz,
            next_at=iso(next_occurrence(DEFAULT_TIME, tz, self.clock())))

    async def _save(self, user_id: int, enabled: bool, local_time: str, tz: str) -> Reminder:
        next_at = next_occurrence(local_time, tz, self.clock())
        return await self.store.reminders.upsert(user_id, enabled=enabled, local_time=local_time,
                                                 timezone=tz, next_at=iso(next_at))

    async def set_time(self, user_id: int, country: str | None, text: str) -> SetResult:
        local_time = parse_time(text)
        if local_time is None:
            return SetResult("unparsed")
        hours, minutes = (int(x) for x in local_time.split(":"))
        if in_quiet_hours(time(hours, minutes)):
            return SetResult("quiet")
        current = await self.get_or_default(user_id, country)
        return SetResult("ok", await self._save(user_id, True, local_time, current.timezone))

    async def set_enabled(self, user_id: int, country: str | None, enabled: bool) -> Reminder:
        current = await self.get_or_default(user_id, country)
        return await self._save(user_id, enabled, current.local_time, current.timezone)

    async def set_timezone(self, user_id: int, country: str | None, tz: str) -> Reminder | None:
        if tz not in TIMEZONES:
            return None
        current = await self.get_or_default(user_id, country)
        return await self._save(user_id, current.enabled, current.local_time, tz)

    async def follow_country(self, user_id: int, country: str | None) -> None:
        """The officer changed country: their reminders move to its zone."""
        current = await self.store.reminders.get(user_id)
        if current is not None:
            await self._save(user_id, current.enabled, current.local_time,
                             timezone_for_country(country))

    # --- the ticker ----------------------------------------------------------------------
    async def enqueue_due(self, *, batch: int = 1000, max_batches: int = 1000) -> int:
        """Queue every reminder whose time has come in the outbox, moving each on to its
        next time in the same transaction; returns how many were queued.

        All due reminders are queued at once (in batches of ``batch``), so 10,000 due at
        09:00 are all queued in the 09:00 tick and the outbox sends them at its rate. One
        more than ``LATE_LIMIT`` late, or due inside quiet hours, is skipped to the next day.
        A queued reminder expires (is not sent) ``LATE_LIMIT`` after its time or when quiet
        hours begin, whichever comes first. Its text is written when it is sent.
        """
        now = self.clock()
        queued = 0
        for _ in range(max_batches):
            due = await self.store.reminders.due(iso(now), batch)
            claims = []
            for d in due:
                scheduled = parse_iso(d.next_at)
                skip = now - scheduled > LATE_LIMIT or \
                    in_quiet_hours(now.astimezone(zone(d.timezone)).time())
                quiet_from = next_occurrence(QUIET_START.strftime("%H:%M"), d.timezone, now)
                message = None if skip else NewMessage(
                    REMINDER_KIND, d.chat_id, user_id=d.user_id,
                    expires_at=iso(min(scheduled + LATE_LIMIT, quiet_from)))
                claims.append(Claim(d.user_id, d.next_at,
                                    iso(next_occurrence(d.local_time, d.timezone, now)),
                                    message))
            if claims:
                queued += await self.store.reminders.claim_into_outbox(claims, iso(now))
            if len(due) < batch:
                break
        return queued
