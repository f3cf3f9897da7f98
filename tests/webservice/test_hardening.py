"""Hostile and malformed requests: each gets a quick 400 (or a spoken answer), never a 5xx,
and what they carry is neither parsed deeply, echoed back nor written into the log."""
from __future__ import annotations

import copy
import json
import logging
import os
import random
import time
from dataclasses import replace

import pytest

from skill.web.app import create_app

from ..fuzz.conftest import FIGURES
from ..fuzz.test_lambda_fuzz import SEED, _mutate, _deep, response_problems
from .cases import SKILL_ID
from .test_webservice_app import LEAKS, assert_spoken, post

# CI runs this many; `AFTERCARE_HTTP_FUZZ_COUNT=10000 python -m pytest
# tests/webservice/test_hardening.py` runs a larger figure, printed at the end of the run.
HTTP_FUZZ_COUNT = int(os.environ.get("AFTERCARE_HTTP_FUZZ_COUNT", "600"))


@pytest.fixture
def client(config, clock):
    return create_app(config, clock=clock).test_client()


@pytest.fixture
def unverified(config, clock):
    """`aftercare serve --no-verify --skill-id ...`"""
    return create_app(replace(config, verify=False), clock=clock).test_client()


def _signed_with(requests_, change):
    envelope = requests_.envelope()
    change(envelope)
    return requests_.wire(envelope)


def _cpu_seconds(client, wire, rounds=20) -> float:
    started = time.process_time()
    for _ in range(rounds):
        assert post(client, wire).status_code == 400
    return (time.process_time() - started) / rounds


def test_a_64_kb_timestamp_is_refused_before_any_parsing(client, unverified, requests_):
    hostile = _signed_with(requests_, lambda e: e["request"].update(timestamp="1." * 32_000))
    not_json = requests_.wire(body=b"{" + b" " * 60_000)  # the cheapest refusal there is
    for app in (client, unverified):
        response = post(app, hostile)
        assert response.status_code == 400 and not any(leak in response.get_data(as_text=True)
                                                        for leak in LEAKS)
    hostile_cpu, baseline_cpu = _cpu_seconds(client, hostile), _cpu_seconds(client, not_json)
    FIGURES.append(f"64 KB hostile timestamp: {hostile_cpu * 1000:.2f} ms CPU per request "
                   f"(a 64 KB body that is not JSON: {baseline_cpu * 1000:.2f} ms)")
    # A ratio against a refusal measured in the same run, not an absolute time: the hostile
    # request must cost about what reading the body costs, not 0.7 s of date parsing.
    assert hostile_cpu < 10 * baseline_cpu + 0.002


@pytest.mark.parametrize("stamp", ["2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00-25:00",
                                   "2024-13-01T00:00:00Z", "2024-01-01T00:00:00", "yesterday"])
def test_a_malformed_timestamp_is_a_400(client, unverified, requests_, stamp):
    wire = _signed_with(requests_, lambda e: e["request"].update(timestamp=stamp))
    assert post(client, wire).status_code == 400
    assert post(unverified, wire).status_code == 400


def test_a_snake_case_application_id_does_not_pass_the_skill_id_check(unverified, requests_):
    def twin(envelope):
        for application in (envelope["context"]["System"]["application"],
                            envelope["session"]["application"]):
            application["applicationId"] = "amzn1.ask.skill.someone-else"
            application["application_id"] = SKILL_ID

    assert post(unverified, _signed_with(requests_, twin)).status_code == 400
    # ...and the other way round: the SDK would read the twin and refuse with a 500.
    flipped = _signed_with(requests_, lambda e: e["context"]["System"]["application"].update(
        application_id="amzn1.ask.skill.someone-else"))
    assert post(unverified, flipped).status_code == 400
    assert_spoken(post(unverified, requests_.wire()))


@pytest.mark.parametrize("field, value", [
    ("requestId", "r" * 10_000), ("type", "T" * 10_000), ("locale", "x" * 5_000),
])
def test_oversized_fields_are_a_400(client, requests_, field, value):
    assert post(client, _signed_with(requests_, lambda e: e["request"].update({field: value}))).status_code == 400


def test_session_attributes_nested_600_deep_are_answered_without_them(client, requests_):
    response = post(client, _signed_with(requests_, lambda e: e["session"].update(
        attributes={"deep": _deep(600)})))
    assert_spoken(response)
    assert "deep" not in (response.get_json().get("sessionAttributes") or {})


def test_junk_session_attributes_are_not_echoed(client, requests_):
    junk = {f"junk{i}": "x" * 3000 for i in range(20)}  # 60 KB, just under the body cap
    response = post(client, _signed_with(requests_, lambda e: e["session"].update(attributes=junk)))
    assert_spoken(response)
    assert len(response.get_data()) < 24 * 1024


def test_intent_names_are_logged_escaped(client, requests_, caplog):
    def forged(envelope):
        envelope["request"].update(type="IntentRequest", intent={
            "name": "HelpIntent\nWARNING forged line", "confirmationStatus": "NONE"})

    with caplog.at_level(logging.INFO, logger="skill.requests"):
        assert_spoken(post(client, _signed_with(requests_, forged)))
    lines = [r.getMessage() for r in caplog.records if r.name == "skill.requests"]
    assert lines and all("\n" not in line for line in lines), lines
    assert any("\\n" in line for line in lines), lines


def test_fuzzed_requests_never_get_a_5xx(client, unverified, requests_):
    rng = random.Random(SEED)
    statuses: dict[int, int] = {}
    invalid = 0
    for index in range(HTTP_FUZZ_COUNT):
        envelope = _mutate(rng, copy.deepcopy(requests_.envelope()))
        try:
            body = json.dumps(envelope).encode()
        except (TypeError, ValueError, RecursionError):
            body = b"[" * 5000
        if rng.random() < 0.1:
            body = body[:rng.randrange(len(body) + 1)]
        wire = requests_.wire(body=body)
        if rng.random() < 0.1:
            wire.headers["Signature-256"] = rng.choice(["", "!!", "A" * 5000])
        response = post(client if index % 2 else unverified, wire)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code == 200 and response_problems(response.get_json()):
            invalid += 1
    FIGURES.append(f"{HTTP_FUZZ_COUNT} fuzzed HTTP requests (seed {SEED}): status counts "
                   f"{dict(sorted(statuses.items()))}, {invalid} invalid 200 responses")
    assert not [s for s in statuses if s >= 500], statuses
    assert invalid == 0
