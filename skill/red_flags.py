"""The one safety matcher: which red flags a sentence names, and which it denies.

A small grammar read from content/<locale>/red_flags.yaml (its header explains the reading):
phrases that are a red flag on their own, pairs of word lists that together make one ("chest"
+ "tight", "breathing" + "shallow"), fillers that must not break a match, and the negators,
hedges and reassurances that decide whether a mention is denied ("no chest pain, just sore")
or only doubted ("not sure if it's my chest"), which escalates.

Used by the resolver (skill/utterances.py) on every free-text request, before any topic, on
Lambda as locally: it is plain Python over token tuples, no regular expressions to compile.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

_GROUP = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]|\{(\w+)\}|(\S+)")
_WORD = re.compile(r"[a-z0-9']+")
# "breathing's" -> "breathing is"; possessives read the same way, which is harmless here.
_APOSTROPHE_S = re.compile(r"(?<=[a-z])'s\b")
Phrase = tuple[str, ...]


class GrammarError(ValueError):
    """The red-flag data breaks the grammar; `key` names where."""

    def __init__(self, key: str, problem: str):
        super().__init__(problem)
        self.key = key


def tokens_of(text: str) -> list[str]:
    text = _APOSTROPHE_S.sub(" is", text.lower().replace("\u2019", "'"))
    return _WORD.findall(text)


@dataclass(frozen=True)
class Flag:
    id: str
    topic: str
    alone: tuple[Phrase, ...]
    together: tuple[tuple[str, str, int], ...]  # (first list, second list, window)
    order: int = 0  # place in the data: emergencies come first and win


@dataclass(frozen=True)
class Mention:
    flag: Flag
    start: int  # token span in Reading.tokens
    end: int
    denied: bool
    cut_from: int  # where the denial starts ("not" in "not short of breath"), for the remainder


@dataclass(frozen=True)
class Reading:
    """What one sentence says about red flags."""

    tokens: tuple[str, ...]
    mentions: tuple[Mention, ...]

    @property
    def raised(self) -> Flag | None:
        """The first flag (in the data's order: emergencies first) with a mention not denied."""
        raised = {m.flag.id for m in self.mentions if not m.denied}
        return next((m.flag for m in self._by_order() if m.flag.id in raised), None)

    @property
    def denied(self) -> tuple[Flag, ...]:
        """Flags that are only ever denied in the sentence."""
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


class _Phrases:
    """A set of token sequences, found by their first token."""

    def __init__(self, phrases: Iterable[Phrase]):
        self.by_first: dict[str, list[Phrase]] = {}
        for p in sorted(set(phrases), key=len, reverse=True):  # longest first
            self.by_first.setdefault(p[0], []).append(p)

    def at(self, tokens: tuple[str, ...], i: int) -> Phrase | None:
        for p in self.by_first.get(tokens[i], ()):
            if tokens[i:i + len(p)] == p:
                return p
        return None

    def find(self, tokens: tuple[str, ...], lo: int = 0, hi: int | None = None
             ) -> list[tuple[int, int]]:
        hi = len(tokens) if hi is None else hi
        out = []
        for i in range(lo, hi):
            p = self.at(tokens, i)
            if p and i + len(p) <= hi:
                out.append((i, i + len(p)))
        return out


class RedFlagGrammar:
    # The inability a trouble word carries ("can't breathe") is the problem, not a denial.
    OWN_NEGATIVES = frozenset({"can't", "cannot", "couldn't", "unable", "not", "isn't"})

    def __init__(self, data: Mapping[str, Any]):
        self.window = self._int(data, "window")
        self.reach = self._int(data, "denial_reach")
        words = data.get("words")
        if not isinstance(words, dict):
            raise GrammarError("words", "must map list names to lists of words")
        self.lists: dict[str, _Phrases] = {}
        self._raw_lists: dict[str, list[Phrase]] = {}
        for name, entries in words.items():
            phrases = [self._plain(e, f"words.{name}") for e in self._strings(entries, f"words.{name}")]
            self._raw_lists[str(name)] = phrases
            self.lists[str(name)] = _Phrases(phrases)
        self.fillers = _Phrases(self._plain(e, "fillers") for e in self._strings(data.get("fillers"), "fillers"))
        self.harmless = _Phrases(self._plain(e, "harmless") for e in self._strings(data.get("harmless", []), "harmless"))
        self.breaks = _Phrases(self._plain(e, "clause_breaks")
                               for e in self._strings(data.get("clause_breaks"), "clause_breaks"))
        self.negators = frozenset(self._strings(data.get("negators"), "negators"))
        self.passes = frozenset(self._strings(data.get("negation_passes"), "negation_passes"))
        self.hedges = frozenset(self._strings(data.get("hedges"), "hedges"))
        self.reassurance = _Phrases(self._plain(e, "reassurance")
                                    for e in self._strings(data.get("reassurance"), "reassurance"))
        raw_flags = data.get("flags")
        if not isinstance(raw_flags, list) or not raw_flags:
            raise GrammarError("flags", "must be a list of flags")
        self.flags: list[Flag] = []
        self._alone: list[_Phrases] = []
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
            flag = Flag(raw["id"], raw["topic"], alone, tuple(together), order=i)
            self.flags.append(flag)
            self._alone.append(_Phrases(alone))
        self.function_words = frozenset(
            w for group in (self.negators, self.passes, self.hedges) for w in group) | frozenset(
            w for phrases in (self.reassurance.by_first.values(), self.fillers.by_first.values())
            for ps in phrases for p in ps for w in p)
        # Subjects a reassurance can follow ("my breathing is fine"): each pair's first list.
        self._subjects = [(flag, first) for flag in self.flags for first, _, _ in flag.together]

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

    @staticmethod
    def _plain(text: str, key: str) -> Phrase:
        words = tuple(tokens_of(text))
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
                choices.append([tuple(tokens_of(w)) for w in word.split("/")])
            else:
                alternatives = [tuple(tokens_of(a)) for a in (required or optional).split("/")]
                choices.append(alternatives + ([()] if optional is not None else []))
        if not choices or any(not c or any(not p for p in c) and c[-1] != () for c in choices):
            raise GrammarError(key, f"{pattern!r} is not a phrase")
        out = [tuple(itertools.chain.from_iterable(combo)) for combo in itertools.product(*choices)]
        return [p for p in out if p]

    # ------------------------------------------------------------ reading

    def clean(self, text: str) -> tuple[str, ...]:
        """Tokens with harmless phrases and fillers taken out."""
        tokens = tuple(tokens_of(text))
        for phrases in (self.harmless, self.fillers):
            keep, i = [], 0
            while i < len(tokens):
                p = phrases.at(tokens, i)
                if p:
                    i += len(p)
                else:
                    keep.append(tokens[i])
                    i += 1
            tokens = tuple(keep)
        return tokens

    def _clauses(self, tokens: tuple[str, ...]) -> list[tuple[int, int]]:
        spans, start = [], 0
        for i in range(len(tokens)):
            if i > start and self.breaks.at(tokens, i):
                spans.append((start, i))
                start = i
        spans.append((start, len(tokens)))
        return spans

    def read(self, text: str) -> Reading:
        tokens = self.clean(text)
        clauses = self._clauses(tokens)
        found: list[tuple[Flag, int, int, bool]] = []  # flag, start, end, negator inside the pair
        for flag, alone in zip(self.flags, self._alone):
            for s, e in alone.find(tokens):
                found.append((flag, s, e, False))
        for lo, hi in clauses:
            for flag in self.flags:
                for first, second, window in flag.together:
                    for pair in self._pairs(tokens, lo, hi, first, second, window):
                        found.append((flag, *pair))
        mentions: list[Mention] = []
        denied_tokens: set[int] = set()
        # Left to right, so "no fever or chills" denies chills across the denied fever.
        for flag, s, e, inner_negator in sorted(found, key=lambda f: (f[1], f[2])):
            if denied_tokens & set(range(s, e)):
                # The same words read again as a pair ("not short of breath, just sore"
                # also pairs "breath" with "sore"): denied with them, nothing more to cut.
                mentions.append(Mention(flag, s, e, True, e))
                continue
            lo = next(c[0] for c in clauses if c[0] <= s < c[1])
            cut = self._negated_from(tokens, lo, s, denied_tokens)
            if cut is None and inner_negator:
                cut = s
            if cut is not None:
                denied_tokens.update(range(cut, e))
            mentions.append(Mention(flag, s, e, cut is not None, s if cut is None else cut))
        mentions += self._negated_words(tokens, clauses, denied_tokens)
        mentions += self._reassured(tokens, clauses, {(m.flag.id, m.start) for m in mentions})
        return Reading(tokens, tuple(mentions))

    def _pairs(self, tokens, lo, hi, first, second, window):
        """(start, end, denied) for each first-list word near a second-list word in tokens[lo:hi]."""
        a_hits = self.lists[first].find(tokens, lo, hi)
        b_hits = self.lists[second].find(tokens, lo, hi)
        for a in a_hits:
            for b in b_hits:
                if a == b or (first == second and tokens[a[0]:a[1]] == tokens[b[0]:b[1]]):
                    continue
                gap = b[0] - a[1] if b[0] >= a[1] else a[0] - b[1]
                if gap < 0 or gap > window:
                    continue
                s, e = min(a[0], b[0]), max(a[1], b[1])
                between = range(min(a[1], b[1]), max(a[0], b[0]))
                own = any(t in self.OWN_NEGATIVES for t in tokens[b[0]:b[1]] + tokens[a[0]:a[1]])
                inner = not own and any(self._is_negator(tokens[i]) for i in between)
                yield s, e, inner

    def _is_negator(self, token: str) -> bool:
        return token in self.negators

    def _negated_from(self, tokens, lo, start, denied_tokens) -> int | None:
        """Index of the negator that denies a mention starting at `start`, or None.

        A hedge on the way ("not sure if", "don't know whether") denies nothing, and an
        earlier denial reaches on only through "or" ("no fever or chills", but not "no chest
        pain, my chest is tight")."""
        j, passed = start - 1, 0
        while j >= lo:
            token = tokens[j]
            if token in self.hedges:
                return None
            if self._is_negator(token):
                return j
            if token in ("or", "nor") and j - 1 in denied_tokens:
                while j - 1 >= lo and j - 1 in denied_tokens:
                    j -= 1
                return j
            if token in self.passes:
                passed += 1
                if passed > self.reach:
                    return None
                j -= 1
                continue
            return None
        return None

    def _negated_words(self, tokens, clauses, denied_tokens) -> list[Mention]:
        """A flag's word denied on its own ("no redness", "no swelling"): never a flag by
        itself, but not a question about that topic either."""
        out = []
        for lo, hi in clauses:
            for flag in self.flags:
                for name in {n for pair in flag.together for n in pair[:2]}:
                    for s, e in self.lists[name].find(tokens, lo, hi):
                        if denied_tokens & set(range(s, e)):
                            continue
                        cut = self._negated_from(tokens, lo, s, denied_tokens)
                        if cut is not None:
                            denied_tokens.update(range(cut, e))
                            out.append(Mention(flag, s, e, True, cut))
        return out

    def _reassured(self, tokens, clauses, known) -> list[Mention]:
        """ "my breathing is fine", "my chest feels normal": a denial without a negator."""
        out = []
        for lo, hi in clauses:
            for flag, first in self._subjects:
                for s, e in self.lists[first].find(tokens, lo, hi):
                    if (flag.id, s) in known:
                        continue
                    j, passed = e, 0
                    while j < hi and passed <= self.reach:
                        p = self.reassurance.at(tokens, j)
                        if p:
                            out.append(Mention(flag, s, j + len(p), True, s))
                            known = known | {(flag.id, s)}
                            break
                        if tokens[j] not in self.passes:
                            break
                        passed += 1
                        j += 1
        return out


def load_grammar(data: Any, path: Path, error) -> RedFlagGrammar:
    """The grammar, or `error(path, key, problem)` raised for bad data."""
    if not isinstance(data, dict):
        raise error(path, "(top level)", "expected a mapping")
    try:
        return RedFlagGrammar(data)
    except GrammarError as exc:
        raise error(path, exc.key, str(exc)) from None
