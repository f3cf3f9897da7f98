"""The one safety matcher: which red flags a sentence names, and which it denies.

A small grammar read from content/<locale>/red_flags.yaml (its header explains the reading):
phrases that are a red flag on their own, pairs of word lists that together make one ("chest"
+ "tight", "breathing" + "shallow"), fillers that must not break a match, and the negators,
hedges and reassurances that decide whether a mention is denied ("no chest pain, just sore")
or only doubted ("not sure if it's my chest"), which escalates.

Used by the resolver (skill/understanding/resolver.py) on every free-text request, before any
topic, on Lambda as locally: it is plain Python over token tuples, no regular expressions to compile.
"""
from __future__ import annotations

import itertools
import operator
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple

from ..language import ENGLISH, language_of  # noqa: F401 - re-exported


_GROUP = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]|\{(\w+)\}|(\S+)")
_WORD = re.compile(r"[a-z0-9']+")
# Any other language: Latin-1's lower-case letters are word characters too (á é í ó ú ñ ü).
_WORD_LATIN = re.compile(r"[a-z0-9'\u00df-\u00f6\u00f8-\u00ff]+")
# "breathing's" -> "breathing is"; possessives read the same way, which is harmless here.
_APOSTROPHE_S = re.compile(r"(?<=[a-z])'s\b")
# Text that is already what tokens_of() makes of it: lower-case words, one space apart.
_PLAIN = re.compile(r"[a-z0-9']+(?: [a-z0-9']+)*")
_PLAIN_LATIN = re.compile(r"[a-z0-9'\u00df-\u00f6\u00f8-\u00ff]+(?: [a-z0-9'\u00df-\u00f6\u00f8-\u00ff]+)*")
Phrase = tuple[str, ...]


class GrammarError(ValueError):
    """The red-flag data breaks the grammar; `key` names where."""

    def __init__(self, key: str, problem: str):
        super().__init__(problem)
        self.key = key


def tokens_of(text: str, spellings: Mapping[str, str] | None = None,
              language: str = ENGLISH, plain: bool = False) -> list[str]:
    """The words of `text`; `plain`: it is already lower-case words one space apart (what the
    resolver's normalise() gives), so it need not be checked for that."""
    if language == ENGLISH:  # "'s" is English only
        if "'s" not in text and (plain or _PLAIN.fullmatch(text)):
            words = text.split()  # already lower-case words, one space apart: nothing to change
        else:
            words = _WORD.findall(_APOSTROPHE_S.sub(" is", text.lower().replace("\u2019", "'")))
    elif plain or _PLAIN_LATIN.fullmatch(text):
        words = text.split()
    else:
        words = _WORD_LATIN.findall(text.lower().replace("\u2019", "'"))
    return list(map(spellings.get, words, words)) if spellings else words


@dataclass(frozen=True)
class Flag:
    id: str
    topic: str
    alone: tuple[Phrase, ...]
    together: tuple[tuple[str, str, int], ...]  # (first list, second list, window)
    order: int = 0  # place in the data: emergencies come first and win
    when_denied: tuple[str, ...] = ()  # lists that name the flag when denied ("not getting enough air")


class Mention(NamedTuple):  # (a named tuple: made for every mention of every sentence)
    flag: Flag
    start: int  # token span in Reading.tokens
    end: int
    denied: bool
    cut_from: int  # where the denial starts ("not" in "not short of breath"), for the remainder


class Reading(NamedTuple):
    """What one sentence says about red flags."""

    tokens: tuple[str, ...]
    mentions: tuple[Mention, ...]
    asked_about: tuple[Flag, ...] = ()  # flags named in a question, not a report: "what if..."
    hits: dict | None = None  # where each word list occurred, for names_trouble()

    @property
    def raised(self) -> Flag | None:
        """The first flag (in the data's order: emergencies first) with a mention not denied."""
        if not self.mentions:  # most sentences: asked for on every request
            return None
        raised = {m.flag.id for m in self.mentions if not m.denied}
        return next((m.flag for m in self._by_order() if m.flag.id in raised), None)

    @property
    def denied(self) -> tuple[Flag, ...]:
        """Flags that are only ever denied in the sentence."""
        if not self.mentions:
            return ()
        raised = {m.flag.id for m in self.mentions if not m.denied}
        seen: dict[str, Flag] = {}
        for m in self.mentions:
            if m.denied and m.flag.id not in raised:
                seen.setdefault(m.flag.id, m.flag)
        return tuple(seen.values())

    def remainder(self) -> str:
        """The sentence without its denied mentions: what is left to answer."""
        cut = set()
        for m in self.mentions:
            if m.denied:
                cut.update(range(m.cut_from, m.end))
        return " ".join(t for i, t in enumerate(self.tokens) if i not in cut)

    def _by_order(self) -> list[Mention]:
        return sorted(self.mentions, key=lambda m: m.flag.order)


class PhraseTrie:
    """A set of token sequences in a trie: the longest one starting at a position, in as many
    steps as it has words, however many phrases share a first word."""

    _END = ""

    def __init__(self, phrases: Iterable[Phrase]):
        self.trie: dict = {}
        self.first_words: set[str] = set()
        for p in phrases:
            node = self.trie
            for word in p:
                node = node.setdefault(word, {})
            node[self._END] = p
            self.first_words.add(p[0])

    def at(self, tokens: tuple[str, ...], i: int) -> Phrase | None:
        # By index, not over tokens[i:]: a sentence is read at every position, and a slice
        # would copy the rest of it each time. Most positions end at the first word, so the
        # walk on is a while loop: no range to make for it.
        n = len(tokens)
        if i < 0:
            i += n  # as tokens[i:] reads it
            if i < 0:
                i = 0
        if i >= n:
            return None
        node = self.trie.get(tokens[i])
        if node is None:
            return None
        longest = node.get("")  # (_END)
        j = i + 1
        while j < n:
            node = node.get(tokens[j])
            if node is None:
                break
            longest = node.get("", longest)
            j += 1
        return longest

    def find(self, tokens: tuple[str, ...], lo: int = 0, hi: int | None = None
             ) -> list[tuple[int, int]]:
        hi = len(tokens) if hi is None else hi
        out = []
        if lo >= 0 and self.first_words.isdisjoint(tokens[lo:hi]):
            return out  # most phrases are in no sentence: one pass in C says so
        first = self.trie
        if 0 <= lo and hi <= len(tokens):
            # Only where a phrase can start, those places picked in C.
            for i in itertools.compress(range(lo, hi), map(first.__contains__, tokens[lo:hi])):
                p = self.at(tokens, i)
                if p and i + len(p) <= hi:
                    out.append((i, i + len(p)))
            return out
        for i in range(lo, hi):
            if tokens[i] in first if 0 <= i < len(tokens) else i < 0:
                p = self.at(tokens, i)
                if p and i + len(p) <= hi:
                    out.append((i, i + len(p)))
        return out

    def words(self) -> set[str]:
        out: set[str] = set()
        stack = [self.trie]
        while stack:
            node = stack.pop()
            out.update(k for k in node if k != self._END)
            stack.extend(v for k, v in node.items() if k != self._END)
        return out


class Hits(dict):
    """Where each word list occurs in a sentence: name -> its (start, end) spans, for the lists
    that occur; any other list has none."""

    def __missing__(self, name: str) -> tuple:
        return ()


def _by_list(entries: Iterable[tuple[Any, str]]) -> dict[str, tuple[tuple[int, Any], ...]]:
    """(entry, the word list it needs) -> list -> its (place in the table, entry) pairs."""
    index: dict[str, list] = {}
    for place, (entry, name) in enumerate(entries):
        index.setdefault(name, []).append((place, entry))
    return {name: tuple(rows) for name, rows in index.items()}


def _occurring(index: dict[str, tuple[tuple[int, Any], ...]], hits: Hits) -> list:
    """The entries of an indexed table whose list occurs, in the table's order: what filtering
    the whole table by `hits` gives."""
    rows = [row for name in hits for row in index.get(name, ())]
    if len(rows) > 1:
        rows.sort(key=_PLACE)
    return [entry for _, entry in rows]


_PLACE = operator.itemgetter(0)
SETTLED = "settled"  # a pair's first word reassured before its second ("my chest is fine, ...")


class RedFlagGrammar:
    # The inability a trouble word carries ("can't breathe") is the problem, not a denial.
    OWN_NEGATIVES = frozenset({"can't", "cannot", "couldn't", "unable", "not", "isn't", "won't",
                               "doesn't", "ain't", "wouldn't", "no"})

    def __init__(self, data: Mapping[str, Any], language: str = ENGLISH):
        self.language = language
        # Words the matcher reads itself; a grammar in another language names its own
        # (`own_negatives`, `copulas`, `or_words`), English keeps these.
        self.own_negatives = self._word_set(data, "own_negatives", self.OWN_NEGATIVES)
        self.copulas = self._word_set(data, "copulas", self.COPULAS)
        self.or_words = self._word_set(data, "or_words", self.OR_WORDS)
        self.window = self._int(data, "window")
        # The topic that answers a question about red flags ("how would I know if...").
        self.asked_about_topic = data.get("asked_about_topic")
        if self.asked_about_topic is not None and not isinstance(self.asked_about_topic, str):
            raise GrammarError("asked_about_topic", "must name a topic")
        self.reach = self._int(data, "denial_reach")
        spellings = data.get("spellings", {})
        if not isinstance(spellings, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in spellings.items()):
            raise GrammarError("spellings", "must map a word as heard to the word it is")
        self.spellings = {k.lower(): v.lower() for k, v in spellings.items()}
        words = data.get("words")
        if not isinstance(words, dict):
            raise GrammarError("words", "must map list names to lists of words")
        self.lists: dict[str, PhraseTrie] = {}
        self._raw_lists: dict[str, list[Phrase]] = {}
        for name, entries in words.items():
            phrases = [self._plain(e, f"words.{name}") for e in self._strings(entries, f"words.{name}")]
            self._raw_lists[str(name)] = phrases
            self.lists[str(name)] = PhraseTrie(phrases)
        self.fillers = PhraseTrie(self._plain(e, "fillers") for e in self._strings(data.get("fillers"), "fillers"))
        self.harmless = PhraseTrie(self._plain(e, "harmless") for e in self._strings(data.get("harmless", []), "harmless"))
        self.breaks = PhraseTrie(self._plain(e, "clause_breaks")
                               for e in self._strings(data.get("clause_breaks"), "clause_breaks"))
        self.negators = frozenset(self._strings(data.get("negators"), "negators"))
        self.passes = frozenset(self._strings(data.get("negation_passes"), "negation_passes"))
        self.negator_phrases = PhraseTrie(
            self._plain(e, "negator_phrases")
            for e in self._strings(data.get("negator_phrases", []), "negator_phrases"))
        determiners = data.get("determiner_negators", {})
        if not isinstance(determiners, dict):
            raise GrammarError("determiner_negators", "must map each word to what it reaches across")
        self.determiners = {str(word).lower(): frozenset(self._strings(passes, f"determiner_negators.{word}"))
                            for word, passes in determiners.items()}
        # Words some determiner reaches across, and words that pass a negator either way.
        self._passing = self.passes.union(*self.determiners.values())
        # Every word a denial can start with: a mention with none before it is not denied.
        self._negating = self.negators | set(self.determiners) | self.negator_phrases.first_words
        self.hedges = frozenset(self._strings(data.get("hedges"), "hedges"))
        self.hedges_after = PhraseTrie(self._plain(e, "hedges_after")
                                       for e in self._strings(data.get("hedges_after", []),
                                                              "hedges_after"))
        self.reassurance = PhraseTrie(self._plain(e, "reassurance")
                                      for e in self._strings(data.get("reassurance"), "reassurance"))
        self.hypotheticals = PhraseTrie(self._plain(e, "hypotheticals")
                                        for e in self._strings(data.get("hypotheticals", []),
                                                               "hypotheticals"))
        self.hypothetical_after = PhraseTrie(
            self._plain(e, "hypothetical_after")
            for e in self._strings(data.get("hypothetical_after", []), "hypothetical_after"))
        # Every word a denial, a reassurance or a supposition can start with.
        self._telling = (self._negating | self.reassurance.first_words
                         | self.hypotheticals.first_words | self.hypothetical_after.first_words)
        raw_flags = data.get("flags")
        if not isinstance(raw_flags, list) or not raw_flags:
            raise GrammarError("flags", "must be a list of flags")
        self.flags: list[Flag] = []
        alone_owner: dict[Phrase, list[Flag]] = {}
        for i, raw in enumerate(raw_flags):
            key = f"flags[{i}]"
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) \
                    or not isinstance(raw.get("topic"), str):
                raise GrammarError(key, "needs an id and a topic")
            alone = tuple(itertools.chain.from_iterable(
                self._expand(p, f"{key}.alone[{j}]")
                for j, p in enumerate(self._strings(raw.get("alone", []), f"{key}.alone"))))
            together = []
            for j, pair in enumerate(raw.get("together") or []):
                pkey = f"{key}.together[{j}]"
                if not isinstance(pair, list) or len(pair) not in (2, 3) \
                        or any(not isinstance(n, str) or n not in self.lists for n in pair[:2]):
                    raise GrammarError(pkey, f"must name two lists of `words` (known: {', '.join(self.lists)})")
                window = pair[2] if len(pair) == 3 else self.window
                if not isinstance(window, int) or window < 1:
                    raise GrammarError(pkey, "the window must be a whole number of words")
                together.append((pair[0], pair[1], window))
            when_denied = tuple(self._strings(raw.get("when_denied", []), f"{key}.when_denied"))
            for name in when_denied:
                if name not in self.lists:
                    raise GrammarError(f"{key}.when_denied", f"unknown word list {name}")
            flag = Flag(raw["id"], raw["topic"], alone, tuple(together), order=i,
                        when_denied=when_denied)
            self.flags.append(flag)
            for phrase in alone:
                alone_owner.setdefault(phrase, []).append(flag)
        # Every flag's phrases in one trie, so a sentence is read once, not once per flag.
        self._alone = PhraseTrie(alone_owner)
        self._alone_owner = alone_owner
        # Every word the grammar knows: a typo corrector must never turn one into another.
        self.vocabulary = frozenset(
            w for phrases in self.lists.values() for w in phrases.words()) \
            | self._alone.words() | frozenset(self.spellings)
        self.function_words = frozenset(
            w for group in (self.negators, self.passes, self.hedges) for w in group) \
            | self.reassurance.words() | self.fillers.words()
        # Which lists a word can start a phrase of: one pass over a sentence finds them all.
        self._lists_by_first: dict[str, list[str]] = {}
        for name, phrases in self.lists.items():
            for word in phrases.first_words:
                self._lists_by_first.setdefault(word, []).append(name)
        # What a word can start, for the one pass over a sentence (_scan).
        self._starts = {word: (tuple(self._lists_by_first.get(word, ())),
                               word in self._alone.first_words, word in self.breaks.first_words)
                        for word in (self._lists_by_first.keys() | self._alone.first_words
                                     | self.breaks.first_words)}
        self.trouble_lists = tuple(self._strings(data.get("trouble_lists", []), "trouble_lists"))
        self.subjects_alone = tuple(self._strings(data.get("subjects_alone", []), "subjects_alone"))
        for name in self.subjects_alone:
            if name not in self.lists:
                raise GrammarError("subjects_alone", f"unknown word list {name}")
        self.calm_softens = frozenset(self._strings(data.get("calm_softens", []), "calm_softens"))
        self.needled_site = PhraseTrie(self._plain(e, "needled_site")
                                       for e in self._strings(data.get("needled_site", []),
                                                              "needled_site"))
        self.calm_context = PhraseTrie(self._plain(e, "calm_context")
                                       for e in self._strings(data.get("calm_context", []),
                                                              "calm_context"))
        unknown = [n for n in self.trouble_lists if n not in self.lists]
        if unknown:
            raise GrammarError("trouble_lists", f"unknown word list {unknown[0]}")
        whole = data.get("whole_sentence", {})
        if not isinstance(whole, dict):
            raise GrammarError("whole_sentence", "must map flag ids to lists of sentences")
        by_id = {f.id: f for f in self.flags}
        self.whole_sentence: dict[Phrase, Flag] = {}
        for flag_id, sentences in whole.items():
            if flag_id not in by_id:
                raise GrammarError(f"whole_sentence.{flag_id}", "no flag with that id")
            for said in self._strings(sentences, f"whole_sentence.{flag_id}"):
                self.whole_sentence[self._plain(said, f"whole_sentence.{flag_id}")] = by_id[flag_id]
        self._pair_lists = [(flag, sorted({n for pair in flag.together for n in pair[:2]}))
                            for flag in self.flags]
        # Every flag's pairs in the data's order, flat: (flag, first list, second list, window).
        self._together = [(flag, first, second, window) for flag in self.flags
                          for first, second, window in flag.together]
        # Subjects a reassurance can follow ("my breathing is fine"): each pair's first list.
        self._subjects = [(flag, first) for flag in self.flags for first, _, _ in flag.together]
        # The emergency's subjects (the first flag's topic: emergencies come first), and the
        # words softening and trouble are judged by: data, built once, not per sentence.
        self._emergency_subjects = {first: flag for flag in self.flags
                                    if flag.topic == self.flags[0].topic
                                    for first, _, _ in flag.together}
        # Each of those tables by the word list an entry needs, so a sentence looks only at the
        # entries of the few lists it has (_occurring).
        self._together_by_first = _by_list((p, p[1]) for p in self._together)
        self._wellness_by_list = _by_list(((flag, name), name) for flag in self.flags
                                          for name in flag.when_denied)
        self._emergency_subjects_by_list = _by_list(
            ((first, flag), first) for first, flag in self._emergency_subjects.items())
        self._pair_lists_by_list = _by_list(((flag, name), name) for flag, names in self._pair_lists
                                            for name in names)
        self._subjects_by_list = _by_list(((flag, first), first) for flag, first in self._subjects)
        self._trouble_words = frozenset(p[0] for name in self.trouble_lists
                                        for p in self._raw_lists[name] if len(p) == 1)
        self._subject_words = [frozenset(w for p in self._raw_lists[name] for w in p)
                               for name in self.subjects_alone]

    # ------------------------------------------------------------ loading helpers

    @staticmethod
    def _int(data, key) -> int:
        value = data.get(key)
        if not isinstance(value, int) or value < 1:
            raise GrammarError(key, "must be a whole number of words")
        return value

    @staticmethod
    def _strings(raw, key) -> list[str]:
        if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
            raise GrammarError(key, "must be a list of text")
        return [" ".join(x.lower().split()) for x in raw]

    def _word_set(self, data, key, default: frozenset[str]) -> frozenset[str]:
        return frozenset(self._strings(data[key], key)) if key in data else default

    def _plain(self, text: str, key: str) -> Phrase:
        words = tuple(tokens_of(text, language=self.language))
        if not words:
            raise GrammarError(key, f"{text!r} has no words")
        return words

    def _expand(self, pattern: str, key: str) -> list[Phrase]:
        """"(a/b) c [d] {list}" -> every token sequence it stands for."""
        choices: list[list[Phrase]] = []
        for m in _GROUP.finditer(pattern):
            required, optional, ref, word = m.groups()
            if ref is not None:
                if ref not in self._raw_lists:
                    raise GrammarError(key, f"unknown word list {{{ref}}} (known: {', '.join(self._raw_lists)})")
                choices.append(self._raw_lists[ref])
            elif word is not None:
                choices.append([tuple(tokens_of(w, language=self.language)) for w in word.split("/")])
            else:
                alternatives = [tuple(tokens_of(a, language=self.language))
                                for a in (required or optional).split("/")]
                choices.append(alternatives + ([()] if optional is not None else []))
        if not choices or any(not c or any(not p for p in c) and c[-1] != () for c in choices):
            raise GrammarError(key, f"{pattern!r} is not a phrase")
        out = [tuple(itertools.chain.from_iterable(combo)) for combo in itertools.product(*choices)]
        return [p for p in out if p]

    # ------------------------------------------------------------ reading

    def clean(self, text: str, harmless: bool = True) -> tuple[str, ...]:
        """Tokens with fillers, and unless `harmless` is false harmless phrases, taken out."""
        tokens = tuple(tokens_of(text, self.spellings, self.language))
        for phrases in ((self.harmless, self.fillers) if harmless else (self.fillers,)):
            tokens = self._without(phrases, tokens)
        return tokens

    def clean_both(self, text: str, plain: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(clean(text), clean(text, harmless=False)), reading the words once; `plain` as for
        tokens_of()."""
        tokens = tuple(tokens_of(text, self.spellings, self.language, plain))
        no_harmless = self._without(self.harmless, tokens)
        cleaned = self._without(self.fillers, no_harmless)
        if no_harmless == tokens:  # no harmless phrase: the fillers come out of the same words
            return cleaned, cleaned
        return cleaned, self._without(self.fillers, tokens)

    @staticmethod
    def _without(phrases: PhraseTrie, tokens: tuple[str, ...]) -> tuple[str, ...]:
        """`tokens` with each longest phrase of `phrases`, read left to right, taken out."""
        first = phrases.trie
        if phrases.first_words.isdisjoint(tokens):
            return tokens
        # Only where a phrase can start (picked in C); the words between are kept as they are.
        keep: list[str] = []
        i = 0
        for j in itertools.compress(itertools.count(), map(first.__contains__, tokens)):
            if j < i:
                continue  # inside a phrase already taken out
            p = phrases.at(tokens, j)
            if p:
                keep += tokens[i:j]
                i = j + len(p)
        if not i:
            return tokens
        keep += tokens[i:]
        return tuple(keep)

    def _clauses(self, tokens: tuple[str, ...], candidates: Iterable[int]) -> list[tuple[int, int]]:
        """The sentence cut where a clause break starts; `candidates`: the places after the
        first word whose word may start one, in order (_scan)."""
        spans, start = [], 0
        breaks = self.breaks
        for i in candidates:
            if i > start and breaks.at(tokens, i):
                spans.append((start, i))
                start = i
        spans.append((start, len(tokens)))
        return spans

    def names_trouble(self, reading: "Reading") -> bool:
        """Whether the words name the chest or breathing and say something is wrong with them
        ("tight", "can't", "shallow")."""
        tokens = reading.tokens
        hits = reading.hits if reading.hits is not None else self._hits(tokens)
        if not any(map(hits.__contains__, self._emergency_subjects)):
            return False  # no subject: whatever trouble is named, it is not theirs
        # Soreness of a needled muscle is no trouble ("can ibuprofen help the ache around my
        # ribs after needling").
        soft = self.calm_softens if self.needled_site.find(tokens) else frozenset()
        return any(" ".join(tokens[s:e]) not in soft
                   for name in self.trouble_lists for s, e in hits.get(name, ()))

    def _hits(self, tokens: tuple[str, ...]) -> "Hits":
        """Where each word list occurs: name -> (start, end) spans, for the lists that do."""
        return self._scan(tokens)[0]

    def _scan(self, tokens: tuple[str, ...]) -> tuple["Hits", list[tuple[int, int]], list[int]]:
        """One pass over the words for what read_tokens looks for first: the word lists'
        spans (_hits), the flags' own phrases (what self._alone.find gives), and where a
        clause break may start (what _clauses tries)."""
        hits = Hits()
        alone: list[tuple[int, int]] = []
        breaks: list[int] = []
        starts = self._starts
        lists = self.lists
        for i in itertools.compress(itertools.count(), map(starts.__contains__, tokens)):
            names, flag_phrase, clause_break = starts[tokens[i]]
            for name in names:
                phrase = lists[name].at(tokens, i)
                if phrase:
                    if name in hits:
                        hits[name].append((i, i + len(phrase)))
                    else:
                        hits[name] = [(i, i + len(phrase))]
            if flag_phrase:
                phrase = self._alone.at(tokens, i)
                if phrase:
                    alone.append((i, i + len(phrase)))
            if clause_break and i:
                breaks.append(i)
        return hits, alone, breaks

    def read(self, text: str) -> Reading:
        return self.read_tokens(self.clean(text))

    def read_tokens(self, tokens: tuple[str, ...]) -> Reading:
        """read() for tokens clean() has already given."""
        if tokens in self.whole_sentence:  # "chest", "air": in doubt, escalate
            return Reading(tokens, (Mention(self.whole_sentence[tokens], 0, len(tokens), False, 0),))
        hits, alone, breaks = self._scan(tokens)
        if not hits and not alone:
            return Reading(tokens, (), (), hits)  # no flag's words at all: nothing more to read
        # Only the pairs whose two lists both occur: the others find nothing in any clause.
        pairs = [p for p in _occurring(self._together_by_first, hits) if p[2] in hits]
        if not alone and not pairs and self._telling.isdisjoint(tokens) \
                and not any(map(hits.__contains__, self.subjects_alone)):
            # No phrase or pair of a flag, no subject said alone, and no word that denies,
            # settles or supposes anything: every reading below would find nothing.
            return Reading(tokens, (), (), hits)
        clauses = self._clauses(tokens, breaks)

        def within(name, lo, hi):
            spans = hits.get(name, ())
            return [h for h in spans if lo <= h[0] and h[1] <= hi] if spans else spans
        # flag, start, end, and how a negative inside it reads: "inner" (a negator between the
        # pair: "my chest doesn't hurt") or "own" (the trouble is an inability: "can't breathe")
        found: list[tuple[Flag, int, int, str | None]] = []
        for s, e in alone:
            own = any(t in self.own_negatives for t in tokens[s:e])
            for flag in self._alone_owner[tokens[s:e]]:
                found.append((flag, s, e, "own" if own else None))
        for lo, hi in clauses:
            for flag, first, second, window in pairs:
                for pair in self._pairs(tokens, within(first, lo, hi),
                                        within(second, lo, hi), first == second, window):
                    found.append((flag, *pair))
        if found and self.calm_softens and self.needled_site.find(tokens):
            # "needled my chest muscles, how long will they be sore"
            found = [f for f in found if not self._softened(tokens, f)]
        mentions: list[Mention] = []
        asked_about: dict[str, Flag] = {}
        denied_tokens: set[int] = set()
        # Left to right, so "no fever or chills" denies chills across the denied fever.
        for flag, s, e, negative in sorted(found, key=lambda f: (f[1], f[2])):
            settled_at = None
            if isinstance(negative, tuple):
                negative, settled_at = "inner", negative[1]
            lo, hi = next(c for c in clauses if c[0] <= s < c[1])
            if self._hypothetical(tokens, lo, s, e, hi) and (
                    negative == "own" or self._negated_from(tokens, lo, s, denied_tokens) is None):
                asked_about.setdefault(flag.id, flag)  # "what if I get chest pain": no report
                continue
            if negative == "own":
                # "No, I can't breathe": a negator before an inability is no denial.
                mentions.append(Mention(flag, s, e, False, s))
                continue
            if denied_tokens & set(range(s, e)):
                # The same words read again as a pair ("not short of breath, just sore"
                # also pairs "breath" with "sore"): denied with them, nothing more to cut.
                mentions.append(Mention(flag, s, e, True, e))
                continue
            cut = self._negated_from(tokens, lo, s, denied_tokens)
            denied_to = e
            if cut is None and negative == "inner":
                cut = s
                denied_to = settled_at or e
            if cut is not None and any(b <= e + 1 for b, _ in self.hedges_after.find(tokens, e, hi)):
                cut = None  # "not chest pain exactly": a doubt, so escalate
            if cut is None:
                settled = self._reassured_after(tokens, e, hi)
                if settled is not None:  # "the tightness in my chest is gone now"
                    cut, e = s, settled
            if cut is not None:
                denied_tokens.update(range(cut, min(e, denied_to)))
            mentions.append(Mention(flag, s, e, cut is not None, s if cut is None else cut))
        # Each reading below looks only at the entries of the lists that occur, in the data's
        # order, and is not asked at all when there are none.
        wellness = _occurring(self._wellness_by_list, hits)
        subjects = _occurring(self._emergency_subjects_by_list, hits)
        if wellness or subjects:
            mentions += self._denied_wellness(tokens, clauses, within, denied_tokens, asked_about,
                                              wellness, subjects)
        names = [name for name in self.subjects_alone if name in hits]
        if names:
            mentions += self._subject_alone(tokens, clauses, within, denied_tokens, asked_about,
                                            {m.start for m in mentions}, names)
        words = _occurring(self._pair_lists_by_list, hits)
        if words:
            mentions += self._negated_words(tokens, clauses, within, denied_tokens, words)
        subjects = _occurring(self._subjects_by_list, hits)
        if subjects:
            mentions += self._reassured(tokens, clauses, within,
                                        {(m.flag.id, m.start) for m in mentions}, subjects)
        return Reading(tokens, tuple(mentions), tuple(asked_about.values()), hits)

    def _pairs(self, tokens, a_hits, b_hits, same_list, window):
        """(start, end, negative) for each first-list word near a second-list word."""
        for a in a_hits:
            for b in b_hits:
                if a == b or (same_list and tokens[a[0]:a[1]] == tokens[b[0]:b[1]]):
                    continue
                gap = b[0] - a[1] if b[0] >= a[1] else a[0] - b[1]
                if gap < 0 or gap > window:
                    continue
                s, e = min(a[0], b[0]), max(a[1], b[1])
                between = range(min(a[1], b[1]), max(a[0], b[0]))
                if any(t in self.own_negatives for t in tokens[b[0]:b[1]] + tokens[a[0]:a[1]]):
                    yield s, e, "own"
                elif any(self._is_negator(tokens[i]) for i in between):
                    yield s, e, "inner"  # "my chest doesn't hurt"
                elif (settled := self._settled_between(tokens, between)) is not None:
                    # "my chest is fine, my back's sore": denied up to the reassurance only,
                    # so "my breathing is fine, my chest feels tight" still names the chest
                    yield s, e, (SETTLED, settled)
                else:
                    yield s, e, None

    COPULAS = frozenset({"is", "are", "was", "feels", "feel", "seems", "seem", "looks", "sounds"})
    OR_WORDS = frozenset({"or", "nor"})

    def _settled_between(self, tokens, between: range) -> int | None:
        """The end of a reassurance said of the first word ("my chest is fine, my back
        hurts"), or None; not an adjective of the second ("breathing with great difficulty")."""
        return next((e for b, e in self.reassurance.find(tokens, between.start, between.stop)
                     if b - 1 >= 0 and tokens[b - 1] in self.copulas), None)

    def _is_negator(self, token: str) -> bool:
        return token in self.negators or token in self.determiners

    def _negated_from(self, tokens, lo, start, denied_tokens) -> int | None:
        """Index of the negator that denies a mention starting at `start`, or None.

        A hedge on the way ("not sure if", "don't know whether") denies nothing, and an
        earlier denial reaches on only through "or" ("no fever or chills", but not "no chest
        pain, my chest is tight")."""
        if not denied_tokens and 0 <= lo and self._negating.isdisjoint(tokens[lo:start]):
            return None  # no negator before it, and no denial for "or" to carry on
        phrase_ends = {}
        for s, e in self._phrases_before(self.negator_phrases, tokens, lo, start):
            if s < start < e:  # "nothing wrong with my breathing": the mention starts inside it
                return s
            phrase_ends[e - 1] = s
        j, passed, between = start - 1, 0, []
        while j >= lo:
            token = tokens[j]
            if j in phrase_ends:  # "nothing wrong with | my breathing"
                return phrase_ends[j]
            if token in self.hedges:
                return None
            if self._is_negator(token):
                if token in self.determiners and not all(w in self.determiners[token] for w in between):
                    return None  # "no, my chest hurts"
                return j
            if token in self.or_words and j - 1 in denied_tokens:
                while j - 1 >= lo and j - 1 in denied_tokens:
                    j -= 1
                return j
            if token in self.or_words and j - 2 >= lo:
                # "not sick or feverish": the word before "or" shares the negator
                j -= 2
                passed += 1
                continue
            if token in self._passing:
                passed += 1
                if passed > self.reach:
                    return None
                between.append(token)
                j -= 1
                continue
            return None
        return None

    @staticmethod
    def _phrases_before(phrases: PhraseTrie, tokens, lo: int, start: int) -> list[tuple[int, int]]:
        """phrases.find(tokens, lo), less the phrases that start at `start` or later: read
        backwards from `start`, nothing those end with is ever reached."""
        if lo < 0:
            return phrases.find(tokens, lo)
        if phrases.first_words.isdisjoint(tokens[lo:start]):
            return []
        return [(s, e) for s, e in phrases.find(tokens, lo) if s < start]

    def _softened(self, tokens, found) -> bool:
        """A pair whose only trouble word is soreness, in a sentence about the needled muscle."""
        flag, s, e, _ = found
        if flag.topic != self.flags[0].topic:
            return False
        words = set(tokens[s:e])
        subjects = self._subject_words
        if sum(1 for names in subjects if words & names) != 1 or not words & subjects[0]:
            return False  # only the chest's soreness: "sore whenever he inhales" is breathing
        return bool(words & self.calm_softens) and not (words & self._trouble_words) - self.calm_softens

    def _subject_alone(self, tokens, clauses, within, denied_tokens, asked_about, taken, names
                       ) -> list[Mention]:
        """The emergency's subject named with no trouble word: raised unless the sentence is
        calm about it, the mention is denied, or it is a question about the flag. `names`: the
        subjects' lists that occur."""
        if self.calm_context.find(tokens):
            return []
        flag = self.flags[0]
        out = []
        for lo, hi in clauses:
            for name in names:
                for s, e in within(name, lo, hi):
                    if s in taken or denied_tokens & set(range(s, e)):
                        continue
                    if self._hypothetical(tokens, lo, s, e, hi):
                        continue
                    cut = self._negated_from(tokens, lo, s, denied_tokens)
                    if cut is not None or self._reassured_after(tokens, e, hi) is not None:
                        continue  # denied: the other readings record it
                    out.append(Mention(self._emergency_subjects.get(name, flag), s, e, False, s))
        return out

    def _denied_wellness(self, tokens, clauses, within, denied_tokens, asked_about, wellness,
                         subjects) -> list[Mention]:
        """ "I don't feel like I'm getting enough air": a denied good state is the trouble.
        Also a flag's subject in a question ("should I worry about my lungs") is asked about.
        `wellness`, `subjects`: the (flag, list) and (list, flag) entries whose lists occur."""
        out = []
        for lo, hi in clauses:
            for flag, name in wellness:
                for s, e in within(name, lo, hi):
                    if self._hypothetical(tokens, lo, s, e, hi):
                        asked_about.setdefault(flag.id, flag)
                    elif self._negated_from(tokens, lo, s, denied_tokens) is not None:
                        out.append(Mention(flag, s, e, False, s))
            for first, flag in subjects:
                for s, e in within(first, lo, hi):
                    if self._hypothetical(tokens, lo, s, e, hi):
                        asked_about.setdefault(flag.id, flag)
        return out

    def _hypothetical(self, tokens, lo, start, end, hi) -> bool:
        if any(True for _ in self.hypotheticals.find(tokens, lo, start)):
            return True
        return any(s <= end + 1 for s, _ in self.hypothetical_after.find(tokens, end, hi))

    def _reassured_after(self, tokens, end, hi) -> int | None:
        """The end of a reassurance that follows a mention across passing words, or None."""
        j, passed = end, 0
        while j < hi and passed <= self.reach:
            found = self.reassurance.at(tokens, j)
            if found:
                return j + len(found)
            if tokens[j] not in self.passes:
                return None
            passed += 1
            j += 1
        return None

    def _negated_words(self, tokens, clauses, within, denied_tokens, words) -> list[Mention]:
        """A flag's word denied on its own ("no redness", "no swelling"): never a flag by
        itself, but not a question about that topic either. `words`: the (flag, list) entries
        whose lists occur."""
        if not denied_tokens and self._negating.isdisjoint(tokens):
            return []  # no negator anywhere, and nothing denied for "or" to carry on
        out = []
        for lo, hi in clauses:
            for flag, name in words:
                for s, e in within(name, lo, hi):
                    if denied_tokens & set(range(s, e)):
                        continue
                    cut = self._negated_from(tokens, lo, s, denied_tokens)
                    if cut is not None:
                        denied_tokens.update(range(cut, e))
                        out.append(Mention(flag, s, e, True, cut))
        return out

    def _reassured(self, tokens, clauses, within, known, subjects) -> list[Mention]:
        """ "my breathing is fine", "my chest feels normal": a denial without a negator.
        `subjects`: the (flag, first list) entries whose lists occur."""
        if self.reassurance.first_words.isdisjoint(tokens):
            return []  # nothing in the sentence says a subject is fine
        out = []
        for lo, hi in clauses:
            for flag, first in subjects:
                for s, e in within(first, lo, hi):
                    if (flag.id, s) in known:
                        continue
                    settled = self._reassured_after(tokens, e, hi)
                    if settled is not None:
                        out.append(Mention(flag, s, settled, True, s))
                        known = known | {(flag.id, s)}
        return out


def load_grammar(data: Any, path: Path, error, language: str = ENGLISH) -> RedFlagGrammar:
    """The grammar, or `error(path, key, problem)` raised for bad data."""
    if not isinstance(data, dict):
        raise error(path, "(top level)", "expected a mapping")
    try:
        return RedFlagGrammar(data, language)
    except GrammarError as exc:
        raise error(path, exc.key, str(exc)) from None
