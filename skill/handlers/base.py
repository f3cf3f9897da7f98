"""What every handler shares: the loaded content, chosen by the request's locale."""
from __future__ import annotations

from typing import Mapping

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from ..content import DEFAULT_LOCALE, LocaleContent


def request_locale(handler_input) -> str | None:
    return getattr(handler_input.request_envelope.request, "locale", None)


class ContentHandler(AbstractRequestHandler):
    def __init__(self, content: Mapping[str, LocaleContent]):
        self.content = content

    def content_for(self, handler_input) -> LocaleContent | None:
        return self.content.get(request_locale(handler_input))

    def default_content(self) -> LocaleContent:
        return self.content[DEFAULT_LOCALE]
