"""flask-ask-sdk imports on modern OpenSSL, and the SDK's own verifier fails closed there."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.web import verification as request_verification
from skill.web.sdk_compat import _is_oscrypto_library_failure
from skill.web.verification import VerificationException

REPO = Path(__file__).resolve().parents[2]


def python(code: str, *, path: Path | None = None) -> subprocess.CompletedProcess:
    env_path = f"{path}:{REPO}" if path else str(REPO)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=60, cwd=REPO, env={"PYTHONPATH": env_path})


def test_flask_ask_sdk_imports_in_a_fresh_interpreter():
    result = python("""
        import sys
        import skill.web.app
        import flask_ask_sdk.skill_adapter
        # The stand-in never outlives the import it was made for.
        assert "certvalidator" not in sys.modules or hasattr(sys.modules["certvalidator"], "__file__")
        print("ok")
    """)
    assert result.stdout.strip() == "ok", result.stderr


@pytest.mark.skipif(request_verification.SDK_CERTVALIDATOR_UNAVAILABLE is None,
                    reason="oscrypto loads here: the SDK's own verifier is the real one")
def test_the_sdks_own_verifier_refuses_even_a_good_request(requests_):
    from ask_sdk_webservice_support.verifier import RequestVerifier

    wire = requests_.wire()
    verifier = RequestVerifier()
    # Pre-filled so the SDK does not download: the refusal must come from the stand-in.
    verifier._cert_cache[wire.headers["SignatureCertChainUrl"]] = requests_.pki.chains["good.pem"]
    text = wire.body.decode()
    envelope = DefaultSerializer().deserialize(payload=text, obj_type=RequestEnvelope)
    with pytest.raises(VerificationException):
        verifier.verify(wire.headers, text, envelope)


def _fake_package(root: Path, name: str, init: str) -> Path:
    (root / name).mkdir(parents=True)
    (root / name / "__init__.py").write_text(textwrap.dedent(init))
    return root


def test_where_oscrypto_loads_the_real_certvalidator_is_used(tmp_path):
    # Simulates a machine with an older OpenSSL: certvalidator imports cleanly.
    path = _fake_package(tmp_path, "certvalidator", """
        class CertificateValidator:
            pass
    """)
    (path / "certvalidator" / "errors.py").write_text(
        "class PathError(Exception): pass\nclass ValidationError(Exception): pass\n")
    result = python("""
        import certvalidator
        from skill.web import verification as rv
        import ask_sdk_webservice_support.verifier as sdk
        assert rv.SDK_CERTVALIDATOR_UNAVAILABLE is None
        assert sdk.CertificateValidator is certvalidator.CertificateValidator
        print("ok")
    """, path=path)
    assert result.stdout.strip() == "ok", result.stderr


def test_any_other_import_failure_is_not_hidden(tmp_path):
    path = _fake_package(tmp_path, "certvalidator", "raise ImportError('something else broke')")
    result = python("import skill.web.verification", path=path)
    assert result.returncode != 0 and "something else broke" in result.stderr


def test_only_oscryptos_libcrypto_error_counts():
    LibraryNotFoundError = type("LibraryNotFoundError", (Exception,), {"__module__": "oscrypto.errors"})
    try:
        try:
            raise LibraryNotFoundError("Error detecting the version of libcrypto")
        except Exception as inner:
            raise ImportError("wrapped") from inner
    except ImportError as wrapped:
        assert _is_oscrypto_library_failure(wrapped)
    assert not _is_oscrypto_library_failure(ImportError("No module named certvalidator"))
    assert not _is_oscrypto_library_failure(
        type("LibraryNotFoundError", (Exception,), {"__module__": "elsewhere"})())
