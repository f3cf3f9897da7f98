"""The understanding's shortcuts skip only work that could not have found anything.

Every free-text request runs the red-flag grammar and the resolver, so they take shortcuts: a
phrase list tested against a sentence in one set operation, a built-in value's pattern tried
only when the text holds a string every match of it holds, samples with slots tried only when
their words are in the sentence. Each is checked here against the plain way it replaces (the
code as it was), on held-out phrasings and on random sentences made of the words they look for.
bench/behaviour_identity.py compares the answers themselves, tree against tree.
"""
from __future__ import annotations

import functools
import random
import re

import pytest
import yaml

from skill.understanding import red_flags as rf
from skill.understanding.builtin_slots import FUZZY_PATTERNS, PATTERNS
from skill.understanding.resolver import _features, _needs, _token, normalise

from .conftest import ROOT

RNG_SEED = 20261203


@functools.lru_cache(maxsize=None)
def heldout_sentences(locale: str | None = None) -> tuple[str, ...]:
    """The held-out phrasings of one locale, or of all."""
    said = []
    for path in sorted((ROOT / "tests" / "data" / "heldout").glob(f"{locale or '*'}.*.yaml")):
        said += [item["say"] for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return tuple(said)


@pytest.fixture(scope="module", params=["en-US", "es-US"])
def loaded(request, content):
    """Each language's content: its grammar, its model, its resolver."""
    return content[request.param]


@pytest.fixture(scope="module")
def res(loaded, resolvers):
    return resolvers(loaded)


@pytest.fixture(scope="module")
def sentences_of(loaded, res):
    """The locale's held-out phrasings, normalised as the resolver reads them."""
    return [normalise(s, res.language) for s in heldout_sentences(loaded.locale)]


@pytest.fixture(scope="module")
def pool(res, loaded):
    """Words the shortcuts look for, and some they do not."""
    words = set(res.vocabulary) | set(loaded.red_flags.vocabulary) | loaded.red_flags.function_words
    words |= {"o'clock", "it's", "breathing's", "'s", "3", "12", "45", "monday", "two", "hours",
              "slots", "slotamazontime", "x'sy", "y'all", "morning's", "'morning", "pm", "am",
              "mañana", "día", "dolía", "ß", "÷"}
    return sorted(words)


def sentences(pool, rng, count, longest=12):
    for _ in range(count):
        yield " ".join(rng.choice(pool) for _ in range(rng.randint(0, longest)))


# ---------------------------------------------------------------- the plain ways, as they were

def old_tokens_of(text, spellings=None, language=rf.ENGLISH):
    text = text.lower().replace("\u2019", "'")
    if language == rf.ENGLISH:
        words = rf._WORD.findall(rf._APOSTROPHE_S.sub(" is", text))
    else:
        words = rf._WORD_LATIN.findall(text)
    return [spellings.get(w, w) for w in words] if spellings else words


def old_at(trie, tokens, i):
    node, longest = trie.trie, None
    for token in tokens[i:]:
        node = node.get(token)
        if node is None:
            break
        longest = node.get(trie._END, longest)
    return longest


def old_find(trie, tokens, lo=0, hi=None):
    hi = len(tokens) if hi is None else hi
    out = []
    for i in range(lo, hi):
        p = old_at(trie, tokens, i)
        if p and i + len(p) <= hi:
            out.append((i, i + len(p)))
    return out


def old_without(trie, tokens):
    keep, i = [], 0
    while i < len(tokens):
        p = old_at(trie, tokens, i)
        if p:
            i += len(p)
        else:
            keep.append(tokens[i])
            i += 1
    return tuple(keep)


def old_evidence(resolver, words, typed):
    """The plain sum, feature by feature in sorted order: the intents in the order the sum first
    reaches them, which settles a tie."""
    evidence = {}
    for feature in sorted(_features(typed, resolver.language) | _features(words, resolver.language)):
        for intent, weight in resolver.features.get(feature, {}).items():
            evidence[intent] = evidence.get(intent, 0) + weight
    return evidence


def old_starts(resolver, words):
    return [i for i in range(len(words)) if " ".join(words[:i]) in resolver._wildcard_prefixes]


# ---------------------------------------------------------------- the checks

@pytest.mark.parametrize("language", ["en", "es"])
def test_tokens_of_reads_plain_text_as_the_regular_expressions_do(language):
    rng = random.Random(RNG_SEED)
    alphabet = "abs' zZ0\u2019\u00e9\u00c9\u00f1\u00df\u00f7\u00ff\u0130  \t-"
    spellings = {"a": "x's", "cant": "can't"}
    for _ in range(8000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert rf.tokens_of(text, None, language) == old_tokens_of(text, None, language), text
        assert rf.tokens_of(text, spellings, language) == old_tokens_of(text, spellings, language)
        # What normalise() gives is plain: read without the check, it reads the same.
        plain = normalise(text, language)
        assert rf.tokens_of(plain, spellings, language, plain=True) \
            == old_tokens_of(plain, spellings, language), text
    for said in heldout_sentences():
        for text in (said, normalise(said, language)):
            assert rf.tokens_of(text, None, language) == old_tokens_of(text, None, language)
        plain = normalise(said, language)
        assert rf.tokens_of(plain, None, language, plain=True) == old_tokens_of(plain, None, language)


@pytest.mark.parametrize("language", ["en", "es"])
def test_normalise_reads_text_as_the_regular_expressions_do(language):
    from skill.understanding.resolver import _NOT_WORD, _NOT_WORD_LATIN

    def old_normalise(text):
        text = text.lower().replace("\u2019", "'")
        return " ".join(_NOT_WORD.get(language, _NOT_WORD_LATIN).sub(" ", text).split())
    rng = random.Random(RNG_SEED)
    alphabet = "abZ09' \t\n-?!.,;:()&<>\"\u2019\u00e9\u00c9\u00f1\u00df\u00f7\u00ff\u0130\u212a~^_|"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert normalise(text, language) == old_normalise(text), text
    for said in heldout_sentences():
        assert normalise(said, language) == old_normalise(said), said


def test_one_pass_finds_the_lists_the_flag_phrases_and_the_breaks_each_search_found(loaded, pool,
                                                                                     sentences_of):
    grammar = loaded.red_flags
    rng = random.Random(RNG_SEED)
    for text in list(sentences_of) + list(sentences(pool, rng, 600)):
        tokens = grammar.clean(text)
        hits, alone, breaks = grammar._scan(tokens)
        plain = {name: [(i, i + len(trie.at(tokens, i))) for i in range(len(tokens))
                        if trie.at(tokens, i)] for name, trie in grammar.lists.items()}
        assert dict(hits) == {name: spans for name, spans in plain.items() if spans}, text
        assert alone == grammar._alone.find(tokens), text
        assert breaks == [i for i in range(1, len(tokens)) if tokens[i] in grammar.breaks.trie]


def test_phrase_lists_find_what_they_found(loaded, pool, sentences_of):
    grammar = loaded.red_flags
    tries = [grammar.fillers, grammar.harmless, grammar.breaks, grammar.negator_phrases,
             grammar.hedges_after, grammar.reassurance, grammar.hypotheticals,
             grammar.hypothetical_after, grammar.needled_site, grammar.calm_context,
             grammar._alone, *grammar.lists.values()]
    rng = random.Random(RNG_SEED)
    texts = list(sentences_of) + list(sentences(pool, rng, 600))
    for text in texts:
        tokens = tuple(rf.tokens_of(text, grammar.spellings, grammar.language))
        for trie in tries:
            for i in range(-2, len(tokens) + 2):
                assert trie.at(tokens, i) == old_at(trie, tokens, i)
            lo = rng.randint(-1, len(tokens) + 1)
            hi = rng.choice([None, rng.randint(-1, len(tokens) + 2)])
            assert trie.find(tokens, lo, hi) == old_find(trie, tokens, lo, hi)
            assert trie.find(tokens) == old_find(trie, tokens)
        for trie in (grammar.fillers, grammar.harmless):
            assert grammar._without(trie, tokens) == old_without(trie, tokens)


@pytest.mark.parametrize("strict", [True, False])
def test_a_builtin_pattern_is_skipped_only_where_it_cannot_match(res, pool, strict,
                                                                 sentences_of):
    rng = random.Random(RNG_SEED)
    table = PATTERNS if strict else FUZZY_PATTERNS
    for slot_type in table:
        pattern = res._builtin_values[strict][slot_type]
        needs = res._builtin_needs[strict][slot_type]
        assert needs is not None, slot_type  # each of today's patterns says what it needs
        matched = skipped = 0
        texts = list(sentences_of) + list(sentences(pool, rng, 1500, 6))
        texts += [f"{rng.choice(pool)} {value} {rng.choice(pool)}" for value in BUILTIN_EXAMPLES
                  for _ in range(3)]
        for text in texts:
            found = pattern.search(text) is not None
            if not needs(text):
                skipped += 1
                assert not found, (slot_type, text)
            matched += found
        assert matched and skipped, slot_type


def test_what_a_pattern_needs_is_read_conservatively():
    assert _needs(re.compile(r"(?i)monday")) is None  # case-insensitive: no strings to look for
    assert _needs(re.compile(r"\w+ days?")) is not None
    assert _needs(re.compile(r"a*")) is None  # matches nothing at all, too
    assert _needs(re.compile(r"[^x]y|z")) is not None
    digits = _needs(re.compile(r"\d+ (?:a|b)"))
    assert digits("\u0663") and not digits("a b")  # an Arabic-Indic three is a \d
    for pattern, text in [(r"(?:x|y)z", "yz"), (r"ab?c", "ac"), (r"(?:ab){2}", "abab"),
                          (r"q(?=r)", "qr"), (r"(a)(?:b|\1)", "aa")]:
        needs = _needs(re.compile(pattern))
        assert needs is None or needs(text), pattern


# Values of the built-in types, as the patterns read them.
BUILTIN_EXAMPLES = ["yesterday", "on monday", "three pm", "this morning", "noon", "two hours",
                    "half an hour", "at 3", "ten thirty", "a couple of days"]


def filled_samples(resolver, rng) -> list[str]:
    """Every sample with slots, its slots filled with values their types know, and some of
    them with a word more at either end."""
    values_by_token = {_token(t): sorted(table) for t, table in resolver.values.items()}
    values_by_token.update({_token("AMAZON.DATE"): ["yesterday", "on monday"],
                            _token("AMAZON.TIME"): ["three pm", "this morning", "noon"],
                            _token("AMAZON.DURATION"): ["two hours", "half an hour"]})
    out = []
    for template in resolver.typed:
        words = [rng.choice(values_by_token.get(w, [w])) for w in template.split()]
        out.append(" ".join(words))
        out.append(" ".join(["um"] + words))
        out.append(" ".join(words + ["please"]))
    return out


def test_samples_with_slots_are_skipped_only_when_none_can_match(res, pool, sentences_of):
    rng = random.Random(RNG_SEED)
    texts = filled_samples(res, rng) + list(sentences_of) \
        + list(sentences(pool, rng, 3000, 8))
    typed = 0
    for text in texts:
        matches = res._typed_values(text, whole_sample=True)[0] in res.typed
        typed += matches
        assert res._may_be_typed(text) or not matches, text
    assert typed > len(res.typed) // 2  # the filled samples do match


def test_custom_values_become_their_tokens_as_the_plain_walk_made_them(res, pool, sentences_of):
    rng = random.Random(RNG_SEED)
    values = res._custom_values
    for text in list(sentences_of) + list(sentences(pool, rng, 800)):
        tokens = text.split()
        out, i, found = [], 0, {}
        while i < len(tokens):  # the plain way: the longest value at each place, left to right
            phrase = values.at(tokens, i)
            if phrase is None:
                out.append(tokens[i])
                i += 1
                continue
            slot_type, said, token = res._value_owner[phrase]
            found.setdefault(slot_type, said)
            out.append(token)
            i += len(phrase)
        ours: dict = {}
        assert res._values_as_tokens(tokens, values, ours) == out, text
        assert ours == found, text


def test_evidence_is_the_exact_sum_and_a_tie_goes_to_the_intent_reached_first(res, pool, sentences_of):
    rng = random.Random(RNG_SEED)
    for text in list(sentences_of) + list(sentences(pool, rng, 800)):
        # As resolve() hands them over: the grammar's tokens with the fillers out.
        words = list(res.content.red_flags.clean(text, harmless=False))
        typed = res._typed_values(" ".join(words))[0].split()
        units, _ = res._evidence(words, typed)
        ours = {intent: u for intent, u in zip(res._packed[1], units) if u}
        theirs = old_evidence(res, words, typed)
        assert ours == theirs, text  # the same intents, the same whole numbers
        if theirs:
            assert res._most_evidence(units, max(units), words, typed) \
                == max(theirs, key=theirs.get), text


def test_evidence_fields_never_carry_into_each_other_even_with_every_feature_said(res):
    """The most any sentence can add up to: every feature of the index at once."""
    packed, intents, fields = res._packed
    units = fields.unpack(sum(packed.values()).to_bytes(fields.size, "little"))
    totals = {}
    for table in res.features.values():
        for intent, weight in table.items():
            totals[intent] = totals.get(intent, 0) + weight
    assert dict(zip(intents, units)) == totals


def old_unknown_value(res, text):
    from skill.understanding.resolver import Match

    words = text.split()
    if len(words) > res.index["longest_wildcard"] + 3:
        return None
    starts = old_starts(res, words)
    for length in (1, 2, 3):
        for i in starts:
            j = i + length
            if j > len(words):
                continue
            found = res.index["wildcards"].get(f"{' '.join(words[:i])}|{' '.join(words[j:])}")
            if not found:
                continue
            intent, slot_name, slot_type = found
            said = " ".join(words[i:j])
            _, known = res._typed_values(said)
            if not known:
                return Match(intent, "exact", {slot_name: res._fill(slot_type, said)})
            if slot_type in known:
                return Match(intent, "exact", {slot_name: res._fill(slot_type, known[slot_type])})
    return None


def test_unknown_values_are_found_where_they_were(res, pool, sentences_of):
    rng = random.Random(RNG_SEED)
    keys = sorted(res.index["wildcards"])
    texts = list(sentences_of) + list(sentences(pool, rng, 2000))
    for key in keys:  # each such sample, with a word or three in its slot
        before, after = key.split("|")
        for _ in range(3):
            value = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
            texts.append(" ".join(p for p in (before, value, after) if p))
    found = 0
    for text in texts:
        ours = res._unknown_value(text)
        assert ours == old_unknown_value(res, text), text
        found += ours is not None
    assert found > len(keys)


def test_ssml_escapes_as_the_translation_table_did():
    from skill.speech import _XML_ESCAPES, to_ssml

    rng = random.Random(RNG_SEED)
    for _ in range(5000):
        text = "".join(rng.choice("&<>a; amp&lt") for _ in range(rng.randint(0, 12)))
        assert to_ssml(text) == f"<speak>{text.translate(_XML_ESCAPES)}</speak>"


def old_depth_within(value, limit, max_nodes):
    todo = [(value, 0)]
    seen = 0
    while todo:
        node, depth = todo.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, (list, tuple)):
            children = node
        else:
            continue
        if depth >= limit:
            return False
        seen += len(children)
        if seen > max_nodes:
            return False
        todo.extend((child, depth + 1) for child in children)
    return True


def test_depth_within_answers_as_the_walk_did():
    from collections import OrderedDict

    from skill.request_limits import depth_within

    class Text(str):
        pass

    rng = random.Random(RNG_SEED)

    def tree(depth):
        roll = rng.random()
        if depth > 8 or roll < 0.3:
            return rng.choice([1, "x", None, 2.5, True, Text("t"), b"b"])
        if roll < 0.55:
            return [tree(depth + 1) for _ in range(rng.randint(0, 4))]
        if roll < 0.7:
            return tuple(tree(depth + 1) for _ in range(rng.randint(0, 3)))
        if roll < 0.8:
            return OrderedDict((str(i), tree(depth + 1)) for i in range(rng.randint(0, 3)))
        return {str(i): tree(depth + 1) for i in range(rng.randint(0, 4))}
    for _ in range(4000):
        value = tree(0)
        for limit in (0, 1, 2, 3, 5, 64):
            for most in (0, 1, 5, 20, 20000):
                assert depth_within(value, limit, most) == old_depth_within(value, limit, most)
