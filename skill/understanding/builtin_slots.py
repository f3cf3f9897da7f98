"""Alexa's built-in DATE, TIME and DURATION slot types, for the local ways in only.

On a device Alexa turns "yesterday at three" into "2026-11-26" and "03:00"; here a
small grammar does the same, so `aftercare chat` and the tests send the values a
real request would carry.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen twenty").split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()

NUMBER = (r"(?:a couple of|a few|a|an|half an|half a|\d+|(?:twenty|thirty|forty|fifty)(?: \w+)?|"
          + "|".join(_SMALL[1:]) + ")")
HOUR = r"(?:\d{1,2}|" + "|".join(_SMALL[1:13]) + ")"
MINUTE = r"(?:o'clock|oh \w+|\d{2}|fifteen|thirty|forty five|forty|fifty|twenty|ten|five)"
MERIDIEM = r"(?:am|pm|a m|p m|in the morning|in the afternoon|in the evening|at night)"

PATTERNS = {
    "AMAZON.DURATION": (rf"{NUMBER}(?: and a half)? (?:minutes?|hours?|days?)|an hour and a half|"
                        r"half an hour|an hour or so|a couple (?:hours|days)"),
    "AMAZON.DATE": (r"today|yesterday|the day before yesterday|tomorrow|(?:last |this past |on )?(?:"
                    + "|".join(_WEEKDAYS) + ")"),
    "AMAZON.TIME": (rf"morning|afternoon|evening|night|noon|midday|lunchtime|lunch time|"
                    rf"{HOUR}(?: {MINUTE})?(?: {MERIDIEM})?"),
}
# For the fuzzy match's slot tokens: a bare number is no time ("can I take two advil").
FUZZY_PATTERNS = {**PATTERNS, "AMAZON.TIME": (
    rf"morning|afternoon|evening|night|noon|midday|lunchtime|lunch time|"
    rf"{HOUR} {MERIDIEM}|{HOUR} (?:o'clock|thirty|fifteen|forty five)(?: {MERIDIEM})?")}
_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
          "noon": "12:00", "midday": "12:00", "lunchtime": "12:00", "lunch time": "12:00"}


def _number(words: str) -> float:
    words = words.strip()
    if words.isdigit():
        return float(words)
    if words in ("a", "an", "one"):
        return 1
    if words.startswith("half"):
        return 0.5
    if words == "a couple of":
        return 2
    if words == "a few":
        return 3
    parts = words.split()
    if parts[0] in _TENS:
        return _TENS[parts[0]] + (_SMALL.index(parts[1]) if len(parts) > 1 and parts[1] in _SMALL else 0)
    return float(_SMALL.index(words))


def duration_value(said: str) -> str:
    said = said.strip()
    if said == "half an hour":
        return "PT30M"
    if said == "an hour and a half":
        return "PT1H30M"
    if said == "an hour or so":
        return "PT1H"
    if said.startswith("a couple ") and not said.startswith("a couple of "):
        said = "a couple of " + said[len("a couple "):]
    m = re.fullmatch(rf"({NUMBER})( and a half)? (minute|hour|day)s?", said)
    amount = _number(m.group(1)) + (0.5 if m.group(2) else 0)
    unit = m.group(3)
    if unit == "day":
        return f"P{amount:g}D"
    if unit == "hour" and amount != int(amount):
        return f"PT{int(amount)}H{int((amount % 1) * 60)}M"
    return f"PT{amount:g}{'H' if unit == 'hour' else 'M'}"


def date_value(said: str, today: date) -> str:
    said = said.strip()
    if said == "today":
        return today.isoformat()
    if said == "yesterday":
        return (today - timedelta(days=1)).isoformat()
    if said == "tomorrow":
        return (today + timedelta(days=1)).isoformat()
    if said == "the day before yesterday":
        return (today - timedelta(days=2)).isoformat()
    words = [w for w in said.split() if w != "on"]
    weekday = _WEEKDAYS.index(words[-1])
    if words[0] in ("last", "this"):  # "last monday", "this past monday": the one before today
        back = (today.weekday() - weekday) % 7 or 7
        return (today - timedelta(days=back)).isoformat()
    # Alexa resolves a bare weekday to the coming one (today included).
    return (today + timedelta(days=(weekday - today.weekday()) % 7)).isoformat()


def time_value(said: str) -> str:
    said = said.strip()
    if said in _PARTS:
        return _PARTS[said]
    m = re.fullmatch(rf"({HOUR})(?: ({MINUTE}))?(?: ({MERIDIEM}))?", said)
    hour = int(_number(m.group(1)))
    minute_words = m.group(2) or "o'clock"
    if minute_words == "o'clock":
        minute = 0
    elif minute_words.startswith("oh "):
        minute = int(_number(minute_words[3:]))
    else:
        minute = int(_number(minute_words)) if not minute_words.isdigit() else int(minute_words)
    meridiem = (m.group(3) or "").replace(" ", "")
    if meridiem in ("pm", "intheafternoon", "intheevening", "atnight") and hour < 12:
        hour += 12
    if meridiem in ("am", "inthemorning") and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


def alexa_value(slot_type: str, said: str, today: date) -> str:
    if slot_type == "AMAZON.DURATION":
        return duration_value(said)
    if slot_type == "AMAZON.DATE":
        return date_value(said, today)
    if slot_type == "AMAZON.TIME":
        return time_value(said)
    return said
