"""Held-out phrasings, scored through the real skill as a user hears the first answer.

tests/data/heldout/: phrasings by writers who never saw the samples, the red-flag data or
these tests (tests/heldout.py scores them). The recognition issue's figures are asserted on
the latest writer's test half per locale, never tuned on; the rest is development data.
tests/data/heldout_en-US.yaml is the older set, written in the samples' voice and tuned on: a
regression check, not a result.
"""
from __future__ import annotations

import yaml
import pytest

from .conftest import ROOT
from .heldout import load_half, score
from .helpers import answered_topic, spoken

FIGURES: list[str] = []

HELDOUT = yaml.safe_load((ROOT / "tests" / "data" / "heldout_en-US.yaml").read_text())
TOPIC_PHRASINGS = [(p, t) for t, phrasings in HELDOUT["topics"].items() for p in phrasings]
EMERGENCY = HELDOUT["emergency"]
OUT_OF_SCOPE = HELDOUT["out_of_scope"]
MIN_TOPIC_ACCURACY = 0.90
MIN_HONEST_OUT_OF_SCOPE = 0.90


def ask(conversation, text):
    talk = conversation()
    response = talk.say(text)
    return response, answered_topic(response)


def test_the_held_out_set_is_big_enough():
    assert len(TOPIC_PHRASINGS) >= 60
    assert len(EMERGENCY) >= 20


def test_at_least_90_percent_reach_the_right_topic(conversation):
    wrong = []
    for phrasing, topic in TOPIC_PHRASINGS:
        _, (got, variant) = ask(conversation, phrasing)
        if got != topic or variant == "unrecognised":
            wrong.append((phrasing, topic, got))
    accuracy = 1 - len(wrong) / len(TOPIC_PHRASINGS)
    print(f"held-out topic accuracy: {accuracy:.1%} ({len(TOPIC_PHRASINGS) - len(wrong)}"
          f"/{len(TOPIC_PHRASINGS)}); misses: {wrong}")
    assert accuracy >= MIN_TOPIC_ACCURACY, wrong


@pytest.mark.parametrize("phrasing", EMERGENCY)
def test_every_emergency_phrasing_gets_the_emergency_answer(conversation, phrasing):
    response, (topic, _) = ask(conversation, phrasing)
    assert topic == "emergency"
    assert spoken(response).startswith("Call nine one one now")
    assert response["response"]["shouldEndSession"] is True


def test_no_other_phrasing_gets_the_emergency_answer(conversation):
    others = [p for p, t in TOPIC_PHRASINGS if t != "emergency"] + OUT_OF_SCOPE
    alarmed = [p for p in others if ask(conversation, p)[1][0] == "emergency"]
    assert alarmed == []


def test_out_of_scope_questions_reach_no_topic_and_no_emergency(conversation):
    """An honest "I don't have guidance on that" (or the help), never invented advice."""
    advised = []
    for phrasing in OUT_OF_SCOPE:
        response, (topic, variant) = ask(conversation, phrasing)
        assert topic != "emergency", phrasing
        if topic is not None and variant != "unrecognised":
            advised.append((phrasing, topic))
        elif topic is not None:
            assert spoken(response).startswith("I don't have guidance on that"), phrasing
    share = 1 - len(advised) / len(OUT_OF_SCOPE)
    print(f"out of scope answered without topic advice: {share:.0%}; misses: {advised}")
    assert share >= MIN_HONEST_OUT_OF_SCOPE, advised


# ------------------------------------------------------------ the independent sets
# Ten writers who never saw the samples, the red-flag data or these tests. The reported
# figures come from the tenth writer's test half (j.test), scored here and never tuned on;
# failures there report counts only. The other halves are development data (each earlier
# test half became that once its misses were read): held to regression bounds.
TEST_HALVES = ("j.test",)
DEVELOPMENT_HALVES = ("a.dev", "a.dev2", "b.dev", "b.dev2", "c.dev", "c.dev2", "d.dev", "d.dev2",
                      "e.dev", "e.dev2", "f.dev", "f.dev2", "g.dev", "g.dev2", "h.dev", "h.dev2", "i.dev", "i.dev2", "j.dev")


@pytest.mark.parametrize("half", DEVELOPMENT_HALVES)
def test_development_halves_hold_their_ground(half, handler, en, resolver):
    from skill.local.conversation import Conversation

    report = score(lambda: Conversation(handler, en, resolver=resolver), load_half("en-US", half))
    FIGURES.extend(f"en-US {half} (development): {line}" for line in report.lines())
    for (good, total), bound in ((report.emergency_recall, 0.99), (report.routed, 0.90),
                                 (report.denials_answered, 0.90)):
        assert good >= bound * total, (half, good, total, report.misses())
    alarmed, others = report.false_alarms
    assert alarmed <= 0.05 * others, (half, alarmed, others)


@pytest.fixture(scope="module", params=TEST_HALVES)
def test_half(request, handler, en, resolver):
    from skill.local.conversation import Conversation

    def make():
        return Conversation(handler, en, resolver=resolver)
    items = load_half("en-US", request.param)
    free, exact = score(make, items, "free"), score(make, items, "exact")
    FIGURES.extend(f"en-US {request.param} half, {how}: {line}"
                   for how, report in (("free", free), ("exact", exact)) for line in report.lines())
    return free, exact


@pytest.mark.parametrize("half", TEST_HALVES)
def test_the_test_half_is_big_enough(half):
    items = load_half("en-US", half)
    kinds = [i["kind"] for i in items]
    assert len(items) >= 120
    assert sum(i["expect"] == "emergency" for i in items) >= 30
    assert kinds.count("denial") >= 15 and kinds.count("compound") >= 10


def test_the_held_out_writing_meets_the_issues_size():
    """At least 300 phrasings, 60 emergencies, 30 denials and 30 two-topic sentences."""
    items = [i for half in TEST_HALVES + DEVELOPMENT_HALVES for i in load_half("en-US", half)]
    kinds = [i["kind"] for i in items]
    assert len(items) >= 300 and kinds.count("denial") >= 30 and kinds.count("compound") >= 30
    assert sum(i["expect"] == "emergency" for i in items) >= 60


# The recognition issue's targets, and where the reported test half (j.test, the tenth
# writer's, scored once after tuning) stands: emergency recall 36 of 36, denials 15 of 15,
# routed 105 of 115, the exact-match lower bound 35 of 36, no false alarm in 92. The floors are
# those figures, so a change that loses ground fails here.
TARGETS = {"emergency_recall": 1.00, "denials": 0.90, "routed": 0.90, "exact_emergency": 0.95}
FLOORS = {"emergency_recall": 36 / 36, "exact_emergency": 35 / 36, "false_alarms": 1 / 92}


def test_emergencies_are_recognised_with_the_instruction_first(test_half):
    free, _ = test_half
    good, total = free.emergency_recall
    assert good >= FLOORS["emergency_recall"] * total, f"{total - good} of {total} missed"
    for o in free.outcomes:
        if o.emergency_first:
            assert o.speech.startswith("Call nine one one"), "the instruction comes first"


def test_denied_red_flags_are_answered_without_the_emergency_opening(test_half):
    free, _ = test_half
    good, total = free.denials_answered
    assert good >= TARGETS["denials"] * total, f"{good} of {total}"
    good, total = free.denials_with_a_flag_escalated
    assert good == total, f"{good} of {total}"  # a flag that is not denied still wins


def test_first_answers_are_routed_right(test_half):
    free, _ = test_half
    good, total = free.routed
    assert good >= TARGETS["routed"] * total, f"{good} of {total}"


def test_first_answers_carry_guidance_whenever_they_reach_the_right_topic(test_half):
    """Answer first: never only "when was your session?" (the conversation issue)."""
    free, _ = test_half
    only_asked = [o for o in free.outcomes if o.routed_right and not o.guidance_first
                  and o.item["kind"] in ("plain", "compound", "denial")]
    assert not only_asked, f"{len(only_asked)} answered only with a question"


def test_exact_samples_and_carrier_phrases_still_catch_emergencies(test_half):
    """The lower bound a real device can fall to: exact samples plus free-speech carriers."""
    _, exact = test_half
    good, total = exact.emergency_recall
    assert good >= FLOORS["exact_emergency"] * total, f"{good} of {total}"


def test_few_non_emergencies_get_the_emergency_answer(test_half):
    """In doubt the skill escalates; the price is paid by few sentences, most of them about
    the chest or breathing."""
    free, _ = test_half
    alarmed, others = free.false_alarms
    assert alarmed <= FLOORS["false_alarms"] * others, f"{alarmed} of {others}"


def test_noise_never_raises_an_alarm(test_half):
    free, _ = test_half
    assert not [o for o in free.outcomes if o.item["kind"] == "noise" and o.emergency_first]


# ------------------------------------------------------------ every other locale
# One writer per locale who saw only the article and the topic list, never that locale's
# samples or red-flag data; each set split once like the en-US ones (headers say how). The
# development half is tuned on and held to bounds; the test half is scored for the figures.
# Each locale's development halves (a former test half, once read for its misses, is one)
# and the test half that reports.
LOCALE_DEVELOPMENT = {"en-GB": ("a.dev", "a.dev2", "b.dev"), "en-CA": ("a.dev",),
                      "en-AU": ("a.dev", "a.dev2", "b.dev"), "en-IN": ("a.dev",),
                      "es-US": ("a.dev", "a.dev2", "b.dev", "b.dev2", "c.dev")}
LOCALE_TESTS = {"en-GB": "b.test", "en-CA": "a.test", "en-AU": "b.test", "en-IN": "a.test",
                "es-US": "c.test"}


def locale_report(locale, half, handler, content, how="free"):
    from skill.local.conversation import Conversation

    first = Conversation(handler, content[locale], locale=locale)

    def make():
        return Conversation(handler, content[locale], locale=locale, resolver=first.resolver)
    return score(make, load_half(locale, half), how, locale)


@pytest.mark.parametrize("locale, half", [(locale, half) for locale, halves in
                                          sorted(LOCALE_DEVELOPMENT.items()) for half in halves])
def test_each_locales_development_half_holds_its_ground(locale, half, handler, content):
    report = locale_report(locale, half, handler, content)
    FIGURES.extend(f"{locale} {half} (development): {line}" for line in report.lines())
    good, total = report.emergency_recall
    assert good == total, (locale, report.misses())
    for (good, total), bound in ((report.routed, 0.90), (report.denials_answered, 0.90)):
        assert good >= bound * total, (locale, good, total, report.misses())
    alarmed, others = report.false_alarms
    assert alarmed <= 0.05 * others, (locale, alarmed, others)


@pytest.mark.parametrize("locale", sorted(LOCALE_TESTS))
def test_each_locales_set_meets_the_issues_size(locale):
    """At least 60 phrasings and 20 emergencies per locale, over one writer's two halves."""
    writer = LOCALE_TESTS[locale].split(".")[0]
    items = load_half(locale, f"{writer}.dev") + load_half(locale, f"{writer}.test")
    assert len(items) >= 60 and sum(i["expect"] == "emergency" for i in items) >= 20


@pytest.mark.parametrize("locale", sorted(LOCALE_TESTS))
def test_each_locales_test_half_meets_the_figures(locale, handler, content):
    """Every emergency recognised, with that country's number first; 90% routed right.
    Counts only: the test half is never read for misses."""
    half = LOCALE_TESTS[locale]
    free = locale_report(locale, half, handler, content)
    exact = locale_report(locale, half, handler, content, "exact")
    FIGURES.extend(f"{locale} {half} half, {how}: {line}"
                   for how, report in (("free", free), ("exact", exact)) for line in report.lines())
    good, total = free.emergency_recall
    assert good == total, f"{total - good} of {total} emergencies missed"
    instruction = content[locale].topics["emergency"].answer().speech.split(". ")[0]
    assert content[locale].emergency_number.split(",")[0] in instruction
    assert all(o.speech.startswith(instruction) for o in free.outcomes if o.emergency_first)
    good, total = free.routed
    assert good >= 0.90 * total, f"{good} of {total} routed"
