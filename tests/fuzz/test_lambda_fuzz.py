"""Whatever arrives, the Lambda handler answers with a valid Alexa response and never raises.

Alexa answers an exception, or a response it cannot read, with "There was a problem with
the requested skill's response": to someone who just said "I can't breathe", silence.
The fuzzer mutates real envelopes (missing keys, wrong types, huge and deep values, junk
session attributes, snake_case twins of real keys) with a fixed seed. CI runs
FUZZ_COUNT of them; `AFTERCARE_FUZZ_COUNT=20000 python -m pytest tests/fuzz`
runs the full figure, printed at the end of the run.
"""
from __future__ import annotations

import copy
import json
import os
import random
import xml.etree.ElementTree as ET

import pytest

from skill.local.envelopes import LocalSession

from .conftest import FIGURES

SEED = 20261202
FUZZ_COUNT = int(os.environ.get("AFTERCARE_FUZZ_COUNT", "1500"))
MAX_RESPONSE_BYTES = 24 * 1024  # Alexa's limit for the whole response
MAX_SPEECH_CHARS = 8000


def response_problems(response) -> list[str]:
    """What Alexa would reject in `response`, or [] when it is a valid response."""
    if not isinstance(response, dict):
        return [f"not a dict: {type(response).__name__}"]
    try:
        size = len(json.dumps(response, allow_nan=False).encode("utf-8"))
    except (TypeError, ValueError, RecursionError) as error:
        return [f"not JSON: {type(error).__name__}"]
    problems = []
    if size > MAX_RESPONSE_BYTES:
        problems.append(f"{size} bytes")
    if response.get("version") != "1.0":
        problems.append("version")
    if "sessionAttributes" in response and not isinstance(response["sessionAttributes"], dict):
        problems.append("sessionAttributes")
    body = response.get("response")
    if not isinstance(body, dict):
        return problems + ["no response object"]
    for key in ("outputSpeech", "reprompt"):
        speech = body.get(key)
        if speech is None:
            continue
        speech = speech.get("outputSpeech") if key == "reprompt" else speech
        if not isinstance(speech, dict) or speech.get("type") not in ("SSML", "PlainText"):
            problems.append(f"{key} type")
            continue
        text = speech.get("ssml") if speech["type"] == "SSML" else speech.get("text")
        if not isinstance(text, str) or len(text) > MAX_SPEECH_CHARS:
            problems.append(f"{key} text")
        elif speech["type"] == "SSML":
            try:
                if ET.fromstring(text).tag != "speak":
                    problems.append(f"{key} not <speak>")
            except ET.ParseError:
                problems.append(f"{key} invalid SSML")
    card = body.get("card")
    if card is not None and (not isinstance(card, dict) or not isinstance(card.get("type"), str)):
        problems.append("card")
    if "shouldEndSession" in body and not isinstance(body["shouldEndSession"], bool):
        problems.append("shouldEndSession")
    return problems


def _deep(depth: int):
    node: dict = {}
    for _ in range(depth):
        node = {"a": node}
    return node


_JUNK = [
    None, "", 0, -1, 2**70, 1e308, True, False, [], {}, [None], {"": None},
    "x" * 70_000, "\n\u202e\x00\ud7ff", "1." * 32_768, "2024-13-45T99:99:99Z",
    "2024-01-01T00:00:00+24:00", "amzn1.ask.skill.other", "IntentRequest", "AMAZON.YesIntent",
    "deep600", "deep2000", [[[[[]]]]], {"name": "EmergencyIntent"}, {"value": "chest"},
]


def _junk(rng: random.Random):
    """A fresh junk value (deep ones built anew: copying them would itself recurse)."""
    value = rng.choice(_JUNK)
    if value in ("deep600", "deep2000"):
        return _deep(int(value[4:]))
    return copy.deepcopy(value)
KEY_TWINS = {"applicationId": "application_id", "requestId": "request_id",
             "userId": "user_id", "intent": "Intent", "type": "object_type"}


def _paths(node, path=()):
    """Every (container, key) path into a JSON tree, depth-first, capped."""
    found = []
    todo = [(node, path)]
    while todo and len(found) < 400:
        current, at = todo.pop()
        items = current.items() if isinstance(current, dict) else (
            enumerate(current) if isinstance(current, list) else ())
        for key, child in items:
            found.append(at + (key,))
            if len(at) < 12:
                todo.append((child, at + (key,)))
    return found


def _parent(tree, path):
    for key in path[:-1]:
        tree = tree[key]
    return tree


def _mutate(rng: random.Random, event: dict) -> object:
    kind = rng.random()
    if kind < 0.02:
        return rng.choice([None, [], "event", 42, [event]])
    for _ in range(rng.randint(1, 4)):
        paths = _paths(event)
        if not paths or not isinstance(event, dict):
            break
        path = rng.choice(paths)
        parent = _parent(event, path)
        key = path[-1]
        move = rng.random()
        if move < 0.3 and isinstance(parent, dict):
            del parent[key]
        elif move < 0.75:
            parent[key] = _junk(rng)
        elif move < 0.85 and isinstance(parent, dict) and key in KEY_TWINS:
            parent[KEY_TWINS[key]] = rng.choice([_junk(rng), parent[key]])
        elif move < 0.95:
            attrs = event.setdefault("session", {}) if isinstance(event.get("session", {}), dict) else {}
            if isinstance(attrs, dict):
                attrs.setdefault("attributes", {})
                if isinstance(attrs["attributes"], dict):
                    attrs["attributes"][rng.choice(["last", "offer", "junk", "x" * 100, "session_at"])] = \
                        _junk(rng)
        elif isinstance(parent, dict):
            parent[rng.choice(["extra", "", "ü" * 3])] = _junk(rng)
    return event


def _seeds() -> list[dict]:
    session = LocalSession(user_id="amzn1.ask.account.fuzz")
    slots = {"symptom": {"name": "symptom", "value": "sore"}, "body_area": {"name": "body_area", "value": "chest"}}
    with_attrs = session.intent("HeatIceIntent")
    with_attrs.setdefault("session", {})["attributes"] = {"offer": {"kind": "when", "topic": "heat_ice"},
                                                          "asked_when": True}
    return [session.launch(), session.intent("EmergencyIntent"), session.intent("SymptomIntent", slots),
            session.intent("AMAZON.YesIntent"), session.intent("AMAZON.FallbackIntent"),
            session.ended(), with_attrs]


def test_the_validator_catches_what_alexa_rejects():
    good = {"version": "1.0", "response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Hi</speak>"},
                                           "shouldEndSession": True}}
    assert response_problems(good) == []
    assert response_problems(None) and response_problems({"version": "1.0"})
    bad_ssml = copy.deepcopy(good)
    bad_ssml["response"]["outputSpeech"]["ssml"] = "<speak>heat & ice</speak>"
    assert response_problems(bad_ssml)
    huge = copy.deepcopy(good)
    huge["sessionAttributes"] = {"junk": "x" * MAX_RESPONSE_BYTES}
    assert response_problems(huge)


def test_fuzzed_envelopes_never_raise_and_always_get_a_valid_response(handler, en):
    rng = random.Random(SEED)
    seeds = _seeds()
    raised, invalid, apologies = [], [], 0
    apology = en.phrase("error").speech.split(".")[0]
    for index in range(FUZZ_COUNT):
        event = _mutate(rng, copy.deepcopy(rng.choice(seeds)))
        try:
            response = handler(event, None)
        except BaseException as error:  # noqa: BLE001 - what is being counted
            raised.append((index, type(error).__name__))
            continue
        problems = response_problems(response)
        if problems:
            invalid.append((index, problems))
        elif apology in json.dumps(response):
            apologies += 1
    FIGURES.append(f"{FUZZ_COUNT} fuzzed envelopes (seed {SEED}): {len(raised)} raised, "
                   f"{len(invalid)} invalid responses, {apologies} answered with the apology")
    assert not raised, raised[:5]
    assert not invalid, invalid[:5]


@pytest.mark.parametrize("event", [
    None, [], "junk", {}, {"version": "1.0"}, {"request": None},
    {"version": "1.0", "request": {"type": "LaunchRequest"}},  # no context, no session
])
def test_what_cannot_be_parsed_gets_the_calm_apology_with_the_emergency_line(handler, en, event):
    response = handler(event, None)
    assert response_problems(response) == []
    ssml = response["response"]["outputSpeech"]["ssml"]
    assert "something went wrong" in ssml and "nine one one" in ssml, ssml
    assert response["response"]["shouldEndSession"] is True


def test_session_attributes_600_deep_are_dropped_not_recursed(handler):
    event = LocalSession(user_id="amzn1.ask.account.fuzz").intent("HeatIceIntent")
    event["session"]["attributes"] = {"deep": _deep(600), "offer": {"kind": "when", "topic": "heat_ice"}}
    response = handler(event, None)
    assert response_problems(response) == []
    assert "deep" not in response.get("sessionAttributes", {})
    assert "When was your session" in response["response"]["outputSpeech"]["ssml"]  # answered


def test_junk_session_attributes_are_not_echoed_back(handler):
    event = LocalSession(user_id="amzn1.ask.account.fuzz").launch()
    event["session"]["attributes"] = {f"junk{i}": "x" * 4000 for i in range(250)}  # 1 MB
    response = handler(event, None)
    assert response_problems(response) == []
    assert len(json.dumps(response)) < MAX_RESPONSE_BYTES
