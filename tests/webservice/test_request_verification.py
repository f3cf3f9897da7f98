"""The verifiers on their own: every refusal, the accepted spellings, caching, the Amazon chain."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from cryptography.hazmat.primitives.asymmetric import rsa

from skill.web.verification import (
    ApplicationIdVerifier, ChainDownloader, SigningKeys, TimestampVerifier,
    VerificationException, VerificationSetupError, build_verifiers, cert_chain_path,
    load_trust_store)

from .cases import BAD_CASES, BAD_CHAIN_URLS, CHAIN_HOST, GOOD_CHAIN_URLS, SKILL_ID
from .conftest import AMAZON_CHAIN, FETCH_TIMEOUT

AMAZON_URL = f"{CHAIN_HOST}/echo.api/echo-api-cert-12.pem"


def verifiers_for(config, clock, **kwargs):
    return build_verifiers(
        skill_id=config.skill_id, verify=True, trust_bundle=config.trust_bundle,
        download=ChainDownloader(config.cert_chain_origin, timeout=FETCH_TIMEOUT),
        clock=clock, **kwargs)


def run(verifiers, wire):
    text = wire.body.decode("utf-8")
    envelope = DefaultSerializer().deserialize(payload=text, obj_type=RequestEnvelope)
    for verifier in verifiers:
        verifier.verify(headers=wire.headers, serialized_request_env=text,
                        deserialized_request_env=envelope)


def keys_for(config, clock, trust_bundle=None, **kwargs):
    return SigningKeys(load_trust_store(trust_bundle or config.trust_bundle),
                       ChainDownloader(config.cert_chain_origin, timeout=FETCH_TIMEOUT),
                       clock=clock, **kwargs)


def test_a_good_request_passes(config, clock, requests_):
    run(verifiers_for(config, clock), requests_.wire())


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_each_bad_request_is_refused(case, config, clock, requests_):
    with pytest.raises(VerificationException):
        run(verifiers_for(config, clock), BAD_CASES[case](requests_))


@pytest.mark.parametrize("name", sorted(BAD_CHAIN_URLS))
def test_chain_url_rules_refuse(name):
    with pytest.raises(VerificationException):
        cert_chain_path(BAD_CHAIN_URLS[name])


@pytest.mark.parametrize("name", sorted(GOOD_CHAIN_URLS))
def test_amazons_own_url_examples_are_accepted(name, config, clock, requests_):
    assert cert_chain_path(GOOD_CHAIN_URLS[name]) == "/echo.api/good.pem"
    run(verifiers_for(config, clock), requests_.wire(url=GOOD_CHAIN_URLS[name]))


@pytest.mark.parametrize("age, kind, accepted", [
    (0, "LaunchRequest", True),
    (150, "LaunchRequest", True),
    (-150, "LaunchRequest", True),
    (151, "LaunchRequest", False),
    (-151, "IntentRequest", False),
    (3600, "AlexaSkillEvent.SkillEnabled", True),
    (3601, "AlexaSkillEvent.SkillEnabled", False),
    (-3601, "AlexaSkillEvent.SkillDisabled", False),
    (3000, "AlexaSkillEvent.ProactiveSubscriptionChanged", True),
    (3000, "SessionEndedRequest", False),
])
def test_timestamp_window(age, kind, accepted, clock, requests_):
    envelope = DefaultSerializer().deserialize(
        payload=requests_.wire(requests_.envelope(age=age, request_type=kind)).body.decode(),
        obj_type=RequestEnvelope)
    verify = lambda: TimestampVerifier(clock).verify({}, "", envelope)  # noqa: E731
    if accepted:
        verify()
    else:
        with pytest.raises(VerificationException):
            verify()


def test_application_id_is_required_to_build_its_verifier():
    with pytest.raises(ValueError):
        ApplicationIdVerifier("")


def test_the_chain_is_downloaded_once_for_many_requests(config, clock, requests_, chain_server):
    verifiers = verifiers_for(config, clock)
    for _ in range(50):
        run(verifiers, requests_.wire(chain="once.pem"))
    assert chain_server.hits["/echo.api/once.pem"] == 1


def test_the_cache_expires(config, clock, chain_server):
    keys = keys_for(config, clock, cache_seconds=60)
    url = f"{CHAIN_HOST}/echo.api/ttl.pem"
    keys.public_key_for(url)
    clock.advance(59)
    keys.public_key_for(url)
    assert chain_server.hits["/echo.api/ttl.pem"] == 1
    clock.advance(2)
    keys.public_key_for(url)
    assert chain_server.hits["/echo.api/ttl.pem"] == 2


def test_a_cached_chain_is_refused_once_out_of_date(config, clock, chain_server, pki):
    keys = keys_for(config, clock, cache_seconds=10 ** 9)
    url = f"{CHAIN_HOST}/echo.api/expiring.pem"
    keys.public_key_for(url)
    clock.now = pki.leaf.cert.not_valid_after_utc.replace(microsecond=0)
    keys.public_key_for(url)  # the last valid second
    clock.advance(1)
    with pytest.raises(VerificationException):
        keys.public_key_for(url)
    assert chain_server.hits["/echo.api/expiring.pem"] == 1


def test_the_cache_is_bounded(config, clock, chain_server):
    keys = keys_for(config, clock, max_entries=2)
    for url in GOOD_CHAIN_URLS.values():  # one normalised path: one entry
        keys.public_key_for(url)
    for name in ("once.pem", "ttl.pem", "expiring.pem"):
        keys.public_key_for(f"{CHAIN_HOST}/echo.api/{name}")
    assert len(keys._cache) == 2


def amazon_chain(test):  # the chain is in tests/fixtures: never skipped
    return test


SYSTEM_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
BUNDLES = [None, pytest.param(str(SYSTEM_BUNDLE), marks=pytest.mark.skipif(
    not SYSTEM_BUNDLE.is_file(), reason="no Debian system bundle"))]


@amazon_chain
@pytest.mark.parametrize("bundle", BUNDLES, ids=["default-bundle", "system-bundle"])
def test_amazons_real_chain_validates_at_its_date(bundle, config, chain_server):
    # Default (certifi) and system trust roots: the chain leads to Amazon Root CA 1.
    keys = SigningKeys(load_trust_store(bundle),
                       ChainDownloader(chain_server.origin, timeout=FETCH_TIMEOUT),
                       clock=lambda: datetime(2023, 6, 1, tzinfo=timezone.utc))
    assert isinstance(keys.public_key_for(AMAZON_URL), rsa.RSAPublicKey)


@amazon_chain
def test_amazons_real_chain_is_refused_today(config, chain_server):
    keys = SigningKeys(load_trust_store(None),
                       ChainDownloader(chain_server.origin, timeout=FETCH_TIMEOUT))
    with pytest.raises(VerificationException):
        keys.public_key_for(AMAZON_URL)


@amazon_chain
def test_amazons_real_chain_is_refused_without_amazons_root(config, chain_server):
    keys = keys_for(config, lambda: datetime(2023, 6, 1, tzinfo=timezone.utc))
    with pytest.raises(VerificationException):
        keys.public_key_for(AMAZON_URL)


@pytest.mark.parametrize("origin", ["http://evil.example", "https://s3.amazonaws.com.evil.example",
                                    "http://10.0.0.1:80", "http://127.0.0.1:8000/prefix",
                                    "ftp://127.0.0.1"])
def test_the_download_origin_is_amazon_or_loopback(origin):
    with pytest.raises(VerificationSetupError):
        ChainDownloader(origin)


@pytest.mark.parametrize("origin", ["https://s3.amazonaws.com", "http://127.0.0.1:8000",
                                    "http://[::1]:8000", "http://localhost:8000"])
def test_accepted_download_origins(origin):
    ChainDownloader(origin)


def test_trust_store_errors_stop_the_start(tmp_path):
    with pytest.raises(VerificationSetupError):
        load_trust_store(str(tmp_path / "missing.pem"))
    empty = tmp_path / "empty.pem"
    empty.write_text("no certificates here\n")
    with pytest.raises(VerificationSetupError):
        load_trust_store(str(empty))


def test_no_verification_keeps_only_the_skill_id_check():
    verifiers = build_verifiers(skill_id=SKILL_ID, verify=False)
    assert [type(v) for v in verifiers] == [ApplicationIdVerifier]
    assert build_verifiers(skill_id=None, verify=False) == []
