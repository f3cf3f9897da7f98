"""Issue 9's figures on the held-out test half (tests/data/heldout/en-US.test.yaml): every
in-scope first answer carries guidance (never only a question back), and how many reach the
right topic. Routing is the recognition issue's; this counts what a new user hears first."""
from __future__ import annotations

import yaml

from .conftest import ROOT
from .helpers import answered_topic, spoken

TEST_HALF = ROOT / "tests" / "data" / "heldout" / "en-US.test.yaml"
OUT_OF_SCOPE = {"out_of_scope", "fallback"}
NOT_GUIDANCE = ("I can tell you which applies to you. When was your session?",
                "When was your session")


def in_scope():
    items = yaml.safe_load(TEST_HALF.read_text(encoding="utf-8"))
    return [i for i in items if i["expect"] not in OUT_OF_SCOPE]


def guidance_in(response) -> bool:
    """A topic answered, with words before any question back."""
    topic, _ = answered_topic(response)
    said = spoken(response)
    for question in NOT_GUIDANCE:
        if question in said:
            said = said[: said.index(question)]
    return topic is not None and len(said.split()) >= 8


def test_first_answers_carry_guidance_for_every_in_scope_question(conversation):
    items = in_scope()
    first = [(i, conversation().say(i["say"])) for i in items]
    routed = [r for r in first if answered_topic(r[1])[0] is not None]
    only_question = [i["say"] for i, r in routed if not guidance_in(r)]
    right = [i for i, r in first
             if answered_topic(r)[0] in {i["expect"], *(i.get("also") or [])}]
    print(f"held-out test half: {len(items)} in scope; first answers with guidance when a topic "
          f"answered: {len(routed) - len(only_question)}/{len(routed)}; routed right "
          f"{len(right)}/{len(items)} ({len(right) / len(items):.1%})")
    assert not only_question, only_question
