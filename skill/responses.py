"""Builds every response the same way: SSML, reprompt, card, session state.

Rules kept here so no handler can forget them: a response stays open exactly
when it asks a question; every answer has a card; the last answer and any
pending offer ("want to hear more?") live in session attributes for Repeat,
Yes and More.
"""
from __future__ import annotations

from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from .content import Answer, LocaleContent
from .speech import join, to_ssml

MODE = "mode"
CONVERSATION = "conversation"
LAST = "last"
OFFER = "offer"


def respond(handler_input, answer: Answer, content: LocaleContent, *, topic: str | None = None,
            variant: str = "default", follow_up: bool = True) -> Response:
    """Speak `answer`; in a conversation a statement gets "what else would you like to know?"."""
    attrs = handler_input.attributes_manager.session_attributes
    speech, reprompt = answer.speech, answer.reprompt
    if follow_up and not answer.asks and attrs.get(MODE) == CONVERSATION:
        extra = content.phrase("follow_up")
        speech, reprompt = join(speech, extra.speech), extra.reprompt
    last = {
        "speech": speech, "reprompt": reprompt, "title": answer.card_title,
        "text": answer.card_text, "topic": topic, "variant": variant,
    }
    attrs[LAST] = last
    if answer.offers and topic is not None:
        attrs[OFFER] = {"topic": topic, "variant": variant}
    else:
        attrs.pop(OFFER, None)
    return replay(handler_input, last)


def replay(handler_input, last: dict) -> Response:
    """Send a stored answer again, exactly as it was first spoken."""
    builder = handler_input.response_builder
    builder.speak(to_ssml(last["speech"]))
    builder.set_card(SimpleCard(title=last["title"], content=last["text"]))
    if last.get("reprompt"):
        builder.ask(to_ssml(last["reprompt"]))
    builder.set_should_end_session(not last["speech"].rstrip().endswith("?"))
    return builder.response
