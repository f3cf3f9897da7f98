"""Settings from the environment and the command line, and the loopback rule for --no-verify."""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from skill.web import verification as request_verification
from skill.web.server import serve_command
from skill.web.settings import (AMAZON_CERT_ORIGIN, ConfigurationError, WebServiceConfig,
                                add_serve_arguments, check_bind_policy, config_from_args,
                                gunicorn_bind, is_loopback_bind)


REPO = Path(__file__).resolve().parents[2]


def parse(*argv):
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    return parser.parse_args(argv)


def test_every_setting_comes_from_the_environment():
    config = WebServiceConfig.from_env({
        "AFTERCARE_SKILL_ID": "amzn1.ask.skill.x", "AFTERCARE_VERIFY": "false",
        "AFTERCARE_ALLOW_ANY_SKILL_ID": "yes", "AFTERCARE_TRUST_BUNDLE": "/roots.pem",
        "AFTERCARE_CERT_CACHE_SECONDS": "60", "AFTERCARE_CERT_FETCH_TIMEOUT": "1.5",
        "AFTERCARE_CERT_CHAIN_ORIGIN": "http://127.0.0.1:9", "AFTERCARE_HOST": "::1",
        "AFTERCARE_PORT": "9000", "AFTERCARE_WORKERS": "4"})
    assert config == WebServiceConfig(
        skill_id="amzn1.ask.skill.x", verify=False, allow_any_skill_id=True,
        trust_bundle="/roots.pem", cert_cache_seconds=60, cert_fetch_timeout=1.5,
        cert_chain_origin="http://127.0.0.1:9", host="::1", port=9000, workers=4)


def test_defaults_verify_on_loopback():
    config = WebServiceConfig.from_env({})
    assert (config.verify, config.host, config.port, config.workers) == (True, "127.0.0.1", 8080, 2)


@pytest.mark.parametrize("name, value", [("AFTERCARE_VERIFY", "flase"), ("AFTERCARE_PORT", "http"),
                                         ("AFTERCARE_WORKERS", "two")])
def test_a_mistyped_setting_stops_the_start(name, value):
    with pytest.raises(ConfigurationError, match=name):
        WebServiceConfig.from_env({name: value})


def test_the_command_line_overrides_the_environment():
    env = {"AFTERCARE_PORT": "9000", "AFTERCARE_SKILL_ID": "from-env", "AFTERCARE_HOST": "::1"}
    config = config_from_args(parse("--port", "9100", "--no-verify"), env)
    assert (config.port, config.skill_id, config.host, config.verify) == (9100, "from-env", "::1", False)
    assert config_from_args(parse(), env).verify is True


@pytest.mark.parametrize("bind, loopback", [
    ("127.0.0.1:8080", True), ("127.0.0.2:80", True), ("[::1]:8080", True), ("::1", True),
    ("localhost:8080", True), ("0.0.0.0:8080", False), ("[::]:8080", False),
    ("192.168.1.5:8080", False), ("example.com:80", False), ("unix:/run/skill.sock", False),
    ("fd://3", False)])
def test_loopback_binds(bind, loopback):
    assert is_loopback_bind(bind) is loopback


def test_no_verify_refuses_a_public_address():
    check_bind_policy(["0.0.0.0:8080"], verify=True)
    check_bind_policy(["127.0.0.1:8080", "[::1]:8080"], verify=False)
    with pytest.raises(ConfigurationError):
        check_bind_policy(["127.0.0.1:8080", "0.0.0.0:8080"], verify=False)


def test_gunicorn_bind_brackets_ipv6():
    assert gunicorn_bind("::1", 80) == "[::1]:80" and gunicorn_bind("127.0.0.1", 80) == "127.0.0.1:80"


def test_serve_no_verify_on_a_public_address_exits_before_starting(capsys, monkeypatch):
    monkeypatch.delenv("AFTERCARE_VERIFY", raising=False)
    assert serve_command(parse("--no-verify", "--host", "0.0.0.0")) == 2
    assert "non-loopback" in capsys.readouterr().err


def test_serve_without_a_skill_id_exits_before_starting(capsys, monkeypatch):
    monkeypatch.delenv("AFTERCARE_SKILL_ID", raising=False)
    monkeypatch.delenv("AFTERCARE_ALLOW_ANY_SKILL_ID", raising=False)
    assert serve_command(parse()) == 2
    assert "AFTERCARE_SKILL_ID" in capsys.readouterr().err


def test_serve_with_a_missing_gunicorn_config_exits(capsys, tmp_path):
    args = parse("--skill-id", "amzn1.ask.skill.x", "--gunicorn-config", str(tmp_path / "nope.py"))
    assert serve_command(args) == 2
    assert "not found" in capsys.readouterr().err


def test_the_service_defaults_match_the_verifiers():
    defaults = WebServiceConfig()
    assert AMAZON_CERT_ORIGIN == request_verification.AMAZON_CERT_ORIGIN
    assert defaults.cert_cache_seconds == request_verification.DEFAULT_CACHE_SECONDS
    assert defaults.cert_fetch_timeout == request_verification.DEFAULT_FETCH_TIMEOUT


def test_building_the_serve_parser_loads_no_web_stack():
    # `aftercare --help` must stay instant: Flask, the SDK and cryptography load on `serve`.
    code = ("import argparse, sys; from skill.web.settings import add_serve_arguments; "
            "add_serve_arguments(argparse.ArgumentParser()); "
            "print(sorted(m for m in ('flask', 'cryptography', 'ask_sdk_core', 'gunicorn') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, env={"PYTHONPATH": str(REPO)}, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
