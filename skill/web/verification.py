"""Alexa request verification for the self-hosted web service, built on pyca cryptography.

Amazon's rules for a skill hosted outside Lambda ("Host a custom skill as a web service"):
the certificate-chain URL must point into s3.amazonaws.com/echo.api/, the chain must lead
to a trusted root and be in date, its leaf must name echo-api.amazon.com, Signature-256
must be its RSA PKCS#1 v1.5 SHA-256 signature over the raw body, and the request must be
fresh. Each rule below raises ``VerificationException``, which flask-ask-sdk turns into
HTTP 400. Nothing here imports Flask, so the rules can be tested on their own.

The SDK's verifier classes come from skill/web/sdk_compat.py, which makes
``ask_sdk_webservice_support`` importable where oscrypto cannot load libcrypto.
"""
from __future__ import annotations

import base64
import binascii
import logging
import posixpath
import re
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.client import HTTPException
from pathlib import Path
from typing import Callable, Mapping

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

# SDK_CERTVALIDATOR_UNAVAILABLE is re-exported: the app reports it at start-up.
from .sdk_compat import (SDK_CERTVALIDATOR_UNAVAILABLE, AbstractVerifier,  # noqa: F401
                         VerificationException)
from .settings import is_loopback_host

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# --- Amazon's rules ---------------------------------------------------------------------

SIGNATURE_HEADER = "Signature-256"
CERT_CHAIN_URL_HEADER = "SignatureCertChainUrl"
SIGNING_DNS_NAME = "echo-api.amazon.com"
AMAZON_CERT_ORIGIN = "https://s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
NORMAL_TOLERANCE = timedelta(seconds=150)
SKILL_EVENT_TOLERANCE = timedelta(seconds=3600)
SKILL_EVENT_PREFIX = "AlexaSkillEvent."

DEFAULT_CHAIN_MAX_BYTES = 64 * 1024  # Amazon's chain is about 7 KB
DEFAULT_FETCH_TIMEOUT = 3.0  # Alexa waits 8 s for the whole answer
DEFAULT_CACHE_SECONDS = 3600.0
DEFAULT_CACHE_ENTRIES = 16  # URLs come from request headers: keep memory bounded

# Scheme and host are case-insensitive; userinfo, any port but 443, or anything else in
# the authority part fails this match.
_AMAZON_AUTHORITY = re.compile(r"s3\.amazonaws\.com(:443)?", re.IGNORECASE)
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f\\]")


def refuse(reason: str) -> VerificationException:
    return VerificationException(reason)


def cert_chain_path(url: str) -> str:
    """The normalised /echo.api/... path of an acceptable SignatureCertChainUrl.

    The chain is then fetched from that normalised path, never from the URL as sent, so
    whatever a server might make of the original spelling cannot matter.
    """
    if not url or not url.isascii() or _UNSAFE_CHARS.search(url):
        raise refuse("certificate chain URL is empty or has unsafe characters")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() != "https":
        raise refuse("certificate chain URL is not https")
    if not _AMAZON_AUTHORITY.fullmatch(parts.netloc):
        raise refuse("certificate chain URL is not on s3.amazonaws.com port 443")
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise refuse("certificate chain URL has a query or fragment")
    try:
        path = urllib.parse.unquote(parts.path, errors="strict")
    except UnicodeDecodeError:
        raise refuse("certificate chain URL path is not UTF-8") from None
    # Checked again after decoding: an escaped backslash or a second layer of escapes
    # could otherwise reach a server that decodes once more.
    if "%" in path or not path.isascii() or _UNSAFE_CHARS.search(path):
        raise refuse("certificate chain URL path has escaped unsafe characters")
    if "//" in path:
        raise refuse("certificate chain URL path has an empty segment")
    normalised = posixpath.normpath(path)
    if not normalised.startswith(CERT_PATH_PREFIX):
        raise refuse("certificate chain URL path is not under /echo.api/")
    return normalised


# --- Trust roots --------------------------------------------------------------------------

class VerificationSetupError(RuntimeError):
    """The verifier cannot be built (no trust roots, unsafe origin): refuse to start."""


_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)
_SYSTEM_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                   "/etc/ssl/cert.pem")


def default_trust_bundle() -> str:
    """certifi's bundle if installed (kept current by pip), else the system bundle."""
    try:
        import certifi
        return certifi.where()
    except ImportError:
        pass
    candidates = (ssl.get_default_verify_paths().cafile, *_SYSTEM_BUNDLES)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    raise VerificationSetupError(
        "no trust bundle found: install certifi or set AFTERCARE_TRUST_BUNDLE")


def load_trust_store(path: str | None = None) -> Store:
    path = path or default_trust_bundle()
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise VerificationSetupError(f"cannot read trust bundle {path}: {error}") from None
    roots = []
    for block in _PEM_CERT.findall(data):
        # Public bundles still hold a few roots that break RFC 5280 in harmless ways;
        # one unparsable root must not take the others down with it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                log.debug("skipped an unparsable certificate in %s", path)
    if not roots:
        raise VerificationSetupError(f"trust bundle {path} holds no certificates")
    return Store(roots)


# --- Downloading the chain ------------------------------------------------------------------

class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would fetch from a URL that was never checked.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _is_loopback_origin(origin: str) -> bool:
    parts = urllib.parse.urlsplit(origin)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or parts.path not in ("", "/") or parts.username:
        return False
    return is_loopback_host(host)


class ChainDownloader:
    """GETs a certificate chain with a time limit, a size cap and no redirects.

    ``origin`` is Amazon's S3 in production. Tests and the benchmark serve their own chain
    from a loopback server; any other origin is refused, so configuration cannot send the
    download somewhere else. Trust never comes from the origin anyway: the chain must still
    lead to a root in the trust store.
    """

    def __init__(self, origin: str = AMAZON_CERT_ORIGIN, timeout: float = DEFAULT_FETCH_TIMEOUT,
                 max_bytes: int = DEFAULT_CHAIN_MAX_BYTES):
        origin = origin.rstrip("/")
        if origin.lower() != AMAZON_CERT_ORIGIN and not _is_loopback_origin(origin):
            raise VerificationSetupError(
                f"certificate chain origin {origin!r} is neither {AMAZON_CERT_ORIGIN} nor loopback")
        self.origin, self.timeout, self.max_bytes = origin, timeout, max_bytes
        handlers: list = [_NoRedirects()]
        if origin.lower() == AMAZON_CERT_ORIGIN:
            handlers.append(urllib.request.HTTPSHandler(context=_tls_context()))
        else:
            handlers.append(urllib.request.ProxyHandler({}))  # loopback never goes via a proxy
        self._opener = urllib.request.build_opener(*handlers)

    def __call__(self, path: str) -> bytes:
        url = self.origin + urllib.parse.quote(path, safe="/")
        deadline = time.monotonic() + self.timeout
        try:
            with self._opener.open(url, timeout=self.timeout) as response:
                if response.status != 200:
                    raise refuse(f"certificate chain download answered {response.status}")
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise refuse("certificate chain is larger than the size cap")
                return self._read_capped(response, deadline)
        except urllib.error.HTTPError as error:
            raise refuse(f"certificate chain download answered {error.code}") from None
        except (urllib.error.URLError, HTTPException, OSError, ValueError) as error:
            raise refuse(f"certificate chain download failed ({type(error).__name__})") from None

    def _read_capped(self, response, deadline: float) -> bytes:
        # The socket timeout bounds each read; the deadline bounds a server that keeps
        # dripping bytes just inside it.
        chunks, size = [], 0
        while True:
            if time.monotonic() > deadline:
                raise refuse("certificate chain download took too long")
            chunk = response.read1(16 * 1024)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise refuse("certificate chain is larger than the size cap")
            chunks.append(chunk)


def _tls_context() -> ssl.SSLContext:
    try:
        import certifi
        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:
        return ssl.create_default_context()


# --- Validating the chain, with a cache -----------------------------------------------------

@dataclass(frozen=True)
class _VerifiedChain:
    public_key: rsa.RSAPublicKey
    valid_from: datetime
    valid_until: datetime
    checked_at: datetime


class SigningKeys:
    """Turns a SignatureCertChainUrl into the verified RSA key of its leaf, cached per URL.

    A chain is downloaded and validated once, then reused until ``cache_seconds`` pass;
    every use still checks that all certificates in the chain are in date. Failures are
    not cached: they cost the caller a refusal, and the URL rules keep downloads on S3.
    """

    def __init__(self, trust_store: Store, download: Callable[[str], bytes],
                 clock: Clock = utc_now, cache_seconds: float = DEFAULT_CACHE_SECONDS,
                 max_entries: int = DEFAULT_CACHE_ENTRIES):
        self._store, self._download, self._clock = trust_store, download, clock
        self._ttl = timedelta(seconds=cache_seconds)
        self._max_entries = max_entries
        self._cache: dict[str, _VerifiedChain] = {}
        self._lock = threading.Lock()

    def public_key_for(self, chain_url: str) -> rsa.RSAPublicKey:
        path = cert_chain_path(chain_url)
        now = self._clock()
        with self._lock:
            entry = self._cache.get(path)
        if entry is None or now - entry.checked_at >= self._ttl or now < entry.checked_at:
            entry = self._validate(self._download(path), now)
            with self._lock:
                self._cache.pop(path, None)
                while len(self._cache) >= self._max_entries:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[path] = entry
        if not entry.valid_from <= now <= entry.valid_until:
            raise refuse("signing certificate chain is not valid now")
        return entry.public_key

    def _validate(self, pem: bytes, now: datetime) -> _VerifiedChain:
        try:
            certificates = x509.load_pem_x509_certificates(pem)
        except ValueError:
            raise refuse("certificate chain is not PEM certificates") from None
        leaf, intermediates = certificates[0], certificates[1:]
        verifier = (PolicyBuilder().store(self._store).time(now)
                    .build_server_verifier(x509.DNSName(SIGNING_DNS_NAME)))
        try:
            # Checks the path to a trusted root, every certificate's dates, the leaf's
            # SAN (echo-api.amazon.com) and the CA/Browser Forum profile.
            chain = verifier.verify(leaf, intermediates)
            key = leaf.public_key()
        except VerificationError as error:
            log.info("certificate chain refused: %s", str(error).split(" (encountered")[0])
            raise refuse("certificate chain does not validate for echo-api.amazon.com") from None
        except Exception as error:  # anything else a strange chain provokes: still a refusal
            log.info("certificate chain refused: %s", type(error).__name__)
            raise refuse("certificate chain could not be checked") from None
        if not isinstance(key, rsa.RSAPublicKey):
            raise refuse("signing certificate key is not RSA")
        return _VerifiedChain(
            public_key=key,
            valid_from=max(c.not_valid_before_utc for c in chain),
            valid_until=min(c.not_valid_after_utc for c in chain),
            checked_at=now)


# --- The verifiers flask-ask-sdk runs --------------------------------------------------------

def _header(headers: Mapping[str, str], name: str) -> str | None:
    # Werkzeug's headers look names up case-insensitively; a plain dict may not.
    value = headers.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == wanted), None)
    return None if value is None else value.strip()


class SignatureVerifier(AbstractVerifier):
    """Signature-256 must be the signing certificate's signature over the exact body."""

    def __init__(self, signing_keys: SigningKeys):
        self._keys = signing_keys

    def verify(self, headers, serialized_request_env, deserialized_request_env):
        chain_url = _header(headers, CERT_CHAIN_URL_HEADER)
        encoded = _header(headers, SIGNATURE_HEADER)
        if not chain_url:
            raise refuse(f"missing {CERT_CHAIN_URL_HEADER} header")
        if not encoded:
            raise refuse(f"missing {SIGNATURE_HEADER} header")
        try:
            signature = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise refuse(f"{SIGNATURE_HEADER} is not base64") from None
        key = self._keys.public_key_for(chain_url)
        # flask-ask-sdk hands over the body strictly decoded from UTF-8, so encoding it
        # again gives back the exact bytes that were signed.
        body = serialized_request_env
        if isinstance(body, str):
            body = body.encode("utf-8")
        try:
            key.verify(signature, body, padding.PKCS1v15(), SHA256())
        except (InvalidSignature, ValueError):
            raise refuse(f"{SIGNATURE_HEADER} does not match the body") from None


# An ISO 8601 instant as Alexa writes it, at most a few dozen characters. Checked before any
# parsing: the SDK's fallback date parser spent 0.7 s of CPU on 64 KB of "1.1.1.".
MAX_TIMESTAMP_CHARS = 40
_ISO_INSTANT = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})\Z")


def is_instant(value: object) -> bool:
    try:
        parse_timestamp(value)
    except VerificationException:
        return False
    return True


def parse_timestamp(value: object) -> datetime:
    """request.timestamp from the raw JSON, or a refusal: never an error of another kind."""
    if not isinstance(value, str) or len(value) > MAX_TIMESTAMP_CHARS \
            or not _ISO_INSTANT.match(value):
        raise refuse("request timestamp is missing or not an ISO 8601 instant")
    try:
        return datetime.fromisoformat(value)  # Python 3.11 reads every ISO form
    except ValueError:  # a month 13, or an offset of 24 hours or more
        raise refuse("request timestamp is not a valid instant") from None


def _raw_request(deserialized_request_env) -> dict | None:
    """The raw JSON envelope when the caller hands it over (the web service does)."""
    return deserialized_request_env if isinstance(deserialized_request_env, dict) else None


class TimestampVerifier(AbstractVerifier):
    """request.timestamp within 150 s of now (an hour for AlexaSkillEvent.* requests)."""

    def __init__(self, clock: Clock = utc_now):
        self._clock = clock

    def verify(self, headers, serialized_request_env, deserialized_request_env):
        raw = _raw_request(deserialized_request_env)
        if raw is not None:
            request = raw.get("request") if isinstance(raw.get("request"), dict) else {}
            stamp = parse_timestamp(request.get("timestamp"))
            kind = request.get("type") if isinstance(request.get("type"), str) else ""
        else:
            request = getattr(deserialized_request_env, "request", None)
            stamp = getattr(request, "timestamp", None)
            kind = getattr(request, "object_type", None) or ""
        if not isinstance(stamp, datetime) or stamp.tzinfo is None:
            raise refuse("request timestamp is missing or has no time zone")
        tolerance = SKILL_EVENT_TOLERANCE if kind.startswith(SKILL_EVENT_PREFIX) else NORMAL_TOLERANCE
        try:
            late = abs(self._clock() - stamp) > tolerance
        except (OverflowError, ValueError):
            late = True
        if late:
            raise refuse("request timestamp is outside the allowed window")


def _application_objects(raw: dict) -> list:
    """context.System.application and, when there is a session, session.application."""
    context = raw.get("context")
    system = context.get("System") if isinstance(context, dict) else None
    found = [system.get("application") if isinstance(system, dict) else None]
    session = raw.get("session")
    if isinstance(session, dict) and "application" in session:
        found.append(session.get("application"))
    return found


class ApplicationIdVerifier(AbstractVerifier):
    """The request must be for this skill.

    Checked on the raw JSON: the SDK's deserializer also reads a snake_case
    `application_id` key, which then wins over `applicationId`, so a check on the parsed
    envelope could pass a request whose real id is another skill's. An application object
    with any key but `applicationId` is refused.

    The SkillBuilder's skill_id makes the SDK refuse it too, but as an AskSdkException,
    which flask-ask-sdk answers with 500; checking here first gives the 400 Alexa expects.
    """

    def __init__(self, skill_id: str):
        if not skill_id:
            raise ValueError("skill_id is required")
        self._skill_id = skill_id

    def verify(self, headers, serialized_request_env, deserialized_request_env):
        raw = _raw_request(deserialized_request_env)
        if raw is None and isinstance(serialized_request_env, (str, bytes)) and serialized_request_env:
            import json

            try:
                raw = json.loads(serialized_request_env)
            except (ValueError, RecursionError):
                raise refuse("request is not JSON") from None
        if isinstance(raw, dict):
            for application in _application_objects(raw):
                if not isinstance(application, dict) or set(application) != {"applicationId"} \
                        or application["applicationId"] != self._skill_id:
                    raise refuse("request is for another skill")
            return
        context = getattr(deserialized_request_env, "context", None)
        system = getattr(context, "system", None)
        ids = [getattr(getattr(system, "application", None), "application_id", None)]
        session = getattr(deserialized_request_env, "session", None)
        if session is not None and session.application is not None:
            ids.append(session.application.application_id)
        if any(found != self._skill_id for found in ids):
            raise refuse("request is for another skill")


def build_verifiers(*, skill_id: str | None, verify: bool, trust_bundle: str | None = None,
                    download: Callable[[str], bytes] | None = None, clock: Clock = utc_now,
                    cache_seconds: float = DEFAULT_CACHE_SECONDS) -> list[AbstractVerifier]:
    """The verifiers for SkillAdapter, cheapest first so junk costs no download."""
    verifiers: list[AbstractVerifier] = []
    if skill_id:
        verifiers.append(ApplicationIdVerifier(skill_id))
    if verify:
        keys = SigningKeys(load_trust_store(trust_bundle), download or ChainDownloader(),
                           clock=clock, cache_seconds=cache_seconds)
        verifiers += [TimestampVerifier(clock), SignatureVerifier(keys)]
    return verifiers
