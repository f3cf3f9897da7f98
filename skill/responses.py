"""Builds every response the same way: SSML, reprompt, card, session state.

Rules kept here so no handler can forget them: a response stays open exactly
when it asks a question (a Dialog directive always asks one); every answer has a card;
one yes/no question at most per turn; a device with a screen also shows every answer
(skill/screens.py); the last answer, the one pending offer ("want to
hear more?") and the answer "tell me more" expands live in session attributes for Repeat,
Yes and More.
"""
from __future__ import annotations

import functools
import re

from ask_sdk_core.utils import get_supported_interfaces
from ask_sdk_model import IntentRequest, Response
from ask_sdk_model.ui import AskForPermissionsConsentCard, SimpleCard

from .content import Answer, LocaleContent
from .speech import join, to_ssml
from .state import CONVERSATION, DENIED, ELICIT, LAST, MODE, MORE, MORE_OF, OFFER

EMERGENCY = "emergency"  # the topic whose denial earns the safety line
SESSION_TIME_INTENT = "SessionTimeIntent"
SESSION_TIME_SLOTS = ("date", "time", "duration")
_QUESTION_AT_END = re.compile(r"(?:(?<=[.!?])\s+|^)[^.!?]*\?$")


def respond(handler_input, answer: Answer, content: LocaleContent, *, topic: str | None = None,
            variant: str = "default", follow_up: bool = True, offer: dict | None = None,
            permissions: list[str] | None = None, elicit: dict | None = None,
            more_of: dict | None = None, filler: bool = False) -> Response:
    """Speak `answer`; in a conversation a statement gets "what else would you like to know?",
    or, when one is due, the next offer (keep the session time, the 48-hour reminder).

    `offer` names what a "yes" now means (default: the answer's own "want to hear
    more?"); `permissions` sends the Alexa app card that asks for them; `elicit` asks for the
    session time with Dialog.ElicitSlot and remembers which question it was for; `more_of`
    names the answer "tell me more" expands (default: this one, when it has more). A
    `filler` ("okay", "sorry, what was that?") is not what "repeat" repeats.
    """
    attrs = handler_input.attributes_manager.session_attributes
    attrs.pop("misses", None)  # fallbacks in a row; the fallback handler counts them
    speech, reprompt = answer.speech, answer.reprompt
    answer_asks = answer.asks
    if EMERGENCY in handler_input.attributes_manager.request_attributes.get(DENIED, ()) \
            and content.emergency_number not in speech:  # the warning signs say it already
        # "No chest pain, just sore": answered as asked, then one line in case that changes.
        # It takes the time question's place: both would not fit in one breath.
        when = content.phrase("ask_when").speech
        if elicit is not None and speech.endswith(when):
            speech, reprompt, elicit, answer_asks = speech[:-len(when)].rstrip(), None, None, False
        speech = _before_question(speech, content.phrase("denied_emergency").speech)
    if offer is None and answer.offers and topic is not None and answer_asks:
        offer = {"kind": MORE, "topic": topic, "variant": variant}
    if follow_up and not answer_asks:
        due, due_kind = _due_offer()(handler_input, content)
        if due is not None:
            speech, reprompt, offer = join(speech, due.speech), due.reprompt, {"kind": due_kind}
        elif attrs.get(MODE) == CONVERSATION:
            extra = content.phrase("follow_up")
            speech, reprompt = join(speech, extra.speech), extra.reprompt
    asks = speech.rstrip().endswith("?")
    if elicit is not None and not isinstance(handler_input.request_envelope.request,
                                             IntentRequest):
        elicit = None  # Dialog directives answer intent requests only
    last = {
        "speech": speech, "reprompt": reprompt, "title": answer.card_title,
        "text": answer.card_text, "topic": topic, "variant": variant,
        "source": list(answer.source),  # the screen's source line
    }
    if topic is not None and content.topics[topic].urgency == "emergency":
        last["emergency"] = content.emergency_number  # the screen shows the number spoken
    if permissions:
        last["permissions"] = permissions
    if offer is not None and asks and elicit is None:
        attrs[OFFER] = last["offer"] = offer
    else:
        attrs.pop(OFFER, None)
    if elicit is not None:
        attrs[ELICIT] = last["elicit"] = elicit
    else:
        attrs.pop(ELICIT, None)
    if not filler:
        if more_of is None and answer.offers and topic is not None:
            more_of = {"topic": topic, "variant": variant}
        if more_of is not None:
            attrs[MORE_OF] = more_of
        else:
            attrs.pop(MORE_OF, None)
    if not filler or "offer" in last:
        attrs[LAST] = last
    return replay(handler_input, last)


@functools.cache
def _due_offer():
    # On the first answer that may offer: the reminders' models stay off the cold start. Kept,
    # since an import statement in respond() costs every answer a lookup of the module.
    from .time_aware.offers import due_offer

    return due_offer


def elicit_session_time(slot: str = "date"):
    """Dialog.ElicitSlot on SessionTimeIntent: the reply is taken by that intent's slot samples."""
    from ask_sdk_model import Intent, IntentConfirmationStatus, Slot, SlotConfirmationStatus
    from ask_sdk_model.dialog import ElicitSlotDirective

    slots = {name: Slot(name=name, confirmation_status=SlotConfirmationStatus.NONE)
             for name in SESSION_TIME_SLOTS}
    return ElicitSlotDirective(
        updated_intent=Intent(name=SESSION_TIME_INTENT, slots=slots,
                              confirmation_status=IntentConfirmationStatus.NONE),
        slot_to_elicit=slot)


def _before_question(speech: str, line: str) -> str:
    """`line` at the end of `speech`, or before its closing question: a question stays last."""
    question = _QUESTION_AT_END.search(speech)
    if question is None:
        return join(speech, line)
    return join(speech[:question.start()], line, question.group(0))


def compose(main: Answer, before: Answer | None = None, then: Answer | None = None) -> Answer:
    """`before` + `main` + `then` as one answer with `main`'s card. When `then` asks
    its own question, `main` loses its closing question: one question per turn."""
    body = main.speech
    if then is not None and then.asks and main.asks:
        body = _QUESTION_AT_END.sub("", body).rstrip()
    last = then or main
    return main._replace(speech=join(before.speech if before else None, body,
                                     then.speech if then else None),
                         reprompt=last.reprompt if last.asks else None,
                         more=main.more if then is None else None,
                         more_topic=main.more_topic if then is None else None, phases=None)


def replay(handler_input, last: dict) -> Response:
    """Send a stored answer again, exactly as it was first spoken (and asking what it asked)."""
    builder = handler_input.response_builder
    builder.speak(to_ssml(last["speech"]))
    if last.get("permissions"):
        builder.set_card(AskForPermissionsConsentCard(permissions=last["permissions"]))
    else:
        builder.set_card(SimpleCard(title=last["title"], content=last["text"]))
    if last.get("reprompt"):
        builder.ask(to_ssml(last["reprompt"]))
    elicit = last.get("elicit")
    if elicit and isinstance(handler_input.request_envelope.request, IntentRequest):
        # A Dialog directive keeps the session open, as Alexa requires.
        builder.add_directive(elicit_session_time(elicit.get("slot", "date")))
        builder.set_should_end_session(False)
    else:
        builder.set_should_end_session(not last["speech"].rstrip().endswith("?"))
    if _has_screen(handler_input):
        from .screens import render_directive  # APL models load only for a screen

        builder.add_directive(render_directive(last))
    return builder.response


def _has_screen(handler_input) -> bool:
    try:
        return get_supported_interfaces(handler_input).alexa_presentation_apl is not None
    except AttributeError:  # no device in the request (not from an Echo): nothing to show
        return False


def restore(handler_input, last: dict) -> None:
    """"Repeat": what the repeated answer asked is pending again."""
    attrs = handler_input.attributes_manager.session_attributes
    for key, name in ((OFFER, "offer"), (ELICIT, "elicit")):
        if last.get(name) is not None:
            attrs[key] = last[name]
        else:
            attrs.pop(key, None)
