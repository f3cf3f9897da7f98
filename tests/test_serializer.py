"""The faster serializer must read every envelope exactly as the SDK's own does."""
from __future__ import annotations

import copy
import json
from datetime import datetime

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.local.envelopes import LocalSession
from skill.understanding.free_speech import slot_json
from skill.request_limits import MAX_EVENT_DEPTH, depth_within
from skill.serializer import FastSerializer
from skill.understanding.resolver import SlotFill


def envelopes():
    session = LocalSession()
    session.attributes = {"last": {"speech": "x"}, "offer": {"kind": "more"}}
    yield session.launch()
    yield session.intent("PainReliefIntent", {"medicine": slot_json(
        "medicine", SlotFill("advil", "nsaid", "anti inflammatories"), "MedicineType")})
    yield session.intent("SessionTimeIntent", {"date": slot_json("date", SlotFill("2026-11-26"),
                                                                 "AMAZON.DATE")})
    yield session.ended()
    odd = session.launch()
    odd["request"]["timestamp"] = "Fri, 27 Nov 2026 08:00:00 GMT"  # not ISO: the slow path
    yield odd
    # Free speech, as bench/bench_cold_start.py sends it and as an Echo Show sends it.
    yield session.intent("StatementIntent", {"text": slot_json(
        "text", SlotFill("kind of worn out is it okay to have a coffee"), "AMAZON.SearchQuery")})
    show = LocalSession(screen=True)
    yield show.intent("StatementIntent", {"text": {"name": "text", "value": "my chest is tight",
                                                   "confirmationStatus": "NONE"}})
    yield show.launch()
    ended = session.ended("ERROR")
    ended["request"]["error"] = {"type": "INVALID_RESPONSE", "message": "bad"}
    yield ended
    yield session.envelope({"type": "Connections.Response", "name": "AskFor",
                            "status": {"code": "200", "message": "OK"}, "token": "",
                            "payload": {"permissionScope": "alexa::alerts:reminders:skill:readwrite",
                                        "status": "ACCEPTED"}})
    # Keys no model knows, at several levels, and a field that shares an attribute's name.
    extra = session.intent("HydrationIntent")
    extra["newTopLevelField"] = {"a": 1}
    extra["request"]["unknownField"] = [1, 2]
    extra["request"]["object_type"] = "shadow"
    extra["context"]["System"]["device"]["persistentEndpointId"] = "x"
    yield extra


def odd_envelopes():
    """Envelopes whose values are not of their declared types, or that the SDK cannot read."""
    session = LocalSession()
    base = session.intent("HydrationIntent")
    for path, value in [(("request", "locale"), 5), (("request", "timestamp"), 12),
                        (("request", "type"), "NoSuchRequest"), (("request", "dialogState"), "NOPE"),
                        (("request", "intent"), []), (("request", "intent"), "x"),
                        (("request", "intent", "slots"), [1]), (("session", "new"), "yes"),
                        (("session", "attributes"), [1, 2]), (("context", "System"), None),
                        (("request", "timestamp"), "1." * 40), (("version",), {"a": 1}),
                        (("context", "Viewport"), {"dpi": 213, "pixelWidth": 1280.5}),
                        (("context", "Viewport"), {"dpi": 10**400}), (("request",), {"x": 1})]:
        event = json.loads(json.dumps(base))
        node = event
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        yield event
    del base["request"]["type"]
    yield base


def same(ours, theirs, where="envelope"):
    """The same objects: types, attributes in the same order, values alike all the way down."""
    assert type(ours) is type(theirs), where
    if hasattr(theirs, "deserialized_types"):
        assert list(vars(ours)) == list(vars(theirs)), where
        for key, value in vars(theirs).items():
            same(vars(ours)[key], value, f"{where}.{key}")
    elif isinstance(theirs, dict):
        assert list(ours) == list(theirs), where
        for key, value in theirs.items():
            same(ours[key], value, f"{where}[{key!r}]")
    elif isinstance(theirs, list):
        assert len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            same(a, b, f"{where}[{i}]")
    elif isinstance(theirs, datetime):
        # (dateutil makes offsets datetime cannot use, "+24:00": compared as written)
        assert ours.replace(tzinfo=None) == theirs.replace(tzinfo=None), where
        assert repr(ours.tzinfo) == repr(theirs.tzinfo), where
    else:
        assert ours == theirs, where


def read_both(event):
    """deserialize_parsed (the plans), and the SDK's recursion with our two hooks, which is
    what deserialize_parsed was before the plans: each result, or its error's type and text."""
    def outcome(read):
        try:
            return read(copy.deepcopy(event), RequestEnvelope), None
        except Exception as error:  # noqa: BLE001 - what is compared
            return None, (type(error), str(error))
    serializer = FastSerializer()
    return (outcome(serializer.deserialize_parsed),
            outcome(serializer._DefaultSerializer__deserialize))


@pytest.mark.parametrize("envelope", list(envelopes()) + list(odd_envelopes()))
def test_the_plans_read_what_the_sdk_reads(envelope):
    (ours, our_error), (theirs, their_error) = read_both(envelope)
    assert our_error == their_error
    same(ours, theirs)


def test_the_plans_read_fuzzed_envelopes_as_the_sdk_does():
    """The Lambda fuzzer's mutations (missing keys, wrong types, junk, twins of real keys)."""
    import random

    from .fuzz.test_lambda_fuzz import SEED, _mutate, _seeds

    rng = random.Random(SEED)
    seeds = _seeds() + list(envelopes())
    errors = 0
    for _ in range(600):
        event = _mutate(rng, copy.deepcopy(rng.choice(seeds)))
        if not isinstance(event, dict) or not depth_within(event, MAX_EVENT_DEPTH):
            continue  # the handler answers these without reading them
        (ours, our_error), (theirs, their_error) = read_both(event)
        assert our_error == their_error
        same(ours, theirs)
        errors += their_error is not None
    assert errors  # some of them the SDK cannot read, and neither can the plans


@pytest.mark.parametrize("envelope", list(envelopes()))
def test_same_objects_as_the_sdks_serializer(envelope):
    payload = json.dumps(envelope)
    ours = FastSerializer().deserialize(payload, RequestEnvelope)
    theirs = DefaultSerializer().deserialize(payload, RequestEnvelope)
    assert ours == theirs
    assert ours.request.timestamp == theirs.request.timestamp
    assert ours.request.timestamp.tzinfo is not None
    assert FastSerializer().serialize(ours) == DefaultSerializer().serialize(theirs)
    assert FastSerializer().deserialize_parsed(json.loads(payload), RequestEnvelope) == theirs


def test_responses_serialise_exactly_as_the_sdk_does(handler, conversation):
    """Every response of a long conversation, object by object."""
    from ask_sdk_model import ResponseEnvelope

    talk = conversation()
    for line in ["open needling aftercare", "can I take advil", "what should I do after dry needling",
                 "I'm not sure", "yes", "my chest hurts", "forget my session", "help"]:
        response = talk.say(line)
        as_objects = DefaultSerializer().deserialize(json.dumps(response), ResponseEnvelope)
        assert FastSerializer().serialize(as_objects) == DefaultSerializer().serialize(as_objects)
        assert FastSerializer().serialize(as_objects) == response


@pytest.mark.parametrize("envelope", list(envelopes()))
def test_real_envelopes_need_no_second_reading(envelope, monkeypatch):
    """The plans read what Alexa sends by themselves (a timestamp that is not ISO 8601 goes to
    dateutil from inside them)."""
    def no_second_reading(self, data, obj_type):
        raise AssertionError("read again by the SDK's recursion")
    monkeypatch.setattr(FastSerializer, "_DefaultSerializer__deserialize", no_second_reading)
    assert isinstance(FastSerializer().deserialize_parsed(envelope, RequestEnvelope), RequestEnvelope)
