"""The offers that may end a turn once the session time was told: keeping it, then a reminder.

Apart from skill/time_aware/answers.py because skill/responses.py asks for the next offer at the
end of every answer, and answers.py builds on responses.py: here nothing imports it back.
"""
from __future__ import annotations

from ..alexa_api import service_clients
from ..content import Answer, LocaleContent
from ..privacy import reminders_enabled
from ..state import OFFERS_DUE, OFFERS_MADE, REMEMBER, REMINDER, REMINDER_SET
from . import memory, reminders
from .clock import request_now


def due_offer(handler_input, content: LocaleContent) -> tuple[Answer | None, str | None]:
    """The next offer, once the session time was told: first keeping it, then the 48-hour
    check. Each is asked at most once, and only at the end of a turn that asks nothing else."""
    attrs = handler_input.attributes_manager.session_attributes
    if not attrs.get(OFFERS_DUE):
        return None, None
    made = attrs.setdefault(OFFERS_MADE, [])
    now = request_now(handler_input)
    session = memory.known_session(handler_input, now)
    if session is not None:
        if (REMEMBER not in made and memory.has_store(handler_input)
                and not memory.is_remembered(handler_input)):
            made.append(REMEMBER)
            return content.phrase("offer_remember"), REMEMBER
        if (REMINDER not in made and not attrs.get(REMINDER_SET)
                and service_clients(handler_input) is not None
                and reminders_enabled()  # off unless the clinic turns it on (skill/privacy.py)
                and reminders.worth_offering(session, now)):
            made.append(REMINDER)
            return content.phrase("offer_reminder"), REMINDER
    attrs.pop(OFFERS_DUE, None)
    return None, None
