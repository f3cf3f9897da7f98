"""Signed Alexa requests, good and bad, as they arrive over HTTP.

The same bad cases run twice: against the verifiers directly, and through Flask and
SkillAdapter (where each must become a 400).
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from .pki import LocalPki

SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
OTHER_SKILL_ID = "amzn1.ask.skill.99999999-8888-7777-6666-555555555555"
CHAIN_HOST = "https://s3.amazonaws.com"


@dataclass
class Wire:
    headers: dict[str, str]
    body: bytes


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Requests:
    """Builds envelopes and signs them with the test PKI, at the test clock's "now"."""

    def __init__(self, pki: LocalPki):
        self.pki = pki

    def envelope(self, *, age: float = 0, request_type: str = "LaunchRequest",
                 app_id: str = SKILL_ID, session_app_id: str | None = None,
                 at: datetime | None = None) -> dict:
        user = {"userId": "amzn1.ask.account.test"}
        return {
            "version": "1.0",
            "session": {"new": True, "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
                        "application": {"applicationId": session_app_id or app_id},
                        "user": user, "attributes": {}},
            "context": {"System": {"application": {"applicationId": app_id}, "user": user,
                                   "device": {"deviceId": "amzn1.ask.device.test",
                                              "supportedInterfaces": {}},
                                   "apiEndpoint": "https://api.amazonalexa.com"}},
            "request": {"type": request_type, "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                        "timestamp": stamp((at or self.pki.now) - timedelta(seconds=age)),
                        "locale": "en-US"},
        }

    def wire(self, envelope: dict | None = None, *, chain: str = "good.pem", url: str | None = None,
             key=None, body: bytes | None = None) -> Wire:
        body = body if body is not None else json.dumps(envelope or self.envelope()).encode()
        return Wire({"Content-Type": "application/json",
                     "SignatureCertChainUrl": f"{CHAIN_HOST}/echo.api/{chain}" if url is None else url,
                     "Signature-256": self.pki.sign(body, key)}, body)


def _without(header):
    def case(r: Requests) -> Wire:
        wire = r.wire()
        del wire.headers[header]
        return wire
    return case


def _tampered(r: Requests) -> Wire:
    wire = r.wire()
    wire.body = wire.body.replace(b'"en-US"', b'"en-GB"')
    return wire


def _bad_base64(r: Requests) -> Wire:
    wire = r.wire()
    wire.headers["Signature-256"] = "not*base64!" + wire.headers["Signature-256"][11:]
    return wire


def _url(url: str):
    return lambda r: r.wire(url=url)


# Chain URLs that Amazon's rules refuse. The chain behind each would otherwise be good.
BAD_CHAIN_URLS = {
    "http": "http://s3.amazonaws.com/echo.api/good.pem",
    "other-host": "https://notamazon.com/echo.api/good.pem",
    "host-suffix": "https://s3.amazonaws.com.evil.example/echo.api/good.pem",
    "userinfo": "https://evil.example@s3.amazonaws.com/echo.api/good.pem",
    "other-port": "https://s3.amazonaws.com:563/echo.api/good.pem",
    "case-changed-path": "https://s3.amazonaws.com/EcHo.aPi/good.pem",
    "other-path": "https://s3.amazonaws.com/invalid.path/good.pem",
    "dot-dot": "https://s3.amazonaws.com/echo.api/../evil/good.pem",
    "escaped-dot-dot": "https://s3.amazonaws.com/echo.api/%2e%2e/evil/good.pem",
    "escaped-slash": "https://s3.amazonaws.com/echo.api%2f..%2fevil/good.pem",
    "double-escaped": "https://s3.amazonaws.com/echo.api/%252e%252e/good.pem",
    "backslash": "https://s3.amazonaws.com/echo.api\\..\\evil\\good.pem",
    "escaped-backslash": "https://s3.amazonaws.com/echo.api/..%5c..%5cgood.pem",
    "backslash-authority": "https://evil.example\\@s3.amazonaws.com/echo.api/good.pem",
    "double-slash": "https://s3.amazonaws.com//echo.api/good.pem",
    "slash-in-authority": "https:///s3.amazonaws.com/echo.api/good.pem",
    "empty": "",
    "no-scheme": "s3.amazonaws.com/echo.api/good.pem",
    "directory-only": "https://s3.amazonaws.com/echo.api/",
    "query": "https://s3.amazonaws.com/echo.api/good.pem?x=1",
    "inner-space": "https://s3.amazonaws.com /echo.api/good.pem",
}

# URLs that Amazon documents as acceptable (their spelling, not their chain).
GOOD_CHAIN_URLS = {
    "plain": "https://s3.amazonaws.com/echo.api/good.pem",
    "upper-case-scheme-and-host": "HTTPS://S3.AMAZONAWS.COM/echo.api/good.pem",
    "explicit-port": "https://s3.amazonaws.com:443/echo.api/good.pem",
    "dot-dot-back-inside": "https://s3.amazonaws.com/echo.api/../echo.api/good.pem",
}

BAD_CASES = {
    "wrong-key": lambda r: r.wire(key=r.pki.other_key),
    "tampered-body": _tampered,
    "missing-signature-header": _without("Signature-256"),
    "missing-chain-url-header": _without("SignatureCertChainUrl"),
    "bad-base64": _bad_base64,
    "expired-leaf": lambda r: r.wire(chain="expired.pem"),
    "not-yet-valid-leaf": lambda r: r.wire(chain="not-yet-valid.pem"),
    "wrong-san": lambda r: r.wire(chain="wrong-san.pem"),
    "untrusted-root": lambda r: r.wire(chain="untrusted-root.pem"),
    "non-rsa-leaf": lambda r: r.wire(chain="ec-leaf.pem"),
    "garbage-pem": lambda r: r.wire(chain="garbage.pem"),
    "empty-chain": lambda r: r.wire(chain="empty.pem"),
    "chain-404": lambda r: r.wire(chain="missing.pem"),
    "chain-over-size-cap": lambda r: r.wire(chain="huge.pem"),
    "chain-redirect": lambda r: r.wire(chain="redirect.pem"),
    "chain-slow": lambda r: r.wire(chain="slow.pem"),
    "stale-timestamp": lambda r: r.wire(r.envelope(age=151)),
    "future-timestamp": lambda r: r.wire(r.envelope(age=-151)),
    "stale-skill-event": lambda r: r.wire(r.envelope(age=3601, request_type="AlexaSkillEvent.SkillEnabled")),
    "other-skill-id": lambda r: r.wire(r.envelope(app_id=OTHER_SKILL_ID)),
    "other-skill-id-in-session": lambda r: r.wire(r.envelope(session_app_id=OTHER_SKILL_ID)),
    **{f"chain-url-{name}": _url(url) for name, url in BAD_CHAIN_URLS.items()},
}
