"""The Flask app with SkillAdapter and the real skill: what Alexa (or anyone else) gets back."""
from __future__ import annotations

import json
import logging

import pytest
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.web.settings import ConfigurationError, WebServiceConfig
from skill.web.app import MAX_BODY_BYTES, create_app

from .cases import BAD_CASES, OTHER_SKILL_ID, SKILL_ID

LEAKS = ("Traceback", 'File "', "amzn1.ask.account", "Error detecting")


@pytest.fixture
def app(config, clock):
    return create_app(config, clock=clock)


@pytest.fixture
def client(app):
    return app.test_client()


def post(client, wire, path="/"):
    return client.post(path, data=wire.body, headers=wire.headers)


def assert_clean_error(response, status):
    assert response.status_code == status
    assert response.is_json and response.get_json()["error"]["code"] == status
    text = response.get_data(as_text=True)
    assert not any(leak in text for leak in LEAKS), text


def assert_spoken(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    speech = response.get_json()["response"]["outputSpeech"]
    assert speech["type"] == "SSML" and speech["ssml"].startswith("<speak>")


def test_a_good_launch_request_is_answered(client, requests_):
    assert_spoken(post(client, requests_.wire()))


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_each_bad_request_gets_400(case, client, requests_):
    assert_clean_error(post(client, BAD_CASES[case](requests_)), 400)


def test_the_chain_is_downloaded_once_for_many_requests(client, requests_, chain_server):
    before = chain_server.hits["/echo.api/once.pem"]  # the server is shared by the session
    for _ in range(25):
        assert_spoken(post(client, requests_.wire(chain="once.pem")))
    assert chain_server.hits["/echo.api/once.pem"] == before + 1


def test_a_body_over_64_kib_gets_413(client, requests_):
    wire = requests_.wire(body=b" " * (MAX_BODY_BYTES + 1))
    assert_clean_error(post(client, wire), 413)


def test_a_body_of_exactly_64_kib_is_answered(client, requests_):
    body = json.dumps(requests_.envelope()).encode()
    wire = requests_.wire(body=body + b" " * (MAX_BODY_BYTES - len(body)))
    assert len(wire.body) == MAX_BODY_BYTES
    assert_spoken(post(client, wire))


def _envelope_without(requests_, *path):
    envelope = requests_.envelope()
    node = envelope
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return json.dumps(envelope).encode()


BAD_BODIES = {
    "empty": lambda r: b"",
    "not-json": lambda r: b"hello alexa",
    "truncated-json": lambda r: json.dumps(r.envelope()).encode()[:-5],
    "not-utf-8": lambda r: b'{"version": "\xff\xfe"}',
    "json-array": lambda r: b"[]",
    "json-string": lambda r: b'"LaunchRequest"',
    "deeply-nested": lambda r: b"[" * 60000,
    "no-request": lambda r: _envelope_without(r, "request"),
    "no-version": lambda r: _envelope_without(r, "version"),
    "no-timestamp": lambda r: _envelope_without(r, "request", "timestamp"),
    "no-request-id": lambda r: _envelope_without(r, "request", "requestId"),
    "no-context": lambda r: _envelope_without(r, "context"),
    "no-application": lambda r: _envelope_without(r, "context", "System", "application"),
    "timestamp-not-a-date": lambda r: json.dumps(r.envelope()).encode().replace(
        b'"timestamp": "', b'"timestamp": "soon'),
    "request-not-an-object": lambda r: b'{"version": "1.0", "request": "LaunchRequest"}',
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_a_body_that_is_not_an_envelope_gets_400(case, client, requests_):
    assert_clean_error(post(client, requests_.wire(body=BAD_BODIES[case](requests_))), 400)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
def test_other_methods_get_405(method, client):
    response = client.open("/", method=method)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    if method != "HEAD":
        assert_clean_error(response, 405)


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert_clean_error(client.post("/healthz"), 405)


def test_unknown_paths_get_a_json_404(client):
    assert_clean_error(client.get("/admin"), 404)


def test_the_app_keeps_serving_after_bad_input(client, requests_):
    for make in BAD_BODIES.values():
        post(client, requests_.wire(body=make(requests_)))
    post(client, requests_.wire(body=b" " * (MAX_BODY_BYTES + 1)))
    client.get("/")
    assert_spoken(post(client, requests_.wire()))


class _Broken(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return True

    def handle(self, handler_input):
        raise KeyError(handler_input.request_envelope.context.system.user.user_id)


def _broken_builder(skill_id):
    builder = SkillBuilder()  # no exception handler: the bug reaches the web layer
    builder.skill_id = skill_id
    builder.add_request_handler(_Broken())
    return builder


def test_a_skill_bug_is_answered_with_the_apology_not_a_500(config, clock, requests_, caplog):
    client = create_app(config, builder_factory=_broken_builder, clock=clock).test_client()
    with caplog.at_level(logging.ERROR):
        response = post(client, requests_.wire())
    assert_spoken(response)  # Alexa hears the apology, not "the skill did not respond"
    ssml = response.get_json()["response"]["outputSpeech"]["ssml"]
    assert "something went wrong" in ssml and "nine one one" in ssml, ssml
    assert "KeyError" in caplog.text and "amzn1.ask.account" not in caplog.text
    assert_clean_error(post(client, requests_.wire(body=b"junk")), 400)  # still serving


def test_a_builder_that_drops_the_skill_id_stops_the_start(config):
    with pytest.raises(ConfigurationError):
        create_app(config, builder_factory=lambda skill_id: _broken_builder(None))


def test_the_skill_id_is_required_with_verification_on(config):
    with pytest.raises(ConfigurationError):
        create_app(WebServiceConfig(trust_bundle=config.trust_bundle))


def test_any_skill_id_only_when_explicitly_allowed(config, clock, requests_, caplog):
    config = WebServiceConfig(allow_any_skill_id=True, trust_bundle=config.trust_bundle,
                              cert_chain_origin=config.cert_chain_origin)
    with caplog.at_level(logging.WARNING):
        client = create_app(config, clock=clock).test_client()
    assert "ALLOW_ANY_SKILL_ID" in caplog.text
    assert_spoken(post(client, requests_.wire(requests_.envelope(app_id=OTHER_SKILL_ID))))
    assert_clean_error(post(client, requests_.wire(key=requests_.pki.other_key)), 400)


def test_without_verification_unsigned_requests_pass_with_a_loud_warning(clock, requests_, caplog):
    with caplog.at_level(logging.WARNING):
        client = create_app(WebServiceConfig(verify=False), clock=clock).test_client()
    assert "REQUEST VERIFICATION IS OFF" in caplog.text
    wire = requests_.wire()
    del wire.headers["Signature-256"]
    assert_spoken(post(client, wire))


def test_without_verification_a_configured_skill_id_is_still_checked(clock, requests_):
    client = create_app(WebServiceConfig(verify=False, skill_id=SKILL_ID), clock=clock).test_client()
    assert_spoken(post(client, requests_.wire(body=json.dumps(requests_.envelope(age=9999)).encode())))
    assert_clean_error(post(client, requests_.wire(requests_.envelope(app_id=OTHER_SKILL_ID))), 400)


def test_refusals_are_logged_in_one_line_without_user_data(client, requests_, caplog):
    with caplog.at_level(logging.INFO):
        post(client, requests_.wire(key=requests_.pki.other_key))
        post(client, requests_.wire(body=BAD_BODIES["timestamp-not-a-date"](requests_)))
        post(client, requests_.wire())
    refusals = [r for r in caplog.records if "verification failed" in r.getMessage()]
    assert refusals and all(r.exc_info is None and r.levelno == logging.WARNING for r in refusals)
    assert "does not match the body" in refusals[0].getMessage()
    assert "amzn1.ask.account" not in caplog.text and "Traceback" not in caplog.text


def test_each_body_is_deserialised_once(config, clock, requests_, monkeypatch):
    from ask_sdk_core.serialize import DefaultSerializer

    from skill.serializer import FastSerializer

    calls = []
    original = DefaultSerializer.deserialize
    original_parsed = FastSerializer.deserialize_parsed

    def counting(self, payload, obj_type):
        calls.append(obj_type)
        return original(self, payload, obj_type)

    def counting_parsed(self, data, obj_type):  # the same work, from JSON already parsed
        calls.append(obj_type)
        return original_parsed(self, data, obj_type)

    monkeypatch.setattr(DefaultSerializer, "deserialize", counting)
    monkeypatch.setattr(FastSerializer, "deserialize_parsed", counting_parsed)
    client = create_app(config, clock=clock).test_client()
    for _ in range(3):
        assert_spoken(post(client, requests_.wire()))
    assert len(calls) == 3


def test_the_checked_envelope_is_only_reused_for_the_same_text(requests_):
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from skill.web.app import _CheckedEnvelopes

    envelopes = _CheckedEnvelopes(DefaultSerializer())
    first, second = requests_.wire().body, requests_.wire().body
    envelopes.check(first)
    other = envelopes.deserialize(second.decode(), RequestEnvelope)
    assert other.request.request_id == json.loads(second)["request"]["requestId"]
    envelopes.check(first)
    envelopes.forget()
    again = envelopes.deserialize(first.decode(), RequestEnvelope)
    assert again.request.request_id == json.loads(first)["request"]["requestId"]


def test_a_bad_store_setting_stops_the_start(config, monkeypatch):
    monkeypatch.setenv("AFTERCARE_MEMORY", "on")
    monkeypatch.setenv("AFTERCARE_STORE", "floppy-disk")
    with pytest.raises(ConfigurationError, match="AFTERCARE_STORE"):
        create_app(config)


def test_a_bad_memory_switch_stops_the_start(config, monkeypatch):
    monkeypatch.setenv("AFTERCARE_MEMORY", "sometimes")
    with pytest.raises(ConfigurationError, match="AFTERCARE_MEMORY"):
        create_app(config)
