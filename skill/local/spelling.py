"""Typed text only: misspelt words put right before the resolver reads them ("paracetemol").

A speech recogniser hears words, not typos, so the Lambda path never needs this (and never
ships rapidfuzz); `aftercare ask` and `chat` take typed text and do.
"""
from __future__ import annotations

import functools

from ..understanding.red_flags import ENGLISH
from ..understanding.resolver import _stem, normalise

SPELLING_THRESHOLD = 85
SHORTEST_CORRECTED = 6  # shorter words are too close to too many others ("plane", "place")


class Speller:
    def __init__(self, vocabulary: list[str], keep: frozenset[str] = frozenset(),
                 language: str = ENGLISH):
        self.vocabulary = vocabulary
        self.language = language
        self.known = frozenset(vocabulary) | keep
        self.known_stems = frozenset(_stem(w, language) for w in self.known)

    def corrected(self, text: str) -> str:
        return " ".join(self._word(w) for w in normalise(text, self.language).split())

    @functools.lru_cache(maxsize=4096)
    def _word(self, word: str) -> str:
        if len(word) < SHORTEST_CORRECTED or word in self.known \
                or _stem(word, self.language) in self.known_stems:
            return word  # a known word in another form ("effect", "effects") is no typo
        from rapidfuzz import fuzz, process

        best = process.extractOne(word, self.vocabulary, scorer=fuzz.ratio,
                                  score_cutoff=SPELLING_THRESHOLD)
        return best[0] if best else word
