"""When was the session? Alexa's DATE, TIME and DURATION slot values -> a moment, and back
to the words a person uses ("about a day and a half").

Pure functions of their inputs (the request's own clock and the device's time zone), so
every edge case is a plain test: midnight, "yesterday" just after midnight, a daylight
saving night, a session that has not happened yet.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import NamedTuple

EARLY, MIDDLE, LATE = "early", "middle", "late"
PHASES = (EARLY, MIDDLE, LATE)
DAY = timedelta(hours=24)

# Alexa's AMAZON.TIME values for parts of the day, and the hour we take each to mean.
PARTS_OF_DAY = {"MO": 9, "AF": 14, "EV": 18, "NI": 20}
# When each part of the day begins: "this morning" said at eight is earlier this morning, not
# nine o'clock still to come; "this afternoon" said at ten has not begun.
PART_STARTS = {"MO": 6, "AF": 12, "EV": 17, "NI": 20}
NIGHT = "NI"
# A date without a time: clinics see patients in the day, so midday is the fairest guess.
DEFAULT_HOUR = 12
# "At three" reaches us as 03:00; nobody is needled at three in the morning.
NIGHT_HOURS_MEANT_AS_AFTERNOON = range(1, 7)

# Compiled on first use by re's own cache, not at import: most requests name no duration, and
# compiling it cost every Lambda cold start a third of a millisecond.
_DURATION = (
    r"^P(?:(?P<weeks>\d+(?:\.\d+)?)W)?(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$")


class NotUnderstood(ValueError):
    """The slot values do not name a moment we can use."""


class InTheFuture(ValueError):
    """The moment named has not happened yet."""


class NotYet(ValueError):
    """A part of today that has not begun ("this afternoon" said in the morning): most likely
    a slip, so the skill asks again rather than guessing yesterday."""


class SessionTime(NamedTuple):  # not a dataclass: a millisecond less of cold start
    at: datetime  # aware, UTC
    date_only: bool = False  # "today" with no time: we know the day, not the hour


def parse_duration(value: str) -> timedelta:
    m = re.match(_DURATION, value or "")
    if not m or not any(m.groupdict().values()):
        raise NotUnderstood(value)
    parts = {k: float(v) for k, v in m.groupdict().items() if v}
    return timedelta(weeks=parts.get("weeks", 0), days=parts.get("days", 0),
                     hours=parts.get("hours", 0), minutes=parts.get("minutes", 0),
                     seconds=parts.get("seconds", 0))


def parse_time(value: str) -> time:
    if value in PARTS_OF_DAY:
        return time(PARTS_OF_DAY[value])
    m = re.match(r"^(\d{1,2}):(\d{2})$", value or "")
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise NotUnderstood(value)
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour in NIGHT_HOURS_MEANT_AS_AFTERNOON:
        hour += 12
    return time(hour, minute)


def parse_date(value: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or ""):
            raise ValueError(value)
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        # Weeks, months, seasons, decades ("2026-W48", "2026-11", "2020X"): too coarse to use.
        raise NotUnderstood(value) from None


def _local(day: date, at: time, zone: tzinfo) -> datetime:
    """Wall-clock time in `zone`, as UTC. fold=0 takes the first of a repeated hour."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(timezone.utc)


def session_moment(now: datetime, zone: tzinfo, date_value: str | None = None,
                   time_value: str | None = None, duration_value: str | None = None) -> SessionTime:
    """The session's start from what the person said, relative to `now` (aware)."""
    now = now.astimezone(timezone.utc)
    if duration_value:
        return SessionTime(now - parse_duration(duration_value))
    if not date_value and not time_value:
        raise NotUnderstood("nothing said")
    today = now.astimezone(zone).date()
    day = parse_date(date_value) if date_value else today
    if day > today:
        # Alexa resolves a bare weekday ("on Monday") to the coming one; a session is past.
        if day - today <= timedelta(days=7) and date_value and not time_value:
            day -= timedelta(days=7)
        else:
            raise InTheFuture(date_value)
    if time_value:
        if time_value == NIGHT and not date_value:
            day = today - timedelta(days=1)  # "last night", said at any hour, even at 11 p.m.
        moment = _local(day, parse_time(time_value), zone)
        if moment > now and time_value in PART_STARTS and day == today:
            start = _local(day, time(PART_STARTS[time_value]), zone)
            if start <= now:
                moment = start  # the part of the day has begun: earlier in it
            elif not date_value:
                raise NotYet(time_value)
        if moment > now and not date_value:
            # "at eight", "last night": the most recent such time, not a future one today.
            moment = _local(day - timedelta(days=1), parse_time(time_value), zone)
        if moment > now:
            raise InTheFuture(time_value)
        return SessionTime(moment)
    if day == today:
        return SessionTime(_local(day, time(0), zone), date_only=True)
    return SessionTime(_local(day, time(DEFAULT_HOUR), zone))


def elapsed(now: datetime, session: SessionTime) -> timedelta:
    return now.astimezone(timezone.utc) - session.at


def phase(since: timedelta) -> str:
    if since < DAY:
        return EARLY
    return MIDDLE if since < 2 * DAY else LATE


_NUMBERS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen twenty twenty-one "
            "twenty-two twenty-three").split()


def _number(n: int) -> str:
    return _NUMBERS[n] if n < len(_NUMBERS) else str(n)


# How each language says each span. Spanish says what follows "Su sesión fue hace", which needs
# no verb to agree with the number ("unas dos horas", "como un día y medio").
_ELAPSED = {
    "en": {"under_a_day": "less than a day", "under_an_hour": "less than an hour",
           "an_hour": "about an hour", "hours": "about {n} hours", "almost_a_day": "almost a day",
           "almost_two_days": "almost two days", "a_day": "about a day",
           "a_day_and_a_half": "about a day and a half", "days": "about {n}{half} days",
           "half": " and a half"},
    "es": {"under_a_day": "menos de un día", "under_an_hour": "menos de una hora",
           "an_hour": "como una hora", "hours": "unas {n} horas", "almost_a_day": "casi un día",
           "almost_two_days": "casi dos días", "a_day": "como un día",
           "a_day_and_a_half": "como un día y medio", "days": "unos {n} días{half}",
           "half": " y medio"},
}


def elapsed_words(since: timedelta, date_only: bool = False, language: str = "en") -> str:
    """How a person says how long ago: "about two hours", "about a day and a half"."""
    said = _ELAPSED.get(language, _ELAPSED["en"])
    hours_said, days_said = ((lambda n: numero(n, feminine=True)), numero) if language == "es" \
        else (_number, _number)
    hours = since.total_seconds() / 3600
    if date_only and hours < 24:
        return said["under_a_day"]
    if hours < 1:
        return said["under_an_hour"]
    if hours < 1.5:
        return said["an_hour"]
    if hours < 23.5:  # the words never cross a phase boundary (24 and 48 hours)
        return said["hours"].format(n=hours_said(round(hours)))
    if hours < 24:
        return said["almost_a_day"]
    if 42 <= hours < 48:
        return said["almost_two_days"]
    days, half = divmod(round(hours / 12), 2)  # counted in half days
    if days == 1:
        return said["a_day_and_a_half"] if half else said["a_day"]
    return said["days"].format(n=days_said(days), half=said["half"] if half else "")


# Feminine for hours ("veintiuna horas"), masculine for days ("veintiún días").
_NUMEROS = ("cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce "
            "quince dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós "
            "veintitrés").split()


def numero(n: int, feminine: bool = False) -> str:
    """A number as said in Spanish before a noun: "veintiuna horas", "veintiún días"."""
    if n >= len(_NUMEROS):
        return str(n)
    word = _NUMEROS[n]
    if word.endswith("uno"):
        word = word[:-1] + "a" if feminine else word[:-3] + ("ún" if n > 1 else "un")
    return word
