"""The web service's settings: AFTERCARE_* environment variables, overridden by the command line.

This module imports only the standard library and nothing from skill/web/, so building the
`aftercare` parser stays instant and gunicorn's config file (deploy/gunicorn.conf.py) can read
the settings before any worker loads Flask; skill/web/server.py runs gunicorn with them.
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, fields, replace
from typing import Callable, Mapping

AMAZON_CERT_ORIGIN = "https://s3.amazonaws.com"


class ConfigurationError(RuntimeError):
    """A setting is missing or unsafe: the server refuses to start.

    A RuntimeError because gunicorn prints those as one line and exits, where any other
    exception raised while it loads the app becomes a traceback."""


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE | _FALSE:
        return value in _TRUE
    # A typo must not quietly turn verification off (or on): say so and stop.
    raise ValueError(f"expected one of {sorted(_TRUE | _FALSE)}")


@dataclass(frozen=True)
class WebServiceConfig:
    skill_id: str | None = None
    verify: bool = True
    allow_any_skill_id: bool = False
    trust_bundle: str | None = None
    cert_cache_seconds: float = 3600.0
    cert_fetch_timeout: float = 3.0  # Alexa waits 8 s for the whole answer
    cert_chain_origin: str = AMAZON_CERT_ORIGIN
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 2

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "WebServiceConfig":
        environ = os.environ if environ is None else environ
        values = {}
        for field in fields(cls):
            name = ENVIRONMENT[field.name]
            text = environ.get(name, "").strip()
            if not text:
                continue
            try:
                values[field.name] = _PARSERS.get(field.name, str)(text)
            except ValueError as error:
                raise ConfigurationError(f"{name}: {error}") from None
        return cls(**values)

    def with_overrides(self, **overrides) -> "WebServiceConfig":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def check(self) -> None:
        if self.verify and not self.skill_id and not self.allow_any_skill_id:
            raise ConfigurationError(
                "AFTERCARE_SKILL_ID (--skill-id) is required: without it any skill's requests "
                "would be answered. For development only, AFTERCARE_ALLOW_ANY_SKILL_ID=1.")
        if not 1 <= self.port <= 65535:
            raise ConfigurationError("AFTERCARE_PORT must be 1-65535")
        if self.workers < 1:
            raise ConfigurationError("AFTERCARE_WORKERS must be at least 1")
        if self.cert_fetch_timeout <= 0 or self.cert_cache_seconds < 0:
            raise ConfigurationError("AFTERCARE_CERT_FETCH_TIMEOUT must be above 0 and "
                                     "AFTERCARE_CERT_CACHE_SECONDS not below 0")


# The one table of environment variables (README "Run on your own server" lists the same).
ENVIRONMENT = {
    "skill_id": "AFTERCARE_SKILL_ID",
    "verify": "AFTERCARE_VERIFY",
    "allow_any_skill_id": "AFTERCARE_ALLOW_ANY_SKILL_ID",
    "trust_bundle": "AFTERCARE_TRUST_BUNDLE",
    "cert_cache_seconds": "AFTERCARE_CERT_CACHE_SECONDS",
    "cert_fetch_timeout": "AFTERCARE_CERT_FETCH_TIMEOUT",
    "cert_chain_origin": "AFTERCARE_CERT_CHAIN_ORIGIN",
    "host": "AFTERCARE_HOST",
    "port": "AFTERCARE_PORT",
    "workers": "AFTERCARE_WORKERS",
}
_PARSERS: dict[str, Callable[[str], object]] = {
    "verify": _boolean, "allow_any_skill_id": _boolean, "port": int, "workers": int,
    "cert_cache_seconds": float, "cert_fetch_timeout": float,
}


def is_loopback_host(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_bind(bind: str) -> bool:
    """True for gunicorn binds such as 127.0.0.1:8080, [::1]:8080 or localhost:8080."""
    if bind.startswith(("unix:", "fd://")):
        return False  # a socket file can be proxied to the world
    host = bind.rsplit(":", 1)[0] if bind.count(":") == 1 or bind.startswith("[") else bind
    return is_loopback_host(host.strip("[]"))


def check_bind_policy(binds: list[str], verify: bool) -> None:
    if not verify and not all(is_loopback_bind(b) for b in binds):
        raise ConfigurationError(
            "request verification is off: refusing to listen on a non-loopback address "
            f"({', '.join(binds)}). Use --host 127.0.0.1, or turn verification on.")


def add_serve_arguments(parser) -> None:
    """Options for `aftercare serve`; each falls back to its AFTERCARE_* variable."""
    parser.add_argument("--host", help="address to listen on (AFTERCARE_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (AFTERCARE_PORT, default 8080)")
    parser.add_argument("--workers", type=int,
                        help="gunicorn sync workers (AFTERCARE_WORKERS, default 2)")
    parser.add_argument("--skill-id", help="your skill's id, amzn1.ask.skill.... (AFTERCARE_SKILL_ID)")
    parser.add_argument("--trust-bundle", metavar="PEM",
                        help="roots for Amazon's signing chain (AFTERCARE_TRUST_BUNDLE, "
                             "default certifi's bundle, else the system's)")
    parser.add_argument("--no-verify", dest="verify", action="store_const", const=False,
                        help="DEVELOPMENT ONLY: skip signature and timestamp checks; "
                             "loopback addresses only (AFTERCARE_VERIFY=0)")
    parser.add_argument("--allow-any-skill-id", action="store_const", const=True,
                        help="DEVELOPMENT ONLY: answer requests without a configured skill id "
                             "(AFTERCARE_ALLOW_ANY_SKILL_ID=1)")
    parser.add_argument("--gunicorn-config", metavar="PATH",
                        help="gunicorn settings file (AFTERCARE_GUNICORN_CONFIG, "
                             "default deploy/gunicorn.conf.py)")


def config_from_args(args, environ: Mapping[str, str] | None = None) -> WebServiceConfig:
    return WebServiceConfig.from_env(environ).with_overrides(
        host=args.host, port=args.port, workers=args.workers, skill_id=args.skill_id,
        trust_bundle=args.trust_bundle, verify=args.verify,
        allow_any_skill_id=args.allow_any_skill_id)


def gunicorn_bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
