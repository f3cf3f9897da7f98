"""Held-out phrasings, written before the samples and never copied into the model.

Each goes through the local resolver and the real skill; what counts is the
topic that answered, read from the response's session attributes.
"""
from __future__ import annotations

import yaml
import pytest

from .conftest import ROOT
from .helpers import answered_topic, spoken

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
