"""Launch, yes/more, repeat, session end, and the intents answered by a fixed phrase."""
from __future__ import annotations

import logging

from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import IntentRequest

from .. import memory, timing
from ..responses import (CONVERSATION, LAST, MODE, MORE, OFFER, REMEMBER, REMINDER, WHEN, replay,
                         respond)
from .base import ContentHandler

log = logging.getLogger(__name__)

# Intent -> phrase in content/<locale>/locale.yaml. Any other intent the model
# does not route to a topic (an unknown intent, a symptom we have no guidance
# for) gets the fallback phrase.
PHRASE_FOR_INTENT = {
    "AMAZON.HelpIntent": "help",
    "AMAZON.NavigateHomeIntent": "help",
    "AMAZON.StopIntent": "goodbye",
    "AMAZON.CancelIntent": "goodbye",
    "AMAZON.FallbackIntent": "fallback",
}
FALLBACK_PHRASE = "fallback"


class LaunchHandler(ContentHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        content = self.content_for(handler_input)
        handler_input.attributes_manager.session_attributes[MODE] = CONVERSATION
        return respond(handler_input, content.phrase("launch"), content, follow_up=False)


class YesMoreHandler(ContentHandler):
    """Yes or More after an offer: the detail, the topic offered, keeping the session
    time, or the 48-hour reminder, whichever the last question offered."""

    def can_handle(self, handler_input):
        return (is_intent_name("AMAZON.YesIntent")(handler_input)
                or is_intent_name("AMAZON.MoreIntent")(handler_input))

    def handle(self, handler_input):
        content = self.content_for(handler_input)
        offer = handler_input.attributes_manager.session_attributes.get(OFFER) or {}
        kind = offer.get("kind", MORE)
        said_yes = is_intent_name("AMAZON.YesIntent")(handler_input)
        if said_yes and kind == REMEMBER:
            return timing.accept_remember(handler_input, content)
        if said_yes and kind == REMINDER:
            return timing.accept_reminder(handler_input, content)
        if kind == WHEN:  # "yes" to "when was your session?" says nothing; we asked once
            return timing.answer_without_time(handler_input, content,
                                              timing.pending_route(handler_input, content),
                                              before=content.phrase("time_unclear"))
        topic = content.topics.get(offer.get("topic")) if kind == MORE else None
        if topic is None:
            return respond(handler_input, content.phrase("yes_without_offer"), content,
                           follow_up=False)
        answer = topic.answer(offer.get("variant"))
        if answer.more is not None:
            return respond(handler_input, answer.more, content, topic=topic.id,
                           variant=offer.get("variant", "default"))
        target = content.topics[answer.more_topic]
        offered = target.answer()
        # The offered topic for the time since the session when that is known; "yes"
        # answered one question already, so no second one about the time.
        return respond(handler_input, timing.timed(handler_input, offered) or offered, content,
                       topic=target.id)


class NoHandler(ContentHandler):
    """No to whatever was last offered; after "no more" the conversation ends politely."""

    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.NoIntent")(handler_input)

    def handle(self, handler_input):
        content = self.content_for(handler_input)
        offer = handler_input.attributes_manager.session_attributes.get(OFFER) or {}
        kind = offer.get("kind")
        if kind == WHEN:
            return timing.answer_without_time(handler_input, content,
                                              timing.pending_route(handler_input, content))
        if kind == REMEMBER:
            return timing.decline_remember(handler_input, content)
        if kind == REMINDER:
            return respond(handler_input, content.phrase("no_reminder"), content)
        return respond(handler_input, content.phrase("no"), content, follow_up=False)


class SessionTimeHandler(ContentHandler):
    """ "I had dry needling this morning", "two hours ago", "yesterday at three"."""

    def can_handle(self, handler_input):
        return is_intent_name("SessionTimeIntent")(handler_input)

    def handle(self, handler_input):
        slots = handler_input.request_envelope.request.intent.slots or {}

        def value(name):
            slot = slots.get(name)
            return slot.value if slot is not None and slot.value else None
        return timing.session_told(handler_input, self.content_for(handler_input),
                                   value("date"), value("time"), value("duration"))


class ForgetHandler(ContentHandler):
    def can_handle(self, handler_input):
        return is_intent_name("ForgetSessionIntent")(handler_input)

    def handle(self, handler_input):
        content = self.content_for(handler_input)
        phrase = "forgotten" if memory.forget(handler_input) else "nothing_to_forget"
        return respond(handler_input, content.phrase(phrase), content)


class RepeatHandler(ContentHandler):
    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.RepeatIntent")(handler_input)

    def handle(self, handler_input):
        last = handler_input.attributes_manager.session_attributes.get(LAST)
        if not last:
            content = self.content_for(handler_input)
            return respond(handler_input, content.phrase("nothing_to_repeat"), content,
                           follow_up=False)
        return replay(handler_input, last)


class PhraseHandler(ContentHandler):
    """Every remaining intent: help, stop, cancel, no, fallback, and intents we don't know."""

    def can_handle(self, handler_input):
        return isinstance(handler_input.request_envelope.request, IntentRequest)

    def handle(self, handler_input):
        content = self.content_for(handler_input)
        intent = handler_input.request_envelope.request.intent
        name = getattr(intent, "name", None)
        phrase = PHRASE_FOR_INTENT.get(name, FALLBACK_PHRASE)
        if name not in PHRASE_FOR_INTENT:
            log.info("no topic for intent %s; answering with the fallback", name)
        return respond(handler_input, content.phrase(phrase), content, follow_up=False)


class SessionEndedHandler(ContentHandler):
    def can_handle(self, handler_input):
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        reason = getattr(getattr(request, "reason", None), "value", None)
        log.info("session ended: %s", reason)
        return handler_input.response_builder.response
