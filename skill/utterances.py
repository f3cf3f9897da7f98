"""Local stand-in for Alexa's language understanding: typed words -> intent and slots.

Used only by the local ways in (`aftercare ask` / `chat`) and the tests; on a real
device Alexa does this from interaction_model/. Order of checks:
  1. red-flag phrases from content (emergency, then urgent) win outright, so
     "my chest hurts when I stretch" can never become a stretching question;
  2. an exact match of a sample, with slots filled from the slot types' values
     and synonyms (or, failing that, with any words, as Alexa does for an
     unrecognised slot value);
  3. a fuzzy match (rapidfuzz) against every sample above a threshold;
  4. else AMAZON.FallbackIntent.
"""
from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from .builtin_slots import FUZZY_PATTERNS as FUZZY_BUILTIN_PATTERNS
from .builtin_slots import PATTERNS as BUILTIN_PATTERNS
from .content import LocaleContent, data_dir

FALLBACK = "AMAZON.FallbackIntent"
# Below this score (weighted share of informative words, 0-100) a guess is worse than an honest "I don't have guidance
# on that": measured on tests/data/heldout_en-US.yaml, see the closing note of issue 2.
FUZZY_THRESHOLD = 55
SPELLING_THRESHOLD = 85

MIN_LITERAL_WORDS = 2
_SLOT_REF = re.compile(r"\{(\w+)\}")
_URGENCY_ORDER = {"emergency": 0, "urgent": 1}


def normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return " ".join(text.split())


def model_path(locale: str, root: Path | None = None) -> Path:
    root = root or data_dir("interaction_model")
    return root / f"{locale}.json"


@dataclass(frozen=True)
class SlotFill:
    value: str
    id: str | None = None  # None: heard, but not a value of the slot type
    name: str | None = None  # the value's canonical name, when recognised


@dataclass(frozen=True)
class Match:
    intent: str
    how: str  # red_flag | exact | fuzzy | fallback
    slots: dict[str, SlotFill] = field(default_factory=dict)
    score: float = 100.0


@dataclass(frozen=True)
class _Sample:
    intent: str
    text: str
    slot_types: dict[str, str]  # slot name -> type name, for the slots this sample uses
    known: re.Pattern[str] | None  # slots restricted to their types' values
    wildcard: re.Pattern[str] | None  # slots take any words
    template: str  # slots replaced by a per-type token, for fuzzy matching


class UtteranceResolver:
    def __init__(self, model: dict, content: LocaleContent, threshold: float = FUZZY_THRESHOLD):
        language = model["interactionModel"]["languageModel"]
        self.threshold = threshold
        self.values: dict[str, dict[str, tuple[str, str]]] = {}  # type -> synonym -> (id, name)
        for slot_type in language.get("types", []):
            table = self.values.setdefault(slot_type["name"], {})
            for value in slot_type["values"]:
                name = value["name"]["value"]
                for said in (name, *value["name"].get("synonyms", [])):
                    table.setdefault(normalise(said), (value.get("id") or name, name))
        self._alternations = {
            t: "|".join(re.escape(s) for s in sorted(table, key=len, reverse=True))
            for t, table in self.values.items()
        }
        # Built-in types take their own grammar, never free words.
        self._alternations.update(BUILTIN_PATTERNS)
        self.exact: dict[str, str] = {}
        self.samples: list[_Sample] = []
        for intent in language["intents"]:
            slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            for sample in intent.get("samples", []):
                self._add_sample(intent["name"], normalise_sample(sample), slot_types)
        self.templates = [s.template for s in self.samples]
        self.red_flags = sorted(
            (t for t in content.topics.values() if t.red_flags and t.urgency in _URGENCY_ORDER),
            key=lambda t: (_URGENCY_ORDER[t.urgency], t.id))

    @classmethod
    def for_locale(cls, content: LocaleContent, locale: str | None = None, **kwargs):
        with model_path(locale or content.locale).open(encoding="utf-8") as fh:
            return cls(json.load(fh), content, **kwargs)

    def _add_sample(self, intent: str, text: str, slot_types: dict[str, str]) -> None:
        used = {name: slot_types[name] for name in _SLOT_REF.findall(text) if name in slot_types}
        if not used:
            self.exact.setdefault(text, intent)
            known = wildcard = None
        else:
            known = re.compile("^" + self._pattern(text, used, known_only=True) + "$")
            # A slot may take unknown words only where enough of the sample is
            # literal; a bare "{drink}" sample would otherwise match anything.
            literal = _SLOT_REF.sub(" ", text).split()
            wildcard = (re.compile("^" + self._pattern(text, used, known_only=False) + "$")
                        if len(literal) >= MIN_LITERAL_WORDS else None)
        template = _SLOT_REF.sub(lambda m: _token(used.get(m.group(1), m.group(1))), text)
        self.samples.append(_Sample(intent, text, used, known, wildcard, template))

    def _pattern(self, text: str, used: dict[str, str], known_only: bool) -> str:
        out, pos = [], 0
        for m in _SLOT_REF.finditer(text):
            out.append(re.escape(text[pos:m.start()]))
            name = m.group(1)
            alternation = self._alternations.get(used.get(name, ""))
            # An unknown slot value is a short phrase, not the rest of a sentence.
            if used.get(name) in BUILTIN_PATTERNS:
                body = BUILTIN_PATTERNS[used[name]]
            elif known_only and alternation:
                body = alternation
            else:
                body = r"[a-z0-9']+(?: [a-z0-9']+){0,2}"
            out.append(f"(?P<{name}>{body})")
            pos = m.end()
        out.append(re.escape(text[pos:]))
        return "".join(out)

    # ------------------------------------------------------------ resolving

    def resolve(self, utterance: str) -> Match:
        text = normalise(utterance)
        if not text:
            return Match(FALLBACK, "fallback", score=0.0)
        for topic in self.red_flags:
            if topic.names_red_flag(text):
                return Match(topic.intent, "red_flag", self._slots_in(text, topic.intent))
        if text in self.exact:
            return Match(self.exact[text], "exact")
        for attempt in ("known", "wildcard"):
            for sample in self.samples:
                pattern = getattr(sample, attempt)
                m = pattern.match(text) if pattern else None
                if m and (attempt == "known" or not self._holds_known_value(m)):
                    slots = {n: self._fill(sample.slot_types[n], v) for n, v in m.groupdict().items()}
                    return Match(sample.intent, "exact", slots)
        return self._fuzzy(text)

    def _holds_known_value(self, m: re.Match) -> bool:
        """"a run tomorrow" holds the known "a run" (and "an energy drink" is no medicine):
        a job for the fuzzy match, not an unknown value."""
        return any(self._any_value.search(said) for said in m.groupdict().values())

    @functools.cached_property
    def _any_value(self) -> re.Pattern[str]:
        custom = [a for t, a in self._alternations.items() if a and t not in BUILTIN_PATTERNS]
        return re.compile(r"\b(?:" + "|".join(custom) + r")\b")

    def _fill(self, slot_type: str, said: str) -> SlotFill:
        found = self.values.get(slot_type, {}).get(said)
        return SlotFill(said, found[0], found[1]) if found else SlotFill(said)

    def _typed_values(self, text: str) -> tuple[str, dict[str, str]]:
        """Replace every recognised slot value with its type's token, longest values first."""
        found: dict[str, str] = {}
        for slot_type, alternation in {**self._alternations, **FUZZY_BUILTIN_PATTERNS}.items():
            if not alternation:
                continue
            pattern = re.compile(rf"\b(?:{alternation})\b")

            def swap(m, slot_type=slot_type):
                found.setdefault(slot_type, m.group(0))
                return _token(slot_type)
            text = pattern.sub(swap, text, count=1)
        return text, found

    def _slots_in(self, text: str, intent: str) -> dict[str, SlotFill]:
        """Slots of `intent` whose values appear anywhere in the text."""
        _, found = self._typed_values(text)
        slots = {}
        for sample in self.samples:
            if sample.intent == intent:
                for name, slot_type in sample.slot_types.items():
                    if slot_type in found:
                        slots[name] = self._fill(slot_type, found[slot_type])
        return slots

    def _fuzzy(self, text: str) -> Match:
        """Nearest sample by informative words shared, after correcting typos.

        Each word weighs by how few intents use it (inverse document frequency),
        and a word no sample or slot value knows weighs the most: "what should I
        eat after dry needling" shares everything with "what should I expect
        after dry needling" except the word that matters.
        """
        words = [self._spell(w) for w in text.split()]
        template, found = self._typed_values(" ".join(words))
        # A slot value counts as its slot type, and also as itself where samples
        # use it literally: "sore" is a {symptom} value and a word of soreness samples.
        bag = {_stem(w) for w in template.split()}
        bag |= {_stem(w) for w in words} & self._sample_words
        best_score, best = 0.0, None
        for sample, sample_bag in zip(self.samples, self._bags):
            common = sum(self._idf(w) for w in bag & sample_bag)
            if not common:
                continue
            score = 2 * common / (sum(self._idf(w) for w in bag)
                                  + sum(self._idf(w) for w in sample_bag))
            if score > best_score:
                best_score, best = score, sample
        score = round(best_score * 100, 1)
        if best is None or score < self.threshold:
            return Match(FALLBACK, "fallback", score=score)
        slots = {name: self._fill(t, found[t]) for name, t in best.slot_types.items() if t in found}
        return Match(best.intent, "fuzzy", slots, score)

    @functools.cached_property
    def _bags(self) -> list[frozenset[str]]:
        return [frozenset(_stem(w) for w in s.template.split()) for s in self.samples]

    @functools.cached_property
    def _sample_words(self) -> frozenset[str]:
        return frozenset().union(*self._bags)

    @functools.cached_property
    def _document_frequency(self) -> dict[str, int]:
        per_intent: dict[str, set[str]] = {}
        for sample, bag in zip(self.samples, self._bags):
            per_intent.setdefault(sample.intent, set()).update(bag)
        counts: dict[str, int] = {}
        for bag in per_intent.values():
            for word in bag:
                counts[word] = counts.get(word, 0) + 1
        self._intent_count = len(per_intent)
        return counts

    def _idf(self, word: str) -> float:
        df = self._document_frequency.get(word, 0)
        return math.log((self._intent_count + 1) / (df + 1)) + 1.0

    @functools.cached_property
    def _vocabulary(self) -> list[str]:
        words = {w for s in self.samples for w in s.template.split()}
        words.update(w for table in self.values.values() for said in table for w in said.split())
        return sorted(words)

    def _spell(self, word: str) -> str:
        """A misspelt word becomes the known word it is closest to ("paracetemol")."""
        if len(word) < 5 or word.startswith("slot") or word in self._known_words:
            return word
        from rapidfuzz import fuzz, process  # only the local ways in need it

        best = process.extractOne(word, self._vocabulary, scorer=fuzz.ratio,
                                  score_cutoff=SPELLING_THRESHOLD)
        return best[0] if best else word

    @functools.cached_property
    def _known_words(self) -> frozenset[str]:
        return frozenset(self._vocabulary)


def normalise_sample(sample: str) -> str:
    """Like normalise(), but keeps {slot} references."""
    parts = re.split(r"(\{\w+\})", sample)
    return " ".join(" ".join(p if _SLOT_REF.fullmatch(p) else normalise(p) for p in parts).split())


def _stem(word: str) -> str:
    """A crude suffix strip so "stretches", "stretching" and "stretch" meet."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix) and not word.startswith("slot"):
            return word[: -len(suffix)]
    return word


def _token(slot_type: str) -> str:
    return f"slot{slot_type.lower()}"
