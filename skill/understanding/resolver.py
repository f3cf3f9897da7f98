"""The skill's own understanding of a sentence: words -> intent and slots.

Used by the local ways in (`aftercare ask` / `chat`), and on a device for what Alexa hands
over as free speech (StatementIntent, skill/understanding/free_speech.py). Order of checks:
  1. the red-flag grammar (skill/understanding/red_flags.py: emergency, then urgent) wins
     outright, so "my chest hurts when I stretch" can never become a stretching question; flags the
     sentence denies are taken out and the rest is matched;
  2. an exact sample, or a sample whose slots hold known values ("can i take tylenol");
  3. the intent with the most evidence: every word stem and word pair of the samples weighs
     by how specific it is to an intent; below a threshold, an honest fallback;
  4. a sample heard with a value its slot type does not know ("can i take zyrtec") answers
     when the evidence agrees on its intent or is too thin to say, so the answer can say it
     has no guidance on that value.

The index behind 2 and 3 is plain data (`build_index`): `aftercare build-lambda` computes it
once and ships it as JSON, so a free-text request on Lambda builds nothing.
"""
from __future__ import annotations

import functools
import json
import math
import re
import struct
from itertools import compress, count, repeat
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, NamedTuple

from .builtin_slots import FUZZY_PATTERNS as FUZZY_BUILTIN_PATTERNS
from .builtin_slots import PATTERNS as BUILTIN_PATTERNS
from ..content import LocaleContent, data_dir, data_file
from .red_flags import ENGLISH, PhraseTrie, language_of, tokens_of

FALLBACK = "AMAZON.FallbackIntent"
FREE_SPEECH_TYPE = "AMAZON.SearchQuery"
INDEX_VERSION = 6
INDEX_STEM = "resolver_index"  # content/<locale>/resolver_index.json in the Lambda bundle
# Evidence (idf-weighted, shared out among the intents that use a word) that a guess needs.
# A sentence with a word no sample knows ("can i smoke") needs more than one whose every word
# is known ("sore"), and that one must also give the best intent a fair share of all its
# evidence ("when is my next appointment" spreads thin). Chosen on the development half of
# tests/data/heldout/ and the older tests/data/heldout_en-US.yaml only, never the test half.
EVIDENCE_NEEDED = 5.0
EVIDENCE_NEEDED_ALL_KNOWN = 2.0
SHARE_NEEDED_ALL_KNOWN = 0.35
# A weight is a whole number of ten-thousandths: evidence is summed exactly, so no order of
# adding (the hash seed's, or any other) changes a score.
WEIGHT_UNIT = 10_000
MIN_LITERAL_WORDS = 2
_SLOT_REF = re.compile(r"\{(\w+)\}")
# What is not a word character: English keeps a-z; another language keeps Latin-1's lower-case
# letters too (á é í ó ú ñ ü), as the red-flag grammar's tokens do.
_NOT_WORD = {ENGLISH: re.compile(r"[^a-z0-9' ]+")}
_NOT_WORD_LATIN = re.compile(r"[^a-z0-9'\u00df-\u00f6\u00f8-\u00ff ]+")
_ASCII_NOT_WORD = str.maketrans({c: " " for c in map(chr, range(128))
                                if not (c.islower() or c.isdigit() or c in "' ")})
# The word stemmer (snowballstemmer) for each language; the locale's language picks it.
STEMMERS = {ENGLISH: "english", "es": "spanish"}
_DECIMAL = re.compile(r"\d")


def normalise(text: str, language: str = ENGLISH) -> str:
    text = text.lower()
    if text.isascii():  # (most sentences) what either pattern does to ASCII, in one C pass
        text = text.translate(_ASCII_NOT_WORD)
    else:
        text = _NOT_WORD.get(language, _NOT_WORD_LATIN).sub(" ", text.replace("\u2019", "'"))
    return " ".join(text.split())


def _needs(pattern: re.Pattern[str]):
    """A test that is false only for text `pattern` cannot match in: any match contains one of
    a few strings (or a decimal digit) read off the pattern itself; None when the pattern does
    not say (flags, or a part that could be anything). The built-in values' patterns are tried
    on every free-text request and most sentences name no time, date or duration."""
    try:
        from re import _constants as sre, _parser

        parsed = _parser.parse(pattern.pattern, pattern.flags)
        if parsed.state.flags & ~(re.UNICODE | re.ASCII):
            return None  # (?i) and the like: the strings would not be the text's
        found = _contained(parsed.data, sre)
    except Exception:  # noqa: BLE001 - a pattern this cannot read is simply always tried
        return None
    if found is None:
        return None
    # A string that holds another of them adds nothing to the test: the shorter one is in the
    # text whenever it is.
    strings = tuple(sorted(s for s in found[0] if not any(o != s and o in s for o in found[0])))
    digit = found[1]
    if digit:
        return lambda text: any(map(text.__contains__, strings)) or _DECIMAL.search(text) is not None
    return lambda text: any(map(text.__contains__, strings))


def _contained(items, sre) -> tuple[set[str], bool] | None:
    """(strings, digit) such that every match of this sequence of parsed items contains one
    of the strings, or a decimal digit when `digit`; None when there are none."""
    best, run = None, ""

    def better(a, b):
        if a is None or b is None:
            return a or b
        def strength(x):
            return (min((len(s) for s in x[0]), default=0) if not x[1] else 1, -len(x[0]))
        return a if strength(a) >= strength(b) else b

    for op, av in list(items) + [(None, None)]:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        if run:  # a run of literal characters is in every match as it is
            best, run = better(best, ({run}, False)), ""
        if op is sre.SUBPATTERN:
            _, add_flags, del_flags, sub = av
            if not add_flags and not del_flags:
                best = better(best, _contained(sub, sre))
        elif op is sre.BRANCH:
            strings, digit = set(), False
            for alternative in av[1]:
                found = _contained(alternative, sre)
                if found is None:
                    break
                strings |= found[0]
                digit = digit or found[1]
            else:
                best = better(best, (strings, digit))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
            best = better(best, _contained(av[2], sre))
        elif op is sre.IN:
            if av == [(sre.CATEGORY, sre.CATEGORY_DIGIT)]:
                best = better(best, (set(), True))
            elif av and all(o is sre.LITERAL for o, _ in av) and len(av) <= 10:
                best = better(best, ({chr(c) for _, c in av}, False))
    return best


def normalise_sample(sample: str, language: str = ENGLISH) -> str:
    """Like normalise(), but keeps {slot} references."""
    parts = re.split(r"(\{\w+\})", sample)
    return " ".join(" ".join(p if _SLOT_REF.fullmatch(p) else normalise(p, language)
                             for p in parts).split())


def model_path(locale: str, root: Path | None = None) -> Path:
    return Path(root or data_dir("interaction_model")) / f"{locale}.json"


@functools.lru_cache(maxsize=8192)
def _stem(word: str, language: str = ENGLISH) -> str:
    """Word stems (snowballstemmer: Porter2 for English), so "aches", "aching" and "ache" meet,
    and "duele", "dolía" and "doler" do in Spanish."""
    if word.startswith("slot"):
        return word
    return _stemmer(language).stemWord(word)


@functools.lru_cache(maxsize=None)
def _stemmer(language: str = ENGLISH):
    import snowballstemmer  # on the first free-speech request, not at cold start

    return snowballstemmer.stemmer(STEMMERS.get(language, STEMMERS[ENGLISH]))


@functools.lru_cache(maxsize=None)  # a handful of slot types, named on every request
def _token(slot_type: str) -> str:
    return f"slot{slot_type.lower().replace('.', '')}"


def _features(words: list[str], language: str = ENGLISH) -> set[str]:
    # "it's" as "it is", the way the red-flag grammar reads a sentence too.
    stems = list(map(_stem, tokens_of(" ".join(words), language=language), repeat(language)))
    return set(stems) | set(map(" ".join, zip(stems, stems[1:])))  # (the set built as before)


class _StemTable(dict):
    """word -> _stem(word) for the words of the samples, the values and the grammar: a plain
    dict lookup, where _stem's cache hashes (word, language) on every call. Other words are
    stemmed through that cache and not kept, so the table never outgrows the vocabulary."""

    def __init__(self, language: str, keep: frozenset[str] | set[str]):
        super().__init__()
        self.language = language
        self.keep = keep

    def __missing__(self, word: str) -> str:
        stem = _stem(word, self.language)
        if word in self.keep:
            self[word] = stem
        return stem


class SlotFill(NamedTuple):
    value: str
    id: str | None = None  # None: heard, but not a value of the slot type
    name: str | None = None  # the value's canonical name, when recognised


NO_SLOTS: Mapping[str, SlotFill] = MappingProxyType({})  # shared, so it cannot be changed


class Match(NamedTuple):  # (named tuples: one is made for every sentence read)
    intent: str
    how: str  # red_flag | exact | evidence | fallback
    slots: Mapping[str, SlotFill] = NO_SLOTS
    score: float = 100.0
    # Topics of red flags the sentence denied ("no chest pain, just sore"): the answer to
    # the rest ends with a safety line when one of them is the emergency.
    denied: tuple[str, ...] = ()


# ---------------------------------------------------------------- the index (build time)

def build_index(model: dict, language: str = ENGLISH) -> dict:
    """Everything the resolver needs from an interaction model, as JSON-ready data; `language`
    is the model's ("es" for es-US), for its words and stems."""
    language_model = model["interactionModel"]["languageModel"]
    values: dict[str, dict[str, list[str]]] = {}
    for slot_type in language_model.get("types", []):
        table = values.setdefault(slot_type["name"], {})
        for value in slot_type["values"]:
            name = value["name"]["value"]
            for said in (name, *value["name"].get("synonyms", [])):
                table.setdefault(normalise(said, language), [value.get("id") or name, name])
    exact: dict[str, str] = {}
    typed: dict[str, list] = {}
    wildcards: dict[str, list] = {}
    per_intent: dict[str, dict[str, int]] = {}
    sample_count: dict[str, int] = {}
    intent_slots: dict[str, dict[str, str]] = {}
    for intent in language_model["intents"]:
        name = intent["name"]
        slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        if FREE_SPEECH_TYPE in slot_types.values():
            continue  # a carrier phrase says how a sentence starts, not what it means
        intent_slots[name] = slot_types
        for raw in intent.get("samples", []):
            text = normalise_sample(raw, language)
            used = {n: slot_types[n] for n in _SLOT_REF.findall(text) if n in slot_types}
            template = _SLOT_REF.sub(lambda m: _token(used.get(m.group(1), m.group(1))), text)
            if used:
                typed.setdefault(template, [name, {_token(t): n for n, t in used.items()}])
                literal = _SLOT_REF.sub(" ", text).split()
                if len(used) == 1 and len(literal) >= MIN_LITERAL_WORDS \
                        and not any(t in BUILTIN_PATTERNS for t in used.values()):
                    # "can i take {medicine}": any short phrase in the slot, for an
                    # unrecognised value ("can i take zyrtec"); keyed by the words around it.
                    before, after = (normalise(part, language)
                                     for part in _SLOT_REF.split(text, 1)[::2])
                    slot_name = next(iter(used))
                    wildcards.setdefault(f"{before}|{after}", [name, slot_name, used[slot_name]])
            else:
                exact.setdefault(text, name)
            counts = per_intent.setdefault(name, {})
            for feature in _features(template.split(), language):
                counts[feature] = counts.get(feature, 0) + 1
            sample_count[name] = sample_count.get(name, 0) + 1
    # weight(feature, intent) = idf(feature) * the intent's share of the feature's use, where
    # use is the share of an intent's samples that have it: a word every intent uses weighs
    # nothing, a word one intent uses often weighs the most.
    intents = len(per_intent)
    df: dict[str, int] = {}
    for counts in per_intent.values():
        for feature in counts:
            df[feature] = df.get(feature, 0) + 1
    features: dict[str, dict[str, float]] = {}
    for feature, n in df.items():
        idf = math.log((intents + 1) / (n + 1))
        if idf <= 0:
            continue
        rates = {i: c[feature] / sample_count[i] for i, c in per_intent.items() if feature in c}
        total = sum(rates.values())
        # (rounded to four places, as the weights always were, then counted in units; a
        # weight of none is no weight)
        units = {i: round(round(idf * r / total, 4) * WEIGHT_UNIT) for i, r in rates.items()}
        features[feature] = {i: u for i, u in units.items() if u}
    vocabulary = sorted({w for t in list(exact) + list(typed) for w in t.split()}
                        | {w for table in values.values() for said in table for w in said.split()})
    return {"version": INDEX_VERSION, "values": values, "exact": exact, "typed": typed,
            "wildcards": wildcards, "features": features, "vocabulary": vocabulary,
            "longest_wildcard": max((len(k.replace("|", " ").split()) for k in wildcards), default=0),
            "intent_slots": intent_slots}


def index_for_locale(locale: str) -> dict:
    """The shipped index (Lambda bundle) if there is one, else built from the model."""
    shipped = Path(data_file(Path(data_dir("content")) / locale, INDEX_STEM))
    if shipped.suffix == ".json" and shipped.is_file():
        index = json.loads(shipped.read_text(encoding="utf-8"))
        if index.get("version") == INDEX_VERSION:
            return index
    with model_path(locale).open(encoding="utf-8") as fh:
        return build_index(json.load(fh), language_of(locale))


# ---------------------------------------------------------------- resolving (run time)

class UtteranceResolver:
    def __init__(self, index: dict, content: LocaleContent):
        self.index = index
        self.content = content
        self.language = content.language
        self.values: dict[str, dict[str, list[str]]] = index["values"]
        self.exact: dict[str, str] = index["exact"]
        self.typed: dict[str, list] = index["typed"]
        self.features: dict[str, dict[str, int]] = index["features"]  # in WEIGHT_UNITs
        # slot name -> type, for turning what was said into Alexa's values (AMAZON.DATE, ...)
        self.slot_types: dict[str, str] = {n: t for slots in index["intent_slots"].values()
                                           for n, t in slots.items()}

    @classmethod
    def for_locale(cls, content: LocaleContent, locale: str | None = None, **kwargs
                   ) -> "UtteranceResolver":
        return cls(index_for_locale(locale or content.locale), content, **kwargs)

    def resolve(self, utterance: str) -> Match:
        """Red flags first (skill/understanding/red_flags.py), then the intents for what is left
        once denied flags are taken out."""
        text = normalise(utterance, self.language)
        if not text:
            return Match(FALLBACK, "fallback", score=0.0)
        grammar = self.content.red_flags
        cleaned, fillers_out = grammar.clean_both(text, plain=True)
        reading = grammar.read_tokens(cleaned)
        flag = reading.raised
        if flag is not None:
            intent = self.content.topics[flag.topic].intent
            return Match(intent, "red_flag", self._slots_in(text, intent))
        if reading.asked_about and grammar.asked_about_topic and not reading.denied:
            # "How would I know if I had a collapsed lung?": the warning signs answer it.
            return Match(self.content.topics[grammar.asked_about_topic].intent, "red_flag")
        denied = tuple(dict.fromkeys(f.topic for f in reading.denied)) if reading.mentions else ()
        if denied:
            text = normalise(reading.remainder(), self.language)
            cleaned, fillers_out = grammar.clean_both(text, plain=True)
            reading = grammar.read_tokens(cleaned)
            # What the person denied is not what they ask about: "no fever, just tired" is no
            # fever question.
            excluded = {self.content.topics[t].intent for t in denied}
        else:
            excluded = set()
        if not grammar.names_trouble(reading):
            excluded |= self._emergency_intents  # no trouble named, no emergency by likeness
        # The topic is read from the words with only the fillers out: "a hot bath" is
        # harmless to the grammar and still a heat question.
        match = (self._intent_for(text, fillers_out, excluded,
                                  after_denial=bool(denied)) if text
                 else Match(FALLBACK, "fallback", score=0.0))
        return match._replace(denied=denied) if denied else match

    def sample_match(self, text: str) -> Match | None:
        """A sample said to the letter, its slots holding values their types know: what
        Alexa itself matches for certain."""
        if text in self.exact:
            return Match(self.exact[text], "exact")
        if not self._may_be_typed(text):
            return None
        template, found = self._typed_values(text, whole_sample=True)
        if template in self.typed:
            intent, slot_for_token = self.typed[template]
            slots = {slot_for_token[tok]: self._fill(t, found[t])
                     for t in found if (tok := _token(t)) in slot_for_token}
            return Match(intent, "exact", slots)
        return None

    def _may_be_typed(self, text: str) -> bool:
        """False when no sample with slots can be what `text` says, whatever its slots hold.
        Filling slots only puts "slot..." tokens in place of words, so a sample's other words
        are all words of the sentence, and a sample that starts or ends with one of them starts
        or ends the sentence with it."""
        words = text.split()
        if not words:
            return False
        said = None
        for last, literal in self._typed_by_first.get(words[0], ()) + self._typed_by_first.get(None, ()):
            if last is None or last == words[-1]:
                said = set(words) if said is None else said
                if literal <= said:
                    return True
        return False

    @functools.cached_property
    def _typed_by_first(self) -> dict[str | None, tuple[tuple[str | None, frozenset[str]], ...]]:
        """Samples with slots by their first word (None: a slot), as (last word or None, the
        words that are no slot). A word with "slot" in it counts as a slot: a weaker test."""
        table: dict[str | None, list] = {}
        for template in self.typed:
            words = template.split()
            first, last = (None if "slot" in w else w for w in (words[0], words[-1]))
            table.setdefault(first, []).append(
                (last, frozenset(w for w in words if "slot" not in w)))
        return {first: tuple(rows) for first, rows in table.items()}

    def _intent_for(self, text: str, cleaned: tuple[str, ...], excluded: set[str],
                    after_denial: bool = False) -> Match:
        sample = self.sample_match(text)
        if sample is not None:
            return sample
        if not cleaned:
            # Only fillers ("a ver a ver este", "um so yeah"): nothing asked, so nothing answered.
            return self._heard_unknown(text) or Match(FALLBACK, "fallback", score=0.0)
        words = list(cleaned)
        template, found = self._typed_values(" ".join(words))
        typed = template.split()
        units, unknown = self._evidence(words, typed)
        numbers = self._intent_numbers
        for intent in excluded:
            if intent in numbers:
                units[numbers[intent]] = 0
        best = max(units)
        if not best:
            return self._heard_unknown(text) or Match(FALLBACK, "fallback", score=0.0)
        intent = self._most_evidence(units, best, words, typed)
        score = round(best / WEIGHT_UNIT, 2)
        share = best / sum(units)
        # What is left of a denial is about recovery for certain: a word we don't know in it
        # ("no fever, I feel flat and tired") is no sign of a question from elsewhere.
        unknown = unknown and not after_denial
        if score < EVIDENCE_NEEDED and (unknown or score < EVIDENCE_NEEDED_ALL_KNOWN
                                        or share < SHARE_NEEDED_ALL_KNOWN):
            return self._heard_unknown(text) or Match(FALLBACK, "fallback", score=score)
        if intent in self._wildcard_intents:
            unknown_value = self._heard_unknown(text)
            if unknown_value is not None and unknown_value.intent == intent:
                return unknown_value  # "can i take zyrtec": the sample, with what was heard
        wanted = self.index["intent_slots"].get(intent, {})
        if any(t in BUILTIN_PATTERNS and t not in found for t in wanted.values()):
            # The intent takes a time: "at two" is one there ("can i take two" is not).
            found = {**self._typed_values(" ".join(words), whole_sample=True)[1], **found}
        slots = {name: self._fill(t, found[t]) for name, t in wanted.items() if t in found}
        return Match(intent, "evidence", slots, score)

    def _heard_unknown(self, text: str) -> Match | None:
        # Read only where the answer depends on it: not when the evidence settles on an
        # intent that has no such sample.
        value = self._unknown_value(text)
        if value is None:
            untimed = self._without_time(text)
            value = self._unknown_value(untimed) if untimed != text else None
        return value

    def _evidence(self, words: list[str], typed: list[str]) -> tuple[list[int], bool]:
        """Evidence per intent in WEIGHT_UNITs, by intent number (_packed's order; 0 for an
        intent no feature weighs), and whether a word no sample or value knows was said."""
        packed, _, fields = self._packed
        # Every intent's sum at once: one integer addition per feature.
        total = sum(map(packed.get, self._sentence_features(words, typed), repeat(0)))
        units = list(fields.unpack(total.to_bytes(fields.size, "little")))
        # A word of the samples or values is known without its stem: one set operation.
        return units, any(map(self._unknown, set(typed).difference(self._known_words)))

    def _most_evidence(self, units: list[int], best: int, words: list[str], typed: list[str]) -> str:
        """The intent with the most evidence (`best`, more than none). Of tied ones, the first a
        feature weighs, the features read in sorted order: the tie-break of the float sums the
        exact ones replaced."""
        intents = self._packed[1]
        if units.count(best) == 1:
            return intents[units.index(best)]
        tied = {intents[n] for n, u in enumerate(units) if u == best}
        for feature in sorted(f for f in self._sentence_features(words, typed) if f in self.features):
            for intent in self.features[feature]:
                if intent in tied:
                    return intent
        raise AssertionError("a tied intent that no feature weighs")

    def _sentence_features(self, words: list[str], typed: list[str]) -> set[str]:
        """_features(typed) | _features(words)."""
        stems = self._stems_of(words)
        found = {*stems, *map(" ".join, zip(stems, stems[1:]))}
        if typed != words:  # most sentences name no slot value: one reading does for both
            # `typed` is the words with some runs of them each put as one slot token, so only
            # the slot tokens and the pairs they are in can be new.
            slot_tokens = self._slot_tokens
            table = self._stem_table
            last = len(typed) - 1
            for k, token in enumerate(typed):
                if token in slot_tokens:
                    stem = table[token]
                    found.add(stem)
                    if k:
                        found.add(f"{table[typed[k - 1]]} {stem}")
                    if k < last:
                        found.add(f"{stem} {table[typed[k + 1]]}")
        return found

    @functools.cached_property
    def _slot_tokens(self) -> frozenset[str]:
        """Every token _typed_values can put in a sentence's place."""
        return frozenset(map(_token, [*self.values, *self._builtin_values[True],
                                      *self._builtin_values[False]]))

    def _stems_of(self, words: list[str]) -> list[str]:
        # The words are the grammar's tokens already ("it's" read as "it is", as _features reads
        # a sample); only a spelling of two words ("ataque cardíaco") is split.
        return list(map(self._stem_table.__getitem__, " ".join(words).split()))

    @functools.cached_property
    def _stem_table(self) -> "_StemTable":
        slot_tokens = {_token(t) for t in self.slot_types.values()} | set(map(_token, self.values))
        return _StemTable(self.language, self._known_words | slot_tokens)

    @functools.cached_property
    def _packed(self) -> tuple[dict[str, int], list[str], struct.Struct]:
        """Each feature's weights as one integer, intent number n in its field n, the intents by
        number (the index's order), and how the fields read (little-endian, unsigned). A
        sentence's features are a set, so no sum can exceed an intent's weights over the
        whole index: a field that holds that never carries into its neighbour's."""
        intents: dict[str, int] = {}
        totals: dict[int, int] = {}
        for table in self.features.values():
            for intent, units in table.items():
                number = intents.setdefault(intent, len(intents))
                totals[number] = totals.get(number, 0) + units
        most = max(totals.values(), default=0)
        bits, code = next((struct.calcsize("<" + c) * 8, c) for c in "BHIQ"
                          if struct.calcsize("<" + c) * 8 >= most.bit_length())
        fields = struct.Struct(f"<{len(intents)}{code}")
        packed = {}
        for feature, table in self.features.items():
            value = 0
            for intent, units in table.items():
                value |= units << (bits * intents[intent])
            packed[feature] = value
        return packed, list(intents), fields

    @functools.cached_property
    def _intent_numbers(self) -> dict[str, int]:
        return {intent: n for n, intent in enumerate(self._packed[1])}

    def _unknown(self, word: str) -> bool:
        return not word.startswith("slot") and word not in self._known_words \
            and _stem(word, self.language) not in self._known_stems

    @functools.cached_property
    def _wildcard_prefixes(self) -> frozenset[str]:
        return frozenset(key.split("|", 1)[0] for key in self.index["wildcards"])

    @functools.cached_property
    def _wildcard_intents(self) -> frozenset[str]:
        """The intents a sample heard with an unknown value can be."""
        return frozenset(intent for intent, _, _ in self.index["wildcards"].values())

    @functools.cached_property
    def _wildcard_prefix_trie(self) -> dict:
        """Those prefixes as a trie of words; "" marks where one ends."""
        root: dict = {}
        for prefix in self._wildcard_prefixes:
            node = root
            for word in prefix.split():
                node = node.setdefault(word, {})
            node[""] = True
        return root

    def _without_time(self, text: str) -> str:
        """The sentence without a time at its end: "can i mow the lawn | this afternoon"."""
        needs = self._builtin_needs[False]
        for slot_type, pattern in self._builtin_values[False].items():
            if needs[slot_type] is None or needs[slot_type](text):
                text = pattern.sub("", text)
        words = [w for w in text.split() if w not in ("this", "today", "tonight", "tomorrow")]
        return " ".join(words)

    def _unknown_value(self, text: str) -> Match | None:
        """A sample heard with a slot value its type does not know ("can i take zyrtec"),
        as Alexa reports it: the intent, with the words it heard and no resolution."""
        words = text.split()
        if len(words) > self.index["longest_wildcard"] + 3:
            return None  # longer than any such sample with its slot full
        # Where a sample's words before its slot end: one walk down the prefixes, word by word.
        node, starts = self._wildcard_prefix_trie, []
        for i in range(len(words)):
            if i:
                node = node.get(words[i - 1])
                if node is None:
                    break
            if "" in node:
                starts.append(i)
        for length in (1, 2, 3):  # the shortest value: the most of the sample matched
            for i in starts:
                j = i + length
                if j > len(words):
                    continue
                found = self.index["wildcards"].get(f"{' '.join(words[:i])}|{' '.join(words[j:])}")
                if not found:
                    continue
                intent, slot_name, slot_type = found
                said = " ".join(words[i:j])
                _, known = self._typed_values(said)
                if not known:
                    return Match(intent, "exact", {slot_name: self._fill(slot_type, said)})
                if slot_type in known:  # "can i do {activity}": "my crossfit class"
                    return Match(intent, "exact", {slot_name: self._fill(slot_type, known[slot_type])})
        return None

    @functools.cached_property
    def _custom_values(self) -> PhraseTrie:
        """Every custom slot value as words -> (type, the value as the type lists it);
        "margaritas" is a "margarita": a plural names the same thing."""
        phrases, owner = [], {}
        for slot_type, table in self.values.items():
            for said in table:
                words = tuple(said.split())
                for form in (words, words[:-1] + (words[-1] + "s",)):
                    if form and form not in owner:
                        owner[form] = (slot_type, said, _token(slot_type))
                        phrases.append(form)
        self._value_owner = owner
        return PhraseTrie(phrases)

    @functools.cached_property
    def _builtin_values(self) -> dict[bool, dict[str, re.Pattern[str]]]:
        # A sample's "{time}" takes "at three"; anywhere else a bare number is no time
        # ("can i take two advil").
        return {strict: {t: re.compile(rf"\b(?:{p})\b") for t, p in table.items()}
                for strict, table in ((True, BUILTIN_PATTERNS), (False, FUZZY_BUILTIN_PATTERNS))}

    @functools.cached_property
    def _builtin_needs(self) -> dict[bool, dict[str, object]]:
        """For each of those patterns, what a text must contain for it to match (_needs)."""
        return {strict: {t: _needs(pattern) for t, pattern in table.items()}
                for strict, table in self._builtin_values.items()}

    def _typed_values(self, text: str, whole_sample: bool = False) -> tuple[str, dict[str, str]]:
        """Replace every recognised slot value with its type's token, the longest value first;
        `found` holds the first value of each type."""
        found: dict[str, str] = {}
        tokens = text.split()
        values = self._custom_values
        if values.first_words.isdisjoint(tokens):  # no value starts here: one pass in C says so
            text = " ".join(tokens)
        else:
            text = " ".join(self._values_as_tokens(tokens, values, found))
        needs = self._builtin_needs[whole_sample]
        for slot_type, pattern in self._builtin_values[whole_sample].items():
            need = needs[slot_type]
            if need is not None and not need(text):
                continue  # it cannot match: nothing to replace
            # The first match, as pattern.sub(..., count=1) replaces it.
            m = pattern.search(text)
            if m is not None:
                found.setdefault(slot_type, m.group(0))
                text = f"{text[:m.start()]}{_token(slot_type)}{text[m.end():]}"
        return text, found

    def _values_as_tokens(self, tokens: list[str], values: PhraseTrie, found: dict[str, str]
                          ) -> list[str]:
        """The words, with each longest custom value, read left to right, as its type's token."""
        owner = self._value_owner
        out: list[str] = []
        i = 0
        # Only where a value can start (picked in C); the words between are kept as they are.
        for start in compress(count(), map(values.trie.__contains__, tokens)):
            if start < i:
                continue  # inside a value already taken
            phrase = values.at(tokens, start)
            if phrase is None:
                continue
            slot_type, said, token = owner[phrase]
            found.setdefault(slot_type, said)
            out += tokens[i:start]
            out.append(token)
            i = start + len(phrase)
        out += tokens[i:]
        return out

    def _fill(self, slot_type: str, said: str) -> SlotFill:
        found = self.values.get(slot_type, {}).get(said)
        return SlotFill(said, found[0], found[1]) if found else SlotFill(said)

    def _slots_in(self, text: str, intent: str) -> dict[str, SlotFill]:
        """Slots of `intent` whose values appear anywhere in the text."""
        _, found = self._typed_values(text)
        return {name: self._fill(t, found[t])
                for name, t in self.index["intent_slots"].get(intent, {}).items() if t in found}

    @functools.cached_property
    def _emergency_intents(self) -> frozenset[str]:
        return frozenset(t.intent for t in self.content.topics.values() if t.urgency == "emergency")

    @property
    def vocabulary(self) -> list[str]:
        """Every word of the samples and slot values."""
        return self.index["vocabulary"]

    @functools.cached_property
    def _known_words(self) -> frozenset[str]:
        # The red-flag grammar's small words ("alright", "not sure") are known too.
        return frozenset(self.index["vocabulary"]) | self.content.red_flags.function_words

    @functools.cached_property
    def _known_stems(self) -> frozenset[str]:
        return frozenset(_stem(w, self.language) for w in self.index["vocabulary"])
