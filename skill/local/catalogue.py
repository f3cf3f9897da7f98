"""Every answer the skill can speak in a locale, one entry each, for review and for tests.

Each topic's answer, each of its variants, each time phase of those (with the time since the
session said as the skill would say it), the detail behind "want to hear more?", the
reprompts, and the conversation phrases. Nothing here runs on Lambda.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Iterator

from ..content import Answer, LocaleContent
from ..time_aware.session_time import EARLY, LATE, MIDDLE, elapsed_words

PHRASES = "phrases"  # the `topic` of a conversation phrase
ANY_PHASE = "any"  # an answer spoken when the time since the session is not known
# A moment inside each phase, for "{elapsed}"; "{when}" is a reminder's day and time.
EXAMPLE_ELAPSED = {EARLY: timedelta(hours=3), MIDDLE: timedelta(hours=30), LATE: timedelta(hours=60)}
EXAMPLE_WHEN = {"en": "Saturday at three p.m.", "es": "el sábado a las tres de la tarde"}


@dataclass(frozen=True)
class Entry:
    topic: str           # topic id, or PHRASES
    variant: str         # "default", a slot value id, or the phrase's name
    phase: str           # ANY_PHASE, early, middle, late
    part: str            # "speech", "more" (the detail) or "reprompt"
    text: str            # the words, with placeholders said
    answer: Answer       # what the words come from (card, source)
    urgency: str         # routine, urgent, emergency

    @property
    def name(self) -> str:
        """A file name that says where the words come from: heat_ice.ice.early.speech."""
        return ".".join((self.topic, self.variant, self.phase, self.part))


def _parts(answer: Answer, make) -> Iterator[Entry]:
    yield make("speech", answer.speech, answer)
    if answer.more is not None:
        yield make("more", answer.more.speech, answer.more)
    if answer.reprompt:
        yield make("reprompt", answer.reprompt, answer)


def _said(text: str, phase: str, language: str = "en") -> str:
    elapsed = elapsed_words(EXAMPLE_ELAPSED.get(phase, timedelta(hours=24)), language=language)
    return text.replace("{elapsed}", elapsed).replace(
        "{when}", EXAMPLE_WHEN.get(language, EXAMPLE_WHEN["en"]))


def entries(content: LocaleContent) -> Iterator[Entry]:
    for topic in content.topics.values():
        for variant, answer in topic.answers.items():
            timed = [(ANY_PHASE, answer)] + list((answer.phases or {}).items())
            for phase, spoken in timed:
                def make(part, text, source, phase=phase, variant=variant):
                    return Entry(topic.id, variant, phase, part,
                                 _said(text, phase, content.language), source, topic.urgency)
                yield from _parts(spoken, make)
    for name, answer in content.phrases.items():
        def make(part, text, source, name=name):
            return Entry(PHRASES, name, ANY_PHASE, part, _said(text, ANY_PHASE, content.language),
                         source, "routine")
        yield from _parts(answer, make)
