"""What a request may carry into the skill, checked on the raw JSON before the SDK reads it.

Session attributes come back from Alexa exactly as the skill last sent them, but on the
web service anyone can send any, and the SDK echoes them into the response. The skill's
own attributes are a few small values, a few levels deep; anything deeper or bigger is not
the skill's, so it is dropped (the conversation then starts afresh) rather than parsed,
recursed into (a value nested 600 deep raised RecursionError) or sent back (responses over
1 MB, past Alexa's 24 KB limit).

Standard library only, and no recursion: the checks must hold for any input.
"""
from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger(__name__)

MAX_ATTRIBUTE_DEPTH = 8          # levels below each top-level session attribute
MAX_ATTRIBUTE_BYTES = 4 * 1024   # one attribute, as JSON
MAX_ATTRIBUTES_BYTES = 12 * 1024  # all of them: half of Alexa's 24 KB response limit
MAX_ATTRIBUTE_KEY = 64
MAX_EVENT_DEPTH = 64             # a real envelope is about a dozen levels deep
MAX_EVENT_NODES = 20_000         # a 64 KiB body holds fewer values than this
_LEAVES = frozenset({str, int, float, bool, type(None)})


def depth_within(value: Any, limit: int, max_nodes: int = MAX_EVENT_NODES) -> bool:
    """True when `value` nests at most `limit` containers deep (and is not absurdly wide)."""
    # One level at a time: no (node, depth) pair per value. Which containers are read first
    # does not change the answer: any container `limit` deep, or more than `max_nodes`
    # values in all the containers above that depth, and it is False.
    level = [value]
    depth = 0
    seen = 0
    while level:
        below: list = []
        for node in level:
            kind = type(node)
            if kind in _LEAVES:  # (most values: answered without isinstance)
                continue
            if kind is dict or isinstance(node, dict):
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
            below += children
        level = below
        depth += 1
    return True


def _size(value: Any) -> int | None:
    try:
        return len(json.dumps(value, ensure_ascii=False, allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        return None


def limited_attributes(attributes: Any) -> dict:
    """The session attributes the skill may keep: junk is dropped key by key."""
    if not isinstance(attributes, dict):
        return {}
    kept: dict = {}
    total = 0
    dropped = 0
    for key, value in attributes.items():
        if not isinstance(key, str) or len(key) > MAX_ATTRIBUTE_KEY \
                or not depth_within(value, MAX_ATTRIBUTE_DEPTH):
            dropped += 1
            continue
        size = _size(value)
        if size is None or size > MAX_ATTRIBUTE_BYTES or total + size > MAX_ATTRIBUTES_BYTES:
            dropped += 1
            continue
        kept[key] = value
        total += size
    if dropped:
        log.warning("dropped %d session attribute(s) over the size or depth limits", dropped)
    return kept


def limit_event(event: dict) -> dict:
    """`event` with its session attributes limited; the caller's dict is not changed."""
    session = event.get("session")
    if not isinstance(session, dict) or "attributes" not in session:
        return event
    attributes = session.get("attributes")
    if attributes is None:
        return event
    limited = limited_attributes(attributes)
    if limited is attributes or (isinstance(attributes, dict) and len(limited) == len(attributes)):
        return event
    return {**event, "session": {**session, "attributes": limited}}
