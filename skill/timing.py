"""The time-aware layer's decisions, shared by the topic and conversation handlers.

An answer with phases (early < 24 h <= middle < 48 h <= late) is spoken for the
time since the session when that is known; when it is not, the skill asks once
per conversation ("When was your session, for example this morning, ...?") and keeps the question
pending, so the reply ("this morning") answers it.
"""
from __future__ import annotations

import logging
from datetime import timezone

from ask_sdk_core.exceptions import PersistenceException

from . import memory, reminders
from .clock import device_zone, request_now
from .content import Answer, LocaleContent
from .responses import OFFER, REMEMBER, REMINDER, WHEN, compose, respond
from .routing import Route
from .session_time import InTheFuture, NotUnderstood, elapsed, elapsed_words, phase, session_moment

log = logging.getLogger(__name__)
ASKED_WHEN = "asked_when"


def timed(handler_input, answer: Answer) -> Answer | None:
    """`answer` for the time since the session, or None when that time is unknown."""
    if not answer.phases:
        return None
    now = request_now(handler_input)
    session = memory.known_session(handler_input, now)
    if session is None:
        return None
    since = elapsed(now, session)
    return answer.after(phase(since), elapsed_words(since, session.date_only))


def should_ask_when(handler_input, answer: Answer) -> bool:
    attrs = handler_input.attributes_manager.session_attributes
    return bool(answer.phases) and not attrs.get(ASKED_WHEN)


def ask_when(handler_input, content: LocaleContent, found: Route):
    handler_input.attributes_manager.session_attributes[ASKED_WHEN] = True
    return respond(handler_input, content.phrase("ask_when"), content, follow_up=False,
                   topic=found.topic.id, variant=found.variant,
                   offer={"kind": WHEN, "topic": found.topic.id, "variant": found.variant})


def pending_route(handler_input, content: LocaleContent) -> Route | None:
    """The question that asking for the session time interrupted, if any."""
    offer = handler_input.attributes_manager.session_attributes.get(OFFER) or {}
    topic = content.topics.get(offer.get("topic")) if offer.get("kind") == WHEN else None
    return Route(topic, offer.get("variant") or "default") if topic else None


def answer_without_time(handler_input, content: LocaleContent, found: Route, before: Answer | None = None):
    """The pending question, answered generally (no time given, or "no")."""
    answer = compose(found.topic.answer(found.variant), before=before)
    return respond(handler_input, answer, content, topic=found.topic.id, variant=found.variant)


def _reminder_offer(handler_input, content: LocaleContent, session, now
                    ) -> tuple[Answer | None, dict | None]:
    """The 48-hour check, when an Alexa API client can set it and it is still ahead."""
    if session and handler_input.service_client_factory is not None \
            and reminders.worth_offering(session, now):
        return content.phrase("offer_reminder"), {"kind": REMINDER}
    return None, None


def _next_offer(handler_input, content: LocaleContent, session, now) -> tuple[Answer | None, dict | None]:
    """After the time is known: first the consent question, then the 48-hour check."""
    if memory.has_store(handler_input) and not memory.is_remembered(handler_input):
        return content.phrase("offer_remember"), {"kind": REMEMBER}
    return _reminder_offer(handler_input, content, session, now)


def session_told(handler_input, content: LocaleContent, date_value, time_value, duration_value):
    """The person said when: note it, answer the pending question for that time, offer memory."""
    now = request_now(handler_input)
    by_clock = bool(date_value or time_value) and not duration_value
    zone, zone_name = device_zone(handler_input) if by_clock else (timezone.utc, None)
    caveat = content.phrase("utc_caveat") if by_clock and zone_name is None else None
    pending = pending_route(handler_input, content)
    try:
        session = session_moment(now, zone, date_value, time_value, duration_value)
    except InTheFuture:
        future = content.phrase("session_in_future")
        if pending:
            return answer_without_time(handler_input, content, pending, before=future)
        return respond(handler_input, future, content)
    except NotUnderstood:
        if pending:  # asked once already: no second question, the general advice instead
            return answer_without_time(handler_input, content, pending,
                                       before=content.phrase("time_unclear"))
        return respond(handler_input, content.phrase("when_not_understood"), content,
                       follow_up=False)
    memory.note(handler_input, session)
    since = elapsed(now, session)
    words = elapsed_words(since, session.date_only)
    main = content.phrase("time_noted").saying(words)
    if pending:
        answer = pending.topic.answer(pending.variant)
        main = answer.after(phase(since), words) if answer.phases else answer
    then, offer = _next_offer(handler_input, content, session, now)
    spoken = compose(main, before=caveat, then=then)
    return respond(handler_input, spoken, content, topic=pending.topic.id if pending else None,
                   variant=pending.variant if pending else "default", offer=offer)


def accept_remember(handler_input, content: LocaleContent):
    now = request_now(handler_input)
    session = memory.known_session(handler_input, now)
    if session is None:
        return respond(handler_input, content.phrase("yes_without_offer"), content, follow_up=False)
    try:
        memory.remember(handler_input, session, now)
    except PersistenceException as exc:
        log.error("could not save the session time: %s", type(exc).__name__)
        return respond(handler_input, content.phrase("remember_failed"), content)
    then, offer = _next_offer(handler_input, content, session, now)
    return respond(handler_input, compose(content.phrase("remembered"), then=then), content,
                   offer=offer)


def decline_remember(handler_input, content: LocaleContent):
    now = request_now(handler_input)
    then, offer = _reminder_offer(handler_input, content, memory.known_session(handler_input, now),
                                  now)
    return respond(handler_input, compose(content.phrase("not_remembered"), then=then), content,
                   offer=offer)


def accept_reminder(handler_input, content: LocaleContent):
    now = request_now(handler_input)
    session = memory.known_session(handler_input, now)
    if session is None or not reminders.worth_offering(session, now):
        return respond(handler_input, content.phrase("yes_without_offer"), content, follow_up=False)
    _, zone_name = device_zone(handler_input)
    request = reminders.reminder_request(session, now, zone_name, content.locale,
                                         content.phrase("reminder_text").speech)
    try:
        reminders.create(handler_input, request)
    except reminders.PermissionMissing:
        return respond(handler_input, content.phrase("reminder_permission"), content,
                       permissions=[reminders.PERMISSION])
    except Exception as exc:  # the API is down or refuses: say so, keep the conversation
        log.error("reminder not created: %s", type(exc).__name__)
        return respond(handler_input, content.phrase("reminder_failed"), content)
    return respond(handler_input, content.phrase("reminder_set"), content)
