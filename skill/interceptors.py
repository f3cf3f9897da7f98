"""Request logging: the intent name and the latency, never user ids, utterances or slot values."""
from __future__ import annotations

import logging
import re
import sys
import time

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_model import IntentRequest

from .state import STARTED

log = logging.getLogger("skill.requests")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,100}\Z")


def safe_label(name: object) -> str:
    """A name from the request, fit for one log line: the web service takes any JSON, so a
    newline in an intent name would otherwise forge a log line."""
    if isinstance(name, str) and _PLAIN_NAME.match(name):
        return name
    return ascii(name if not isinstance(name, str) else name[:100])


def request_label(request) -> str:
    if isinstance(request, IntentRequest) and request.intent is not None:
        return safe_label(request.intent.name)
    return safe_label(getattr(request, "object_type", None) or type(request).__name__)


class StartTimer(AbstractRequestInterceptor):
    def process(self, handler_input):
        handler_input.attributes_manager.request_attributes[STARTED] = time.perf_counter()


class LogLatency(AbstractResponseInterceptor):
    def process(self, handler_input, response):
        if not log.isEnabledFor(logging.INFO):
            return
        started = handler_input.attributes_manager.request_attributes.get(STARTED)
        elapsed_ms = (time.perf_counter() - started) * 1000 if started else float("nan")
        # The record log.info would make, without its walk up the stack to find this line:
        # that walk was a fifth of the line's cost, on every request. (No frame kept in a
        # local: it would hold itself, and only the garbage collector would free it.)
        label = request_label(handler_input.request_envelope.request)
        log.handle(log.makeRecord(log.name, logging.INFO, _HERE.co_filename, sys._getframe().f_lineno,
                                  "handled %s in %.1f ms", (label, elapsed_ms), None, _HERE.co_name))


_HERE = LogLatency.process.__code__
