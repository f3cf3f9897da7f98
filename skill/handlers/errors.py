"""The last line of defence: any unexpected error becomes a calm spoken apology."""
from __future__ import annotations

import logging
import traceback
from typing import Mapping

from ask_sdk_core.dispatch_components import AbstractExceptionHandler

from ..content import DEFAULT_LOCALE, LocaleContent
from ..responses import respond
from .base import request_locale

log = logging.getLogger(__name__)


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def __init__(self, content: Mapping[str, LocaleContent]):
        self.content = content

    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        # The exception's message may quote what the user said, so log only its
        # type and where it was raised.
        frames = traceback.extract_tb(exception.__traceback__)[-4:]
        where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames))
        log.error("unhandled %s at %s", type(exception).__name__, where)
        content = self.content.get(request_locale(handler_input)) or self.content[DEFAULT_LOCALE]
        return respond(handler_input, content.phrase("error"), content, follow_up=False)
