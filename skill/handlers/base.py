"""What every handler shares: the loaded content, chosen by the request's locale."""
from __future__ import annotations

from typing import Mapping

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from ..content import DEFAULT_LOCALE, LocaleContent
from ..language import language_of


def request_locale(handler_input) -> str | None:
    return getattr(handler_input.request_envelope.request, "locale", None)


class ContentHandler(AbstractRequestHandler):
    def __init__(self, content: Mapping[str, LocaleContent]):
        self.content = content

    def content_for(self, handler_input) -> LocaleContent | None:
        return self.content.get(request_locale(handler_input))

    def default_content(self) -> LocaleContent:
        return self.content[DEFAULT_LOCALE]

    def same_language_content(self, handler_input) -> LocaleContent:
        """Content in the request's language, if any locale speaks it (es-MX hears Spanish),
        else the default: for saying what the skill cannot do in a locale it does not serve."""
        language = language_of(request_locale(handler_input))
        if language_of(DEFAULT_LOCALE) != language:
            for name in self.content:
                if language_of(name) == language:
                    return self.content[name]
        return self.default_content()
