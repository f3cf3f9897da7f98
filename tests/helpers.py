"""Reading responses the way a user would notice them."""
from __future__ import annotations

from skill.speech import to_plain


def spoken(response: dict) -> str:
    return to_plain(response["response"]["outputSpeech"]["ssml"])


def ends(response: dict) -> bool:
    return response["response"]["shouldEndSession"]


def answered_topic(response: dict) -> tuple[str | None, str | None]:
    last = (response.get("sessionAttributes") or {}).get("last") or {}
    return last.get("topic"), last.get("variant")
