"""Builds every response the same way: SSML, reprompt, card, session state.

Rules kept here so no handler can forget them: a response stays open exactly
when it asks a question; every answer has a card; the last answer and any
pending offer ("want to hear more?") live in session attributes for Repeat,
Yes and More.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ask_sdk_model import Response
from ask_sdk_model.ui import AskForPermissionsConsentCard, SimpleCard

from .content import Answer, LocaleContent
from .free_speech import DENIED
from .speech import join, to_ssml

MODE = "mode"
CONVERSATION = "conversation"
LAST = "last"
OFFER = "offer"  # what "yes" means now: {"kind": MORE | WHEN | REMEMBER | REMINDER, ...}
MORE, WHEN, REMEMBER, REMINDER = "more", "when", "remember", "reminder"
EMERGENCY = "emergency"  # the topic whose denial earns the safety line
_QUESTION_AT_END = re.compile(r"(?:(?<=[.!?])\s+|^)[^.!?]*\?$")


def respond(handler_input, answer: Answer, content: LocaleContent, *, topic: str | None = None,
            variant: str = "default", follow_up: bool = True, offer: dict | None = None,
            permissions: list[str] | None = None) -> Response:
    """Speak `answer`; in a conversation a statement gets "what else would you like to know?".

    `offer` names what a "yes" now means (default: the answer's own "want to hear
    more?"); `permissions` sends the Alexa app card that asks for them.
    """
    attrs = handler_input.attributes_manager.session_attributes
    speech, reprompt = answer.speech, answer.reprompt
    if EMERGENCY in handler_input.attributes_manager.request_attributes.get(DENIED, ()):
        # "No chest pain, just sore": answered as asked, then one line in case that changes.
        speech = _before_question(speech, content.phrase("denied_emergency").speech)
    if follow_up and not answer.asks and attrs.get(MODE) == CONVERSATION:
        extra = content.phrase("follow_up")
        speech, reprompt = join(speech, extra.speech), extra.reprompt
    last = {
        "speech": speech, "reprompt": reprompt, "title": answer.card_title,
        "text": answer.card_text, "topic": topic, "variant": variant,
    }
    if permissions:
        last["permissions"] = permissions
    attrs[LAST] = last
    if offer is None and answer.offers and topic is not None:
        offer = {"kind": MORE, "topic": topic, "variant": variant}
    if offer is not None and answer.asks:
        attrs[OFFER] = offer
    else:
        attrs.pop(OFFER, None)
    return replay(handler_input, last)


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
    return replace(main, speech=join(before.speech if before else None, body,
                                     then.speech if then else None),
                   reprompt=last.reprompt if last.asks else None,
                   more=main.more if then is None else None,
                   more_topic=main.more_topic if then is None else None, phases=None)


def replay(handler_input, last: dict) -> Response:
    """Send a stored answer again, exactly as it was first spoken."""
    builder = handler_input.response_builder
    builder.speak(to_ssml(last["speech"]))
    if last.get("permissions"):
        builder.set_card(AskForPermissionsConsentCard(permissions=last["permissions"]))
    else:
        builder.set_card(SimpleCard(title=last["title"], content=last["text"]))
    if last.get("reprompt"):
        builder.ask(to_ssml(last["reprompt"]))
    builder.set_should_end_session(not last["speech"].rstrip().endswith("?"))
    return builder.response
