"""Free speech on a device: what Alexa hands over as an AMAZON.SearchQuery value is understood
by the skill's own resolver (skill/understanding/resolver.py), red flags first, then the intents.

Alexa matches a sentence to a free-speech intent by how it starts ("i feel {text}", "my
{text}", "is it normal {text}") and passes only the rest. Where the opening words carry
meaning ("i can't {text}", "my chest {text}"), their own intent says which words they were
(`free_speech_openings` in each locale's locale.yaml), and they are put back before the text
is read: "i can't | get a full breath in".
A request interceptor replaces the intent with the one the text means, so every handler after
it, safety first, sees an ordinary request: one way of answering, whoever understood the words.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_model import Intent, IntentRequest

from ..content import LocaleContent
from ..state import DENIED

if TYPE_CHECKING:  # the resolver is imported on the first free-speech request, not at start-up
    from .resolver import Match, SlotFill, UtteranceResolver

STATEMENT_INTENT = "StatementIntent"
TEXT_SLOT = "text"
# Alexa's slot values are one sentence; past this it is noise, and the grammar's work grows
# with the length. Red flags are still read in the part that is kept.
MAX_CHARACTERS = 600
MAX_WORDS_FOR_A_TOPIC = 60
LOCAL_AUTHORITY = "amzn1.er-authority.echo-sdk.{skill}.{slot_type}"


def slot_json(name: str, fill: "SlotFill", slot_type: str | None = None,
              skill_id: str = "local") -> dict:
    """A slot with entity resolution, as Alexa reports a matched or unmatched custom value.
    Built-in types (AMAZON.DATE, ...) carry their value and no resolutions."""
    if slot_type and slot_type.startswith("AMAZON."):
        return {"name": name, "value": fill.value, "confirmationStatus": "NONE"}
    authority = LOCAL_AUTHORITY.format(skill=skill_id, slot_type=slot_type or name)
    if fill.id is not None:
        resolution = {"authority": authority, "status": {"code": "ER_SUCCESS_MATCH"},
                      "values": [{"value": {"name": fill.name or fill.value, "id": fill.id}}]}
    else:
        resolution = {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
    return {"name": name, "value": fill.value, "confirmationStatus": "NONE",
            "resolutions": {"resolutionsPerAuthority": [resolution]}}


def understood(resolver: "UtteranceResolver", text: str | None) -> "Match":
    """The resolver's reading of a free-speech value; nothing usable is the fallback."""
    text = (text or "")[:MAX_CHARACTERS]
    if not text.strip():
        from .resolver import FALLBACK, Match  # (imported where needed: an import costs each time)

        return Match(FALLBACK, "fallback", score=0.0)
    match = resolver.resolve(text)
    if match.how != "red_flag" and len(text.split()) > MAX_WORDS_FOR_A_TOPIC:
        from .resolver import FALLBACK, Match

        return Match(FALLBACK, "fallback", score=0.0, denied=match.denied)
    return match


class FreeSpeechInterceptor(AbstractRequestInterceptor):
    """StatementIntent -> the intent its text means, before any handler is chosen."""

    def __init__(self, content: Mapping[str, LocaleContent]):
        self.content = content
        self._resolvers: dict[str, "UtteranceResolver"] = {}

    def resolver(self, content: LocaleContent) -> "UtteranceResolver":
        # Built on the first free-speech request, from the index the bundle ships: a launch
        # or an intent Alexa matched never pays for it.
        if content.locale not in self._resolvers:
            from .resolver import UtteranceResolver

            self._resolvers[content.locale] = UtteranceResolver.for_locale(content)
        return self._resolvers[content.locale]

    def process(self, handler_input):
        request = handler_input.request_envelope.request
        if not isinstance(request, IntentRequest) or request.intent is None:
            return
        content = self.content.get(request.locale)
        if content is None or request.intent.name not in content.openings:
            return  # a matched intent, or the unsupported-locale answer: nothing to understand
        slot = (request.intent.slots or {}).get(TEXT_SLOT)
        resolver = self.resolver(content)
        heard = getattr(slot, "value", None)
        opening = content.openings[request.intent.name]
        match = understood(resolver, f"{opening} {heard}" if opening and heard else heard)
        handler_input.attributes_manager.request_attributes[DENIED] = match.denied
        request.intent = Intent(name=match.intent, slots=self._slots(handler_input, resolver, match),
                                confirmation_status=request.intent.confirmation_status)

    @staticmethod
    def _slots(handler_input, resolver: "UtteranceResolver", match: "Match") -> dict:
        if not match.slots:
            return {}
        from ask_sdk_model import Slot

        from .builtin_slots import alexa_value
        from ..time_aware.clock import device_zone, request_now
        from ..serializer import FastSerializer
        from .resolver import SlotFill

        data = {}
        for name, fill in match.slots.items():
            slot_type = resolver.slot_types.get(name)
            if slot_type and slot_type.startswith("AMAZON."):
                # "yesterday" is the device's yesterday, as Alexa would have resolved it.
                today = request_now(handler_input).astimezone(device_zone(handler_input)[0]).date()
                fill = SlotFill(alexa_value(slot_type, fill.value, today))
            data[name] = slot_json(name, fill, slot_type)
        serializer = FastSerializer()
        return {name: serializer.deserialize_parsed(value, Slot) for name, value in data.items()}
