"""Scoring held-out phrasings the way a user notices them: what the first answer was.

Each phrasing is said once in a fresh conversation, through the real skill; what counts is
the spoken words and the topic that answered (read from the session attributes).

Two ways of hearing a sentence:
  - `free`: as `aftercare ask` does, and as an Echo does for a sentence that reaches
    StatementIntent: the skill's own resolver reads it;
  - `exact`: the lower bound a real device can fall to if Alexa's language understanding
    matched only our samples to the letter: a sample (with known slot values) gives its
    intent; a sentence that starts with a StatementIntent carrier phrase reaches the skill
    as free speech, minus those words (as AMAZON.SearchQuery passes only the slot's part);
    anything else is AMAZON.FallbackIntent.

`python -m tests.heldout [--half a.dev|...|d.test] [--misses]` prints the figures.
"""
from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from skill.local.conversation import Conversation, split_invocation
from skill.content import get_content
from skill.understanding.free_speech import TEXT_SLOT, slot_json
from skill.understanding.resolver import FALLBACK, SlotFill, normalise

from .helpers import answered_topic, spoken

DATA = Path(__file__).resolve().parent / "data" / "heldout"
MODEL = Path(__file__).resolve().parent.parent / "interaction_model"
# The time question, in its old form (alone) and as it follows an answer now.
WHEN_QUESTION = re.compile(r"(?:I can tell you which applies to you\. )?When was your session\b.*$")
GUIDANCE_WORDS = 8  # fewer words before the time question is no answer
IN_SCOPE_KINDS = ("plain", "compound", "denial", "emergency")


def load_half(locale: str, half: str) -> list[dict]:
    return yaml.safe_load((DATA / f"{locale}.{half}.yaml").read_text(encoding="utf-8"))


def carrier_phrases(locale: str) -> list[tuple[str, str]]:
    """(carrier words, free-speech intent), longest first: Alexa prefers the fuller match."""
    model = json.loads((MODEL / f"{locale}.json").read_text(encoding="utf-8"))
    out, openings = [], get_content()[locale].openings
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        if intent["name"] in openings:
            slot = "{" + intent["slots"][0]["name"] + "}"
            out += [(s.replace(slot, "").strip(), intent["name"]) for s in intent["samples"]]
    return sorted(out, key=lambda c: len(c[0]), reverse=True)


@dataclass
class Outcome:
    item: dict
    topic: str | None
    variant: str | None
    speech: str

    @property
    def expected(self) -> set[str]:
        return {self.item["expect"], *(self.item.get("also") or [])}

    @property
    def emergency_first(self) -> bool:
        return self.topic == "emergency"

    @property
    def routed_right(self) -> bool:
        if self.item["expect"] in ("out_of_scope", "fallback"):
            return self.honest
        return self.topic in self.expected and self.variant != "unrecognised"

    @property
    def honest(self) -> bool:
        """No topic advice and no alarm for what the skill has no guidance on."""
        return (self.topic is None or self.variant == "unrecognised") and not self.emergency_first

    @property
    def guidance_first(self) -> bool:
        """Routed right, and guidance is spoken before any question back."""
        before_question = WHEN_QUESTION.sub("", self.speech)
        return self.routed_right and len(before_question.split()) >= GUIDANCE_WORDS


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def share(self, keep, good) -> tuple[int, int]:
        chosen = [o for o in self.outcomes if keep(o)]
        return sum(1 for o in chosen if good(o)), len(chosen)

    @property
    def emergency_recall(self):
        return self.share(lambda o: o.item["expect"] == "emergency", lambda o: o.emergency_first)

    @property
    def denials_answered(self):
        """Denied red flags answered without the emergency opening."""
        return self.share(lambda o: o.item["kind"] == "denial" and o.item["expect"] != "emergency",
                          lambda o: not o.emergency_first)

    @property
    def denials_with_a_flag_escalated(self):
        """A denial beside a flag that is not denied ("no fever but I can't breathe")."""
        return self.share(lambda o: o.item["kind"] == "denial" and o.item["expect"] == "emergency",
                          lambda o: o.emergency_first)

    @property
    def routed(self):
        return self.share(lambda o: o.item["kind"] in IN_SCOPE_KINDS, lambda o: o.routed_right)

    @property
    def guidance(self):
        return self.share(lambda o: o.item["kind"] in IN_SCOPE_KINDS, lambda o: o.guidance_first)

    @property
    def out_of_scope_honest(self):
        return self.share(lambda o: o.item["kind"] in ("out_of_scope", "noise"), lambda o: o.honest)

    @property
    def false_alarms(self):
        return self.share(lambda o: o.item["expect"] != "emergency", lambda o: o.emergency_first)

    def lines(self) -> list[str]:
        def pct(pair):
            good, total = pair
            return f"{good}/{total} ({good / total:.1%})" if total else "0/0"
        return [f"emergency recall {pct(self.emergency_recall)}",
                f"denials answered without the emergency opening {pct(self.denials_answered)}",
                f"denials beside a red flag still escalated {pct(self.denials_with_a_flag_escalated)}",
                f"first answer routed right {pct(self.routed)}",
                f"first answer carries guidance {pct(self.guidance)}",
                f"out of scope and noise answered honestly {pct(self.out_of_scope_honest)}",
                f"emergency answer to a non-emergency {pct(self.false_alarms)}"]

    def misses(self) -> list[str]:
        return [f"{o.item['kind']}: expected {o.item['expect']}, got {o.topic}/{o.variant}: "
                f"{o.item['say']!r} -> {o.speech[:60]!r}"
                for o in self.outcomes if not o.routed_right]


def hear_exactly(conversation: Conversation, text: str, carriers: list[str]) -> dict:
    """The request an Echo would send if it matched only our samples to the letter."""
    launch, rest = split_invocation(text, conversation._invocation, conversation.language)
    if launch:
        return conversation.session.launch()
    rest = normalise(rest, conversation.language)
    sample = conversation.resolver.sample_match(rest)
    if sample is not None:
        return conversation.request_for(rest)
    for carrier, intent in carriers:
        if rest.startswith(carrier + " ") and len(rest) > len(carrier) + 1:
            heard = rest[len(carrier) + 1:]
            return conversation.session.intent(intent, {
                TEXT_SLOT: slot_json(TEXT_SLOT, SlotFill(heard), "AMAZON.SearchQuery")})
    return conversation.session.intent(FALLBACK)


def score(make_conversation, items: list[dict], how: str = "free", locale: str = "en-US") -> Report:
    carriers = carrier_phrases(locale) if how == "exact" else []
    report = Report()
    for item in items:
        talk = make_conversation()
        if how == "exact":
            response = talk.handler(hear_exactly(talk, item["say"], carriers), None)
        else:
            response = talk.say(item["say"])
        topic, variant = answered_topic(response)
        report.outcomes.append(Outcome(item, topic, variant, spoken(response)))
    return report


def main() -> None:
    from skill.builder import build_skill_builder, lambda_handler_for
    from skill.content import get_content

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    halves = sorted({p.name.split(".", 1)[1].rsplit(".", 1)[0] for p in DATA.glob("*.yaml")})
    parser.add_argument("--half", choices=halves, default="a.dev")
    parser.add_argument("--locale", default="en-US")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    content = get_content()
    handler = lambda_handler_for(build_skill_builder(content=content))
    first = Conversation(handler, content[args.locale], locale=args.locale)

    def make():
        return Conversation(handler, content[args.locale], locale=args.locale,
                            resolver=first.resolver)
    items = load_half(args.locale, args.half)
    for how in ("free", "exact"):
        report = score(make, items, how, args.locale)
        print(f"{args.locale} {args.half} half, {how}:")
        for line in report.lines():
            print("  " + line)
        if args.misses:
            for line in report.misses():
                print("    miss " + line)


if __name__ == "__main__":
    main()
