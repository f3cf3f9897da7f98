"""Drives the skill from typed text: the engine behind `aftercare ask` and `aftercare chat`."""
from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from typing import Callable

from ..understanding.builtin_slots import alexa_value
from ..content import DEFAULT_LOCALE, LocaleContent
from .envelopes import LOCAL_SKILL_ID, LocalSession
from ..understanding.free_speech import STATEMENT_INTENT, TEXT_SLOT, slot_json
from ..understanding.red_flags import ENGLISH
from .slot_replies import SlotReplyGrammar
from .spelling import Speller
from ..speech import to_ssml
from ..understanding.resolver import (FALLBACK, Match, SlotFill, UtteranceResolver, model_path,
                                      normalise)

INVOCATION = "needling aftercare"
ELICIT_SLOT = "Dialog.ElicitSlot"
SEND_REQUEST = "Connections.SendRequest"
# What Alexa itself asks when a skill sends Connections.SendRequest AskFor for reminders.
ALEXA_ASKS_FOR_REMINDERS = ("To set a reminder, needling aftercare needs your permission to "
                            "create and edit reminders. Is that okay?")
_CONSENTS = re.compile(r"^(?:yes|yeah|yep|sure|okay|ok|i approve|approve|allow|yes please|"
                       r"go ahead|that's fine|fine)\b")
_LAUNCH_VERBS = r"open|launch|start|begin|load|talk to|use|run|abre|abrir|inicia|iniciar|usa"
_ONE_SHOT_VERBS = r"ask|tell|pregunta a|pregúntale a|pídele a|pide a|dile a"


def split_invocation(text: str, invocation: str = INVOCATION,
                     language: str = ENGLISH) -> tuple[bool, str]:
    """("Alexa, ask needling aftercare how long ...") -> (False, "how long ...").

    Returns (is_launch, rest). A phrase without the invocation is a one-shot question.
    """
    said = normalise(text, language)
    said = re.sub(r"^alexa\s+", "", said)
    name = re.escape(invocation)
    m = re.match(rf"^(?:(?:{_LAUNCH_VERBS})\s+{name})$", said)
    if m:
        return True, ""
    m = re.match(rf"^(?:{_ONE_SHOT_VERBS}|{_LAUNCH_VERBS})\s+{name}(?:\s+(.*))?$", said)
    if m:
        rest = m.group(1) or ""
        rest = re.sub(r"^(?:to|about|for|if|whether|si|sobre)\s+", "", rest)
        return not rest, rest
    return (not text.strip()), said  # only true silence is a bare launch; noise is not


class Conversation:
    """One local session against a skill handler (the same callable Lambda gets)."""

    def __init__(self, handler: Callable[[dict, object], dict], content: LocaleContent,
                 locale: str = DEFAULT_LOCALE, user_id: str | None = None,
                 resolver: UtteranceResolver | None = None, now: datetime | None = None,
                 zone: tzinfo = timezone.utc, screen: bool = False):
        self.handler = handler
        self.zone = zone  # the device's, for "yesterday" and "on Monday"
        self.session = LocalSession(locale=locale, user_id=user_id, now=now, screen=screen)
        # An unsupported locale still needs the words understood, to answer that
        # we can't help in that locale; the default model does that.
        self.resolver = resolver or UtteranceResolver.for_locale(content)
        self.slot_types = self.resolver.slot_types
        self.language = content.language
        # Red-flag words stay as typed: "drowning" must never become "rowing".
        self.speller = Speller(self.resolver.vocabulary,
                               keep=content.red_flags.vocabulary | content.red_flags.function_words,
                               language=self.language)
        self.last_match: Match | None = None
        self._replies: dict[str, SlotReplyGrammar] = {}
        self._model_locale = locale if model_path(locale).is_file() else content.locale
        self.elicited: tuple[str, str] | None = None  # (intent, slot) the last response asked for
        self.asked_for: dict | None = None  # a pending Connections.SendRequest AskFor
        self.api = None  # the local Alexa API stand-in, granted the permission when consent is given

    def _reply_grammar(self, intent: str) -> SlotReplyGrammar:
        if intent not in self._replies:
            import json

            with model_path(self._model_locale).open(encoding="utf-8") as fh:
                self._replies[intent] = SlotReplyGrammar(json.load(fh), intent)
        return self._replies[intent]

    @property
    def _invocation(self) -> str:
        """The model's invocation name ("needling aftercare", "cuidados de punción seca")."""
        if not hasattr(self, "_invocation_name"):
            import json

            with model_path(self._model_locale).open(encoding="utf-8") as fh:
                model = json.load(fh)["interactionModel"]["languageModel"]
            self._invocation_name = normalise(model["invocationName"], self.language)
        return self._invocation_name

    def _today(self):
        return (self.session.now or datetime.now(timezone.utc)).astimezone(self.zone).date()

    def _slots_json(self, fills: dict[str, SlotFill]) -> dict:
        slots = {}
        for name, fill in fills.items():
            slot_type = self.slot_types.get(name)
            if slot_type and slot_type.startswith("AMAZON."):
                fill = SlotFill(alexa_value(slot_type, fill.value, self._today()))
            slots[name] = slot_json(name, fill, slot_type, LOCAL_SKILL_ID)
        return slots

    def request_for(self, text: str) -> dict:
        launch, rest = split_invocation(text, self._invocation, self.language)
        if launch:
            self.last_match = None
            return self.session.launch()
        rest = self.speller.corrected(rest)
        match = self.resolver.resolve(rest)
        # Red flags first, always: "not sure, my chest is tight" is no answer to "when?".
        if self.elicited and match.how != "red_flag":
            # Alexa's rule: a bare reply fills the slot only while the skill asked for it.
            intent, _ = self.elicited
            reply = self._reply_grammar(intent).match(rest)
            if reply is not None:
                self.last_match = Match(intent, "slot_reply",
                                        {n: SlotFill(v) for n, v in reply.slots.items()})
                request = self.session.intent(intent, self._slots_json(self.last_match.slots))
                request["request"]["dialogState"] = "IN_PROGRESS"
                return request
        if match.how not in ("exact", "red_flag") and not self.elicited and self._bare_reply(rest):
            # A bare "two hours ago" nobody asked for: the model has no such sample (they are
            # slot samples, heard only while the skill elicits) and no free-speech carrier
            # starts that way, so Alexa would hear no intent in it.
            match = Match(FALLBACK, "fallback", score=match.score)
            self.last_match = match
            return self.session.intent(FALLBACK, {})
        self.last_match = match
        if match.how != "exact" or match.denied:
            # What no sample says goes to the skill as free speech, as on an Echo, and the
            # skill's own resolver reads it (skill/understanding/free_speech.py). So does a
            # sentence that is a sample only once its denial is cut ("no chest pain | how long
            # will i be sore"): Alexa hears the whole sentence, and the answer keeps its
            # safety line.
            said = SlotFill(rest)
            return self.session.intent(STATEMENT_INTENT, {
                TEXT_SLOT: slot_json(TEXT_SLOT, said, "AMAZON.SearchQuery")})
        return self.session.intent(match.intent, self._slots_json(match.slots))

    def _bare_reply(self, text: str) -> bool:
        """Whether `text` is only a reply to a slot question ("yesterday", "two hours ago")."""
        return any(self._reply_grammar(i).match(text) is not None and
                   self._reply_grammar(i).patterns for i in self._elicitable)

    @property
    def _elicitable(self) -> list[str]:
        """Intents with slot samples: the ones whose bare replies count only when asked."""
        if not hasattr(self, "_elicitable_intents"):
            import json

            with model_path(self._model_locale).open(encoding="utf-8") as fh:
                language = json.load(fh)["interactionModel"]["languageModel"]
            self._elicitable_intents = [i["name"] for i in language["intents"]
                                        if any(s.get("samples") for s in i.get("slots", []))]
        return self._elicitable_intents

    def _consent_reply(self, text: str) -> dict:
        """Alexa's own permission question was asked: its answer reaches the skill as a
        Connections.Response request."""
        asked, self.asked_for = self.asked_for, None
        granted = bool(_CONSENTS.match(normalise(text)))
        if granted and self.api is not None and hasattr(self.api, "reminders_allowed"):
            self.api.reminders_allowed = True
        scope = asked["payload"]["permissionScopes"][0]["permissionScope"]
        return self.session.envelope({
            "type": "Connections.Response", "name": asked["name"],
            "status": {"code": "200", "message": "OK"}, "token": asked.get("token", ""),
            "payload": {"permissionScope": scope,
                        "status": "ACCEPTED" if granted else "DENIED"}})

    def _absorb_directives(self, response: dict) -> dict:
        directives = (response.get("response") or {}).get("directives") or []
        self.elicited = None
        for d in directives:
            if d.get("type") == ELICIT_SLOT:
                self.elicited = ((d.get("updatedIntent") or {}).get("name"), d.get("slotToElicit"))
            if d.get("type") == SEND_REQUEST and d.get("name") == "AskFor":
                self.asked_for = d
        if self.asked_for is not None:
            # Alexa speaks its own question after the skill's words, and waits for the answer.
            said = (response.get("response") or {}).get("outputSpeech", {}).get("ssml", "")
            from ..speech import to_plain

            spoken = " ".join(p for p in (to_plain(said) if said else "", ALEXA_ASKS_FOR_REMINDERS) if p)
            response = {**response, "response": {**response["response"],
                                                 "outputSpeech": {"type": "SSML",
                                                                  "ssml": to_ssml(spoken)},
                                                 "shouldEndSession": False}}
        return response

    def say(self, text: str) -> dict:
        """One turn. A blank line in an open session is silence: Alexa speaks the reprompt."""
        if not text.strip() and self.session.open:
            return self.reprompt()
        request = self._consent_reply(text) if self.asked_for else self.request_for(text)
        response = self._absorb_directives(self.handler(request, None))
        self.session.absorb(response)
        if not self.session.open:
            self.elicited = self.asked_for = None
        return response

    def reprompt(self) -> dict:
        last = self.session.attributes.get("last") or {}
        ssml = to_ssml(last.get("reprompt") or last.get("speech") or "")
        return {"version": "1.0", "sessionAttributes": self.session.attributes,
                "response": {"outputSpeech": {"type": "SSML", "ssml": ssml},
                             "shouldEndSession": False}}
