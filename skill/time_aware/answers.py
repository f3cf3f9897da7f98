"""The time-aware layer's decisions, shared by the topic and conversation handlers.

An answer with phases (early < 24 h <= middle < 48 h <= late) is spoken for the time
since the session when that is known. When it is not, the general answer (it holds both
phases) is spoken first, then one short question, "When was your session? I can tell you
which applies.", sent with Dialog.ElicitSlot on SessionTimeIntent: Alexa takes a bare
"yesterday" only while that question is open. Asked once per conversation; urgent answers
never carry it.

Once the time is known, two offers follow, one at a time and never in place of a topic's own
question: keeping the session time for three days, then the 48-hour reminder.
"""
from __future__ import annotations

import logging
from datetime import timezone

from ask_sdk_core.exceptions import PersistenceException

from ..content import Answer, LocaleContent
from ..responses import compose, respond
from ..routing import Route
from ..state import ASKED_WHEN, ELICIT, OFFERS_DUE, REMINDER_SET
from . import memory, reminders
from .clock import device_zone, request_now
from ..language import language_of
from .session_time import (InTheFuture, NotUnderstood, NotYet, elapsed, elapsed_words, phase,
                           session_moment)

log = logging.getLogger(__name__)
OVERVIEW = "overview"


def timed(handler_input, answer: Answer) -> Answer | None:
    """`answer` for the time since the session, or None when that time is unknown."""
    if not answer.phases:
        return None
    now = request_now(handler_input)
    session = memory.known_session(handler_input, now)
    if session is None:
        return None
    since = elapsed(now, session)
    language = language_of(getattr(handler_input.request_envelope.request, "locale", None))
    return answer.after(phase(since), elapsed_words(since, session.date_only, language))


def should_ask_when(handler_input, answer: Answer) -> bool:
    attrs = handler_input.attributes_manager.session_attributes
    return bool(answer.phases) and not attrs.get(ASKED_WHEN)


def answer_then_ask_when(handler_input, content: LocaleContent, found: Route, answer: Answer):
    """The general answer first, then the one question about the time. The answer's own offer
    is not asked in the same turn (one question per turn), but "tell me more" still works."""
    handler_input.attributes_manager.session_attributes[ASKED_WHEN] = True
    spoken = compose(answer, then=content.phrase("ask_when"))
    more_of = {"topic": found.topic.id, "variant": found.variant} if answer.offers else None
    return respond(handler_input, spoken, content, topic=found.topic.id, variant=found.variant,
                   elicit={"topic": found.topic.id, "variant": found.variant, "slot": "date"},
                   more_of=more_of)


def pending_route(handler_input, content: LocaleContent) -> Route | None:
    """The question whose answer asked for the session time, while that question is open."""
    asked = handler_input.attributes_manager.session_attributes.get(ELICIT) or {}
    topic = content.topics.get(asked.get("topic"))
    return Route(topic, asked.get("variant") or "default") if topic else None


def _ask_again(handler_input, content: LocaleContent, phrase: str, slot: str = "date",
               **words: str):
    """Ask for the time a second and last time, kindly."""
    attrs = handler_input.attributes_manager.session_attributes
    asked = dict(attrs.get(ELICIT) or {})
    asked.update(retried=True, slot=slot)
    answer = content.phrase(phrase)
    for name, value in words.items():
        answer = answer.filling(name, value)
    return respond(handler_input, answer, content, topic=asked.get("topic"),
                   variant=asked.get("variant") or "default", elicit=asked, filler=True)


def time_left_unknown(handler_input, content: LocaleContent, phrase: str = "time_unknown"):
    """No time after all: the general answer was spoken already, so a short word and on."""
    return respond(handler_input, content.phrase(phrase), content, filler=True)


def reply_not_a_time(handler_input, content: LocaleContent, said_yes: bool = False):
    """"Yes", or something unclear, in answer to "when was your session?"."""
    asked = handler_input.attributes_manager.session_attributes.get(ELICIT) or {}
    if not asked.get("retried"):
        return _ask_again(handler_input, content, "when_yes" if said_yes else "when_not_understood")
    return time_left_unknown(handler_input, content, "time_unclear")


def session_told(handler_input, content: LocaleContent, date_value, time_value, duration_value):
    """The person said when: note it, answer the open question for that time (or, with none
    open, the overview for that time); the offers follow."""
    attrs = handler_input.attributes_manager.session_attributes
    pending = pending_route(handler_input, content)
    asking = ELICIT in attrs
    if not (date_value or time_value or duration_value):  # "I don't know", "not sure"
        if asking:
            return time_left_unknown(handler_input, content)
        return respond(handler_input, content.phrase("fallback"), content, follow_up=False,
                       filler=True)
    now = request_now(handler_input)
    by_clock = bool(date_value or time_value) and not duration_value
    zone, zone_name = device_zone(handler_input) if by_clock else (timezone.utc, None)
    caveat = content.phrase("utc_caveat") if by_clock and zone_name is None else None
    try:
        session = session_moment(now, zone, date_value, time_value, duration_value)
    except NotYet:
        if asking and not (attrs.get(ELICIT) or {}).get("retried"):
            return _ask_again(handler_input, content, "part_of_day_ahead", slot="time")
        return time_left_unknown(handler_input, content, "time_unclear")
    except InTheFuture:
        return respond(handler_input, content.phrase("session_in_future"), content, filler=True)
    except NotUnderstood:
        if asking:
            return reply_not_a_time(handler_input, content)
        return respond(handler_input, content.phrase("when_not_understood"), content,
                       elicit={"slot": "date", "retried": True}, filler=True)
    memory.note(handler_input, session)
    attrs[OFFERS_DUE] = True
    since = elapsed(now, session)
    words = elapsed_words(since, session.date_only, content.language)
    found = pending or Route(content.topics[OVERVIEW])
    answer = found.topic.answer(found.variant)
    main = answer.after(phase(since), words) if answer.phases else answer
    if pending is None:
        main = compose(main, before=content.phrase("time_noted"))  # keeps the answer's offer
    if caveat is not None:
        main = compose(main, before=caveat)
    return respond(handler_input, main, content, topic=found.topic.id, variant=found.variant)


def accept_remember(handler_input, content: LocaleContent):
    now = request_now(handler_input)
    session = memory.known_session(handler_input, now)
    if session is None:
        return respond(handler_input, content.phrase("yes_without_offer"), content,
                       follow_up=False, filler=True)
    try:
        memory.remember(handler_input, session, now)
    except PersistenceException as exc:
        log.error("could not save the session time: %s", type(exc).__name__)
        return respond(handler_input, content.phrase("remember_failed"), content)
    return respond(handler_input, content.phrase("remembered"), content)


def decline_remember(handler_input, content: LocaleContent):
    return respond(handler_input, content.phrase("not_remembered"), content)


def _reminder_words(handler_input, session, content: LocaleContent) -> str:
    _, zone_name = device_zone(handler_input)
    return reminders.spoken_when(reminders.check_in_time(session), zone_name, content.language) or \
        content.phrase("reminder_when_unknown").speech


def accept_reminder(handler_input, content: LocaleContent):
    now = request_now(handler_input)
    session = memory.known_session(handler_input, now)
    if session is None or not reminders.worth_offering(session, now):
        return respond(handler_input, content.phrase("yes_without_offer"), content,
                       follow_up=False, filler=True)
    return set_reminder(handler_input, content, session, now, ask_by_voice=True)


def set_reminder(handler_input, content: LocaleContent, session, now, ask_by_voice: bool):
    _, zone_name = device_zone(handler_input)
    request = reminders.reminder_request(session, now, zone_name, content.locale,
                                         content.phrase("reminder_text").speech)
    try:
        reminders.create(handler_input, request)
    except reminders.PermissionMissing:
        if ask_by_voice:
            return reminders.ask_for_permission(handler_input)
        return respond(handler_input, content.phrase("reminder_permission"), content,
                       permissions=[reminders.PERMISSION])
    except Exception as exc:  # the API is down or refuses: say so, keep the conversation
        log.error("reminder not created: %s", type(exc).__name__)
        return respond(handler_input, content.phrase("reminder_failed"), content)
    when = _reminder_words(handler_input, session, content)
    handler_input.attributes_manager.session_attributes[REMINDER_SET] = when
    return respond(handler_input, content.phrase("reminder_set").filling("when", when), content)


def permission_answered(handler_input, content: LocaleContent, granted: bool):
    """Alexa asked for the reminders permission by voice; this is the answer."""
    now = request_now(handler_input)
    session = memory.known_session(handler_input, now)
    if not granted:
        return respond(handler_input, content.phrase("reminder_permission_denied"), content,
                       permissions=[reminders.PERMISSION])
    if session is None or not reminders.worth_offering(session, now):
        return respond(handler_input, content.phrase("reminder_failed"), content)
    return set_reminder(handler_input, content, session, now, ask_by_voice=False)
