"""What an Echo Show, an Echo Spot or a TV shows with an answer: one APL document per kind of
answer, filled by a data source built from what was spoken.

The documents are data (content/apl/<name>.yaml, .json in the Lambda bundle), each declaring
the APL version it targets. This module is imported only when the device has a screen, so a
voice-only request, and the Lambda cold start, never load it or the APL model classes.
"""
from __future__ import annotations

import functools
import os
import re
from typing import Any

ANSWER, EMERGENCY = "answer", "emergency"  # document names; each is also its data source's key
TOKEN = "aftercare"  # one screen at a time: each answer replaces the last
ARTICLE = "What to Do After Dry Needling for Best Results"
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


@functools.lru_cache(maxsize=None)
def document(name: str) -> dict[str, Any]:
    """content/apl/<name>: loaded once per process, then sent as it is (JsonReady: the
    serializer does not walk it on every answer)."""
    from .content import _read_data, data_file, default_content_dir
    from .serializer import JsonReady

    return JsonReady(_read_data(data_file(os.path.join(default_content_dir(), "apl"), name)))


def why_line(speech: str, spoken_number: str) -> str:
    """The emergency answer's one line of why: its first sentence that is not the instruction
    (the instruction is the one naming the number, which the headline already shows)."""
    for sentence in _SENTENCE.findall(speech):
        if spoken_number not in sentence and sentence.strip():
            return sentence.strip()
    return ""


def source_line(sections) -> str:
    return f"From \u201c{ARTICLE}\u201d: {'; '.join(sections)}" if sections else ""


def screen_for(last: dict) -> tuple[str, dict[str, Any]]:
    """(document name, data sources) for a stored answer (responses.respond's `last`)."""
    number = last.get("emergency")
    if number:
        return EMERGENCY, {EMERGENCY: {"headline": last["title"],
                                       "why": why_line(last["speech"], number)}}
    detail = last.get("text") or ""
    if " ".join(detail.split()) == " ".join(last["speech"].split()):
        detail = ""  # said already
    return ANSWER, {ANSWER: {"title": last["title"], "speech": last["speech"],
                             "detail": detail, "source": source_line(last.get("source") or ())}}


def render_directive(last: dict):
    """Alexa.Presentation.APL.RenderDocument for a stored answer."""
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    from .serializer import JsonReady

    name, datasources = screen_for(last)
    return RenderDocumentDirective(token=TOKEN, document=document(name),
                                   datasources=JsonReady(datasources))
