"""The self-hosted HTTPS way in: the skill served by flask-ask-sdk's SkillAdapter.

``create_app()`` is the Flask app factory (gunicorn: ``skill.web.app:create_app()``;
``aftercare serve`` in ``skill.web.server``). POST / answers Alexa, GET /healthz answers load
balancers. Requests are verified as Amazon requires (``skill.web.verification``)
unless verification is turned off for local development. TLS is terminated in front.
"""
from __future__ import annotations

import json
import logging
import threading
import traceback
from typing import Callable

from ask_sdk_model import RequestEnvelope
from ask_sdk_model.services import Serializer
from flask import Flask, jsonify, request
from werkzeug.exceptions import BadRequest, HTTPException

from ..builder import create_skill
from ..request_limits import MAX_EVENT_DEPTH, depth_within, limit_event
from . import verification
from .sdk_compat import flask_skill_adapter
from .settings import ConfigurationError, WebServiceConfig

_skill_adapter = flask_skill_adapter()
SkillAdapter = _skill_adapter.SkillAdapter
VERIFY_SIGNATURE_APP_CONFIG = _skill_adapter.VERIFY_SIGNATURE_APP_CONFIG
VERIFY_TIMESTAMP_APP_CONFIG = _skill_adapter.VERIFY_TIMESTAMP_APP_CONFIG

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024  # Alexa requests are a few KB; anything bigger is not one
SKILL_ROUTE = "/"


def _warn_unverified() -> None:
    log.warning("!" * 72)
    log.warning("REQUEST VERIFICATION IS OFF: anyone who can reach this port can call the")
    log.warning("skill as Alexa. For local development only; never expose this server.")
    log.warning("!" * 72)


def _default_builder(skill_id: str | None):
    # The same skill as Lambda's entry point: the store AFTERCARE_STORE picks (SQLite by
    # default, safe across gunicorn workers) and the Alexa APIs through the SDK's client.
    from ..alexa_api import LazyApiClient
    from ..builder import build_skill_builder
    from ..stores import persistence_from_environment

    try:
        store = persistence_from_environment()
    except ValueError as error:
        raise ConfigurationError(str(error)) from None
    return build_skill_builder(skill_id=skill_id, persistence_adapter=store,
                               api_client=LazyApiClient())


# Caps on the fields the checks read, far above anything Alexa sends: the checks that
# follow cost time in proportion to what they are given.
MAX_ID_CHARS = 512
MAX_SHORT_CHARS = 128


def _short(value: object, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit


def _looks_like_envelope(payload: object) -> bool:
    """The fields every Alexa request carries and the verifiers rely on, within size caps."""
    if not isinstance(payload, dict) or not _short(payload.get("version"), MAX_SHORT_CHARS):
        return False
    if not depth_within(payload, MAX_EVENT_DEPTH):
        return False
    req = payload.get("request")
    if not isinstance(req, dict) or not _short(req.get("type"), MAX_SHORT_CHARS) \
            or not _short(req.get("requestId"), MAX_ID_CHARS) \
            or not verification.is_instant(req.get("timestamp")):
        return False
    if "locale" in req and not _short(req["locale"], MAX_SHORT_CHARS):
        return False
    node = payload
    for key in ("context", "System", "application"):
        node = node.get(key) if isinstance(node, dict) else None
    return isinstance(node, dict) and _short(node.get("applicationId"), MAX_ID_CHARS)


class _CheckedEnvelopes(Serializer):
    """The skill's serializer, taught to reuse the envelope the web layer already checked.

    The body is deserialised before the SDK sees it, so that a malformed envelope is a 400
    (the SDK would answer 500 and log the body). Deserialising is the costliest step of a
    request, so the SDK then gets that same envelope back for the same text instead of
    parsing it a second time. One slot per thread, emptied on use and after each request.
    """

    def __init__(self, serializer, verifiers=()):
        self._serializer = serializer
        self._verifiers = list(verifiers)
        self._slot = threading.local()

    def check(self, raw: bytes, headers=None) -> None:
        """Cheap checks first, then the verifiers on the raw JSON, then the SDK's parsing:
        a request that is not Alexa's costs no deep parse (nor a date parser's worst case)."""
        try:
            text = raw.decode("utf-8")
            payload = json.loads(text)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise BadRequest("The body is not JSON.") from None
        if isinstance(payload, dict):
            payload = limit_event(payload)  # junk attributes dropped before anything reads them
        if not _looks_like_envelope(payload):
            raise BadRequest("The body is not an Alexa request envelope.")
        for verifier in self._verifiers:
            try:
                verifier.verify(headers=headers or {}, serialized_request_env=text,
                                deserialized_request_env=payload)
            except verification.VerificationException as refusal:
                log.warning("Request verification failed: %s", refusal)
                raise BadRequest("Incoming request failed verification") from None
        try:
            parsed = getattr(self._serializer, "deserialize_parsed", None)
            envelope = (parsed(payload, RequestEnvelope) if parsed else
                        self._serializer.deserialize(payload=json.dumps(payload),
                                                     obj_type=RequestEnvelope))
        except Exception as error:  # any failure here is a malformed envelope, not a fault
            log.info("refused an envelope the SDK cannot read (%s)", type(error).__name__)
            raise BadRequest("The body is not an Alexa request envelope.") from None
        self._slot.checked = (text, envelope)

    def forget(self) -> None:
        self._slot.checked = None

    def deserialize(self, payload, obj_type):
        checked = getattr(self._slot, "checked", None)
        self._slot.checked = None
        if checked is not None and obj_type is RequestEnvelope and checked[0] == payload:
            return checked[1]
        return self._serializer.deserialize(payload=payload, obj_type=obj_type)

    def serialize(self, obj):
        return self._serializer.serialize(obj)


def _http_error(error: HTTPException):
    response = jsonify(error={"code": error.code, "message": error.description or error.name})
    response.status_code = error.code or 500
    if error.code == 405:
        response.headers["Allow"] = ", ".join(error.valid_methods or ())
    return response


def _unexpected_error(error: Exception):
    # Where it happened, but not the exception's message or the request: either can hold
    # what the user said.
    where = "".join(traceback.format_tb(error.__traceback__))
    log.error("unhandled %s while answering a request:\n%s", type(error).__name__, where)
    return jsonify(error={"code": 500, "message": "Internal Server Error"}), 500


class _QuietVerificationFailures(logging.Filter):
    """flask-ask-sdk logs each refused request at ERROR with a traceback. A refusal is the
    caller's fault and says everything in one line, so log it as a one-line warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, verification.VerificationException):
            record.msg, record.args = "%s: %s", (record.getMessage(), error)
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def create_app(config: WebServiceConfig | None = None, *,
               builder_factory: Callable[[str | None], object] | None = None,
               clock: verification.Clock = verification.utc_now) -> Flask:
    """The Flask app: POST / for Alexa, GET /healthz for load balancers.

    ``builder_factory(skill_id)`` and ``clock`` exist for tests; production uses the
    skill's own builder and the real clock.
    """
    config = WebServiceConfig.from_env() if config is None else config
    config.check()
    builder = (builder_factory or _default_builder)(config.skill_id)
    skill = create_skill(builder)
    if skill.skill_id != config.skill_id:
        raise ConfigurationError("the skill builder did not take the configured skill id")

    if not config.verify:
        _warn_unverified()
    elif not config.skill_id:
        log.warning("AFTERCARE_ALLOW_ANY_SKILL_ID is set: requests for any skill are answered")
    if config.verify and verification.SDK_CERTVALIDATOR_UNAVAILABLE:
        log.info("ask-sdk's own certificate check is unavailable (%s) and refuses if enabled; "
                 "requests are verified with pyca cryptography",
                 verification.SDK_CERTVALIDATOR_UNAVAILABLE)

    download = None
    if config.verify:
        download = verification.ChainDownloader(config.cert_chain_origin,
                                                timeout=config.cert_fetch_timeout)
        if config.cert_chain_origin != verification.AMAZON_CERT_ORIGIN:
            log.warning("certificate chains come from %s, not Amazon (tests and benchmarks only)",
                        config.cert_chain_origin)
    verifiers = verification.build_verifiers(
        skill_id=config.skill_id, verify=config.verify, trust_bundle=config.trust_bundle,
        download=download, clock=clock, cache_seconds=config.cert_cache_seconds)

    app = Flask(__name__)
    app.config.update({
        "MAX_CONTENT_LENGTH": MAX_BODY_BYTES,
        # The SDK's own verifiers are replaced, not dropped: ours run in their place
        # (see request_verification). Theirs would fetch without a timeout.
        VERIFY_SIGNATURE_APP_CONFIG: False,
        VERIFY_TIMESTAMP_APP_CONFIG: False,
    })
    if not any(isinstance(f, _QuietVerificationFailures) for f in app.logger.filters):
        app.logger.addFilter(_QuietVerificationFailures())  # one logger per process
    # The verifiers run in _CheckedEnvelopes.check, on the raw JSON before the SDK parses
    # it; the adapter then has none left to run.
    envelopes = skill.serializer = _CheckedEnvelopes(skill.serializer, verifiers)
    adapter = SkillAdapter(skill=skill, skill_id=config.skill_id or "any-skill",
                           verifiers=[], app=app)

    def alexa():
        try:
            body = request.get_data(cache=True)
        except HTTPException:
            raise
        except Exception as error:  # noqa: BLE001 - a bad chunk size, a body cut short
            log.warning("refused a body that could not be read: %s", type(error).__name__)
            raise BadRequest("The body could not be read.") from None
        envelopes.check(body, request.headers)
        try:
            return adapter.dispatch_request()
        finally:
            envelopes.forget()

    def healthz():
        return jsonify(status="ok")

    # No automatic OPTIONS: anything but POST on the skill route is a 405.
    app.add_url_rule(SKILL_ROUTE, "alexa", alexa, methods=["POST"],
                     provide_automatic_options=False)
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app
