"""Launch, yes/more, repeat, session end, and the intents answered by a fixed phrase."""
from __future__ import annotations

import logging

from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import IntentRequest

from ..responses import replay, respond, restore
from ..speech import join
from ..state import (CONVERSATION, ELICIT, LAST, MISSES, MODE, MORE, MORE_OF, OFFER, OFFERS_DUE,
                     REMEMBER, REMINDER, REMINDER_SET)
from ..time_aware import answers, memory, reminders
from .base import ContentHandler

log = logging.getLogger(__name__)

# Intent -> phrase in content/<locale>/locale.yaml. Any other intent the model
# does not route to a topic (an unknown intent, a symptom we have no guidance
# for) gets the health fallback: that one points to the practitioner.
PHRASE_FOR_INTENT = {
    "AMAZON.HelpIntent": "help",
    "AMAZON.NavigateHomeIntent": "help",
    "AMAZON.StopIntent": "goodbye",
    "AMAZON.CancelIntent": "goodbye",
    "AMAZON.FallbackIntent": "fallback",
}
FALLBACK_PHRASE = "fallback_health"
FALLBACKS = ("fallback", "fallback_health")


class LaunchHandler(ContentHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        content = self.content_for(handler_input)
        handler_input.attributes_manager.session_attributes[MODE] = CONVERSATION
        return respond(handler_input, content.phrase("launch"), content, follow_up=False,
                       filler=True)


def tell_more(handler_input, content, wanted: dict | None):
    """The detail behind an answer, or the topic it offered."""
    topic = content.topics.get((wanted or {}).get("topic"))
    if topic is None:
        return respond(handler_input, content.phrase("no_more"), content, follow_up=False,
                       filler=True)
    variant = wanted.get("variant") or "default"
    answer = topic.answer(variant)
    if answer.more is not None:
        return respond(handler_input, answer.more, content, topic=topic.id, variant=variant)
    if answer.more_topic is None:
        return respond(handler_input, content.phrase("no_more"), content, follow_up=False,
                       filler=True)
    target = content.topics[answer.more_topic]
    offered = target.answer()
    # The offered topic for the time since the session when that is known; "yes"
    # answered one question already, so no second one about the time.
    return respond(handler_input, answers.timed(handler_input, offered) or offered, content,
                   topic=target.id)


class YesMoreHandler(ContentHandler):
    """"Yes" answers the most recent question (the detail, the topic offered, keeping the
    session time, the 48-hour reminder); "tell me more" expands the last answer that has more."""

    def can_handle(self, handler_input):
        return (is_intent_name("AMAZON.YesIntent")(handler_input)
                or is_intent_name("AMAZON.MoreIntent")(handler_input))

    def handle(self, handler_input):
        content = self.content_for(handler_input)
        attrs = handler_input.attributes_manager.session_attributes
        offer = attrs.get(OFFER) or {}
        if not is_intent_name("AMAZON.YesIntent")(handler_input):
            return tell_more(handler_input, content, attrs.get(MORE_OF))
        kind = offer.get("kind")
        if kind == REMEMBER:
            return answers.accept_remember(handler_input, content)
        if kind == REMINDER:
            return answers.accept_reminder(handler_input, content)
        if kind == MORE:
            return tell_more(handler_input, content, offer)
        if ELICIT in attrs:  # "yes" to "when was your session?" says no time
            return answers.reply_not_a_time(handler_input, content, said_yes=True)
        return respond(handler_input, content.phrase("yes_without_offer"), content,
                       follow_up=False, filler=True)


class NoHandler(ContentHandler):
    """No to whatever was last asked; with nothing more to offer the conversation ends politely."""

    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.NoIntent")(handler_input)

    def handle(self, handler_input):
        content = self.content_for(handler_input)
        attrs = handler_input.attributes_manager.session_attributes
        kind = (attrs.get(OFFER) or {}).get("kind")
        if ELICIT in attrs:
            return answers.time_left_unknown(handler_input, content)
        if kind == REMEMBER:
            return answers.decline_remember(handler_input, content)
        if kind == REMINDER:
            return respond(handler_input, content.phrase("no_reminder"), content, filler=True)
        if attrs.get(OFFERS_DUE):
            # "No" to a topic's own offer: the offer it held back comes now.
            return respond(handler_input, content.phrase("okay"), content, filler=True)
        return respond(handler_input, content.phrase("no"), content, follow_up=False, filler=True)


class SessionTimeHandler(ContentHandler):
    """ "I had dry needling this morning", "two hours ago", "yesterday at three"."""

    def can_handle(self, handler_input):
        return is_intent_name("SessionTimeIntent")(handler_input)

    def handle(self, handler_input):
        slots = handler_input.request_envelope.request.intent.slots or {}

        def value(name):
            slot = slots.get(name)
            return slot.value if slot is not None and slot.value else None
        return answers.session_told(handler_input, self.content_for(handler_input),
                                   value("date"), value("time"), value("duration"))


class ForgetHandler(ContentHandler):
    def can_handle(self, handler_input):
        return is_intent_name("ForgetSessionIntent")(handler_input)

    def handle(self, handler_input):
        content = self.content_for(handler_input)
        attrs = handler_input.attributes_manager.session_attributes
        phrase = content.phrase("forgotten" if memory.forget(handler_input) else "nothing_to_forget")
        attrs.pop(OFFERS_DUE, None)
        # And what happens to a reminder already set: it stays, and where to delete it.
        set_for = attrs.get(REMINDER_SET)
        kept = (content.phrase("reminder_kept_known").filling("when", set_for) if set_for
                else content.phrase("reminder_kept"))
        return respond(handler_input, phrase._replace(speech=join(phrase.speech, kept.speech)),
                       content)


class RepeatHandler(ContentHandler):
    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.RepeatIntent")(handler_input)

    def handle(self, handler_input):
        last = handler_input.attributes_manager.session_attributes.get(LAST)
        if not last:
            content = self.content_for(handler_input)
            return respond(handler_input, content.phrase("nothing_to_repeat"), content,
                           follow_up=False, filler=True)
        restore(handler_input, last)
        return replay(handler_input, last)


class PermissionResponseHandler(ContentHandler):
    """The answer to Alexa's voice question for the reminders permission (Connections.Response)."""

    def can_handle(self, handler_input):
        request = handler_input.request_envelope.request
        return (is_request_type("Connections.Response")(handler_input)
                and getattr(request, "name", None) == reminders.ASK_FOR)

    def handle(self, handler_input):
        content = self.content_for(handler_input)
        request = handler_input.request_envelope.request
        code = str(getattr(getattr(request, "status", None), "code", "") or "")
        status = (getattr(request, "payload", None) or {}).get("status")
        return answers.permission_answered(handler_input, content,
                                          granted=code == "200" and status == "ACCEPTED")


class PhraseHandler(ContentHandler):
    """Every remaining intent: help, stop, cancel, no, fallback, and intents we don't know."""

    def can_handle(self, handler_input):
        return isinstance(handler_input.request_envelope.request, IntentRequest)

    def handle(self, handler_input):
        content = self.content_for(handler_input)
        attrs = handler_input.attributes_manager.session_attributes
        intent = handler_input.request_envelope.request.intent
        name = getattr(intent, "name", None)
        if name == "AMAZON.FallbackIntent" and ELICIT in attrs:
            return answers.reply_not_a_time(handler_input, content)  # an unclear time
        phrase = PHRASE_FOR_INTENT.get(name, FALLBACK_PHRASE)
        if name not in PHRASE_FOR_INTENT:
            log.info("no topic for intent %s; answering with the fallback", name)
        if phrase in FALLBACKS:
            misses = attrs.get(MISSES, 0) + 1
            answer = content.phrase("fallback_again" if misses > 1 else phrase)
            response = respond(handler_input, answer, content, follow_up=False, filler=True)
            attrs[MISSES] = misses
            return response
        return respond(handler_input, content.phrase(phrase), content, follow_up=False,
                       filler=phrase != "help")


class SessionEndedHandler(ContentHandler):
    # Made once: the first handler asked on every request.
    _is_session_ended = staticmethod(is_request_type("SessionEndedRequest"))

    def can_handle(self, handler_input):
        return self._is_session_ended(handler_input)

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        reason = getattr(getattr(request, "reason", None), "value", None)
        log.info("session ended: %s", reason)
        return handler_input.response_builder.response
