"""The faster serializer must read every envelope exactly as the SDK's own does."""
from __future__ import annotations

import json

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.local.envelopes import LocalSession
from skill.understanding.free_speech import slot_json
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
