"""Drives the skill from typed text: the engine behind `aftercare ask` and `aftercare chat`."""
from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from typing import Callable

from .builtin_slots import alexa_value
from .content import DEFAULT_LOCALE, LocaleContent
from .envelopes import LOCAL_SKILL_ID, LocalSession
from .free_speech import STATEMENT_INTENT, TEXT_SLOT, slot_json
from .spelling import Speller
from .speech import to_ssml
from .utterances import Match, SlotFill, UtteranceResolver, normalise

INVOCATION = "needling aftercare"
_LAUNCH_VERBS = r"open|launch|start|begin|load|talk to|use|run"
_ONE_SHOT_VERBS = r"ask|tell"


def split_invocation(text: str, invocation: str = INVOCATION) -> tuple[bool, str]:
    """("Alexa, ask needling aftercare how long ...") -> (False, "how long ...").

    Returns (is_launch, rest). A phrase without the invocation is a one-shot question.
    """
    said = normalise(text)
    said = re.sub(r"^alexa\s+", "", said)
    name = re.escape(invocation)
    m = re.match(rf"^(?:(?:{_LAUNCH_VERBS})\s+{name})$", said)
    if m:
        return True, ""
    m = re.match(rf"^(?:{_ONE_SHOT_VERBS}|{_LAUNCH_VERBS})\s+{name}(?:\s+(.*))?$", said)
    if m:
        rest = m.group(1) or ""
        rest = re.sub(r"^(?:to|about|for|if|whether)\s+", "", rest)
        return not rest, rest
    return (not text.strip()), said  # only true silence is a bare launch; noise is not


class Conversation:
    """One local session against a skill handler (the same callable Lambda gets)."""

    def __init__(self, handler: Callable[[dict, object], dict], content: LocaleContent,
                 locale: str = DEFAULT_LOCALE, user_id: str | None = None,
                 resolver: UtteranceResolver | None = None, now: datetime | None = None,
                 zone: tzinfo = timezone.utc):
        self.handler = handler
        self.zone = zone  # the device's, for "yesterday" and "on Monday"
        self.session = LocalSession(locale=locale, user_id=user_id, now=now)
        # An unsupported locale still needs the words understood, to answer that
        # we can't help in that locale; the default model does that.
        self.resolver = resolver or UtteranceResolver.for_locale(content)
        self.slot_types = self.resolver.slot_types
        self.speller = Speller(self.resolver.vocabulary)
        self.last_match: Match | None = None

    def request_for(self, text: str) -> dict:
        launch, rest = split_invocation(text)
        if launch:
            self.last_match = None
            return self.session.launch()
        rest = self.speller.corrected(rest)
        match = self.resolver.resolve(rest)
        self.last_match = match
        if match.how != "exact":
            # What no sample says goes to the skill as free speech, as on an Echo, and the
            # skill's own resolver reads it (skill/free_speech.py).
            said = SlotFill(rest)
            return self.session.intent(STATEMENT_INTENT, {
                TEXT_SLOT: slot_json(TEXT_SLOT, said, "AMAZON.SearchQuery")})
        today = (self.session.now or datetime.now(timezone.utc)).astimezone(self.zone).date()
        slots = {}
        for name, fill in match.slots.items():
            slot_type = self.slot_types.get(name)
            if slot_type and slot_type.startswith("AMAZON."):
                fill = SlotFill(alexa_value(slot_type, fill.value, today))
            slots[name] = slot_json(name, fill, slot_type, LOCAL_SKILL_ID)
        return self.session.intent(match.intent, slots)

    def say(self, text: str) -> dict:
        """One turn. A blank line in an open session is silence: Alexa speaks the reprompt."""
        if not text.strip() and self.session.open:
            return self.reprompt()
        response = self.handler(self.request_for(text), None)
        self.session.absorb(response)
        return response

    def reprompt(self) -> dict:
        last = self.session.attributes.get("last") or {}
        ssml = to_ssml(last.get("reprompt") or last.get("speech") or "")
        return {"version": "1.0", "sessionAttributes": self.session.attributes,
                "response": {"outputSpeech": {"type": "SSML", "ssml": ssml},
                             "shouldEndSession": False}}
