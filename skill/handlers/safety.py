"""Checked before anything else: unsupported locales, then emergency and urgent answers.

The emergency answer gives the instruction and the number first, asks nothing
back and ends the session; urgent answers say whom to contact and how soon. Every safety
rule, and where each is enforced, is listed in skill/safety.py.
"""
from __future__ import annotations

from ask_sdk_core.utils import is_request_type

from ..responses import respond
from .base import ContentHandler
from .topics import TopicHandler


class UnsupportedLocaleHandler(ContentHandler):
    """A locale we have no content for gets an honest answer, not another country's number."""

    _is_session_ended = staticmethod(is_request_type("SessionEndedRequest"))  # made once

    def can_handle(self, handler_input):
        return (self.content_for(handler_input) is None
                and not self._is_session_ended(handler_input))

    def handle(self, handler_input):
        content = self.same_language_content(handler_input)
        return respond(handler_input, content.phrase("unsupported_locale"), content, follow_up=False)


class SafetyHandler(TopicHandler):
    """Emergency and urgent topics, registered before every other handler that can answer."""

    urgent = True
