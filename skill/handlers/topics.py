"""One handler for every content topic: the words live in content/, not here."""
from __future__ import annotations

from ..responses import respond
from ..routing import Route, route
from ..state import READ_BY_GRAMMAR, ROUTE
from ..time_aware import answers
from .base import ContentHandler




class TopicHandler(ContentHandler):
    """Answers requests routed to routine topics; SafetyHandler is the same for urgent ones."""

    urgent = False

    def _route(self, handler_input) -> Route | None:
        # Safety's and the topics' can_handle and handle all need the route: work it out
        # once per request.
        cache = handler_input.attributes_manager.request_attributes
        if ROUTE not in cache:
            content = self.content_for(handler_input)
            cache[ROUTE] = content and route(handler_input.request_envelope.request, content,
                                              escalate=READ_BY_GRAMMAR not in cache)
        found = cache[ROUTE]
        if found and (found.topic.urgency != "routine") == self.urgent:
            return found
        return None

    def can_handle(self, handler_input):
        return self._route(handler_input) is not None

    def handle(self, handler_input):
        found = self._route(handler_input)
        content = self.content_for(handler_input)
        answer = found.topic.answer(found.variant)
        if answer.phases:
            # Urgent answers never wait for a question back: they are spoken in
            # their general form when the session time is unknown.
            answer_now = answers.timed(handler_input, answer)
            if answer_now is not None:
                answer = answer_now
            elif not self.urgent and answers.should_ask_when(handler_input, answer):
                # Answer first: the general answer holds both phases; then one short question.
                return answers.answer_then_ask_when(handler_input, content, found, answer)
        # Urgent and emergency answers never end with "what else would you like to know?".
        return respond(handler_input, answer, content, topic=found.topic.id,
                       variant=found.variant, follow_up=not self.urgent)
