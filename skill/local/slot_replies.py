"""Bare replies to a slot the skill asked for ("yesterday", "about two hours ago"), locally.

On a device, Alexa takes a reply by an intent's slot samples only while the skill's last
response carried `Dialog.ElicitSlot` for that intent; otherwise "yesterday" on its own means
nothing. The local driver (skill/local/conversation.py) follows the same rule with this
grammar, built from the same slot samples in interaction_model/, and the built-in slot
grammar of skill/understanding/builtin_slots.py. The local resolver
(skill/understanding/resolver.py) never sees these samples.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..understanding.builtin_slots import PATTERNS

_SLOT_REF = re.compile(r"\{(\w+)\}")
# Said before or after a reply without changing it: "um, yesterday I think".
_FILLERS = re.compile(r"^(?:(?:um+|uh+|er+|hmm+|well|oh|so|okay|ok|i think|i guess|let me think|"
                      r"like)\s+)+|(?:\s+(?:i think|i guess|or so|probably|maybe))+$")


# "I don't know" to the question: the intent with no slot filled, as Alexa sends it from the
# intent's own samples ("i don't know", "not sure"); here also without the apostrophes.
_NO_TIME = re.compile(r"^(?:i )?(?:really )?(?:(?:do ?n'?t|do not) (?:know|remember|recall)|"
                      r"(?:i'?m |am )?not (?:sure|certain)|no idea|(?:can'?t|cannot) remember|"
                      r"i forget|i forgot|dunno)\b")


@dataclass(frozen=True)
class SlotReply:
    slots: dict[str, str]  # slot name -> the words said for it


class SlotReplyGrammar:
    """The slot samples of one intent, as patterns over the built-in slot grammar."""

    def __init__(self, model: dict, intent_name: str):
        language = model["interactionModel"]["languageModel"]
        intent = next(i for i in language["intents"] if i["name"] == intent_name)
        self.intent = intent_name
        self.types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        self.patterns: list[re.Pattern[str]] = []
        seen = set()
        for slot in intent.get("slots", []):
            for sample in slot.get("samples", []):
                if sample not in seen:
                    seen.add(sample)
                    self.patterns.append(self._compile(sample))
        # Longer samples first, so "{date} at {time}" wins over "{date}".
        self.patterns.sort(key=lambda p: -len(p.pattern))

    def _compile(self, sample: str) -> re.Pattern[str]:
        out, pos, used = [], 0, set()
        for m in _SLOT_REF.finditer(sample):
            out.append(re.escape(sample[pos:m.start()]))
            name = m.group(1)
            body = PATTERNS.get(self.types.get(name, ""), r"[a-z0-9']+(?: [a-z0-9']+){0,2}")
            out.append(f"(?P<{name}>{body})" if name not in used else f"(?:{body})")
            used.add(name)
            pos = m.end()
        out.append(re.escape(sample[pos:]))
        return re.compile("^" + "".join(out) + "$")

    def match(self, said: str) -> SlotReply | None:
        """The slots a reply fills, or None when it is not a reply to this intent's question."""
        text = _FILLERS.sub("", said).strip()
        if _NO_TIME.match(text):
            return SlotReply({})
        for pattern in self.patterns:
            m = pattern.match(text)
            if m:
                return SlotReply({k: v for k, v in m.groupdict().items() if v})
        return None
