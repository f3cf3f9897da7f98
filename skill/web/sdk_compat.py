"""The one importer of flask_ask_sdk and ask_sdk_webservice_support.

Both import certvalidator, and through it oscrypto, which fails on OpenSSL 3.0.10 and newer
(below). Everything in skill/web/ takes the SDK's web classes from here, so no module has to be
imported before another for the SDK to load.
"""
from __future__ import annotations

import importlib
import sys
import types

# --- Making the SDK importable on OpenSSL >= 3.0.10 -------------------------------------
#
# ask_sdk_webservice_support.verifier (imported by flask_ask_sdk) imports certvalidator,
# which imports oscrypto, and oscrypto 1.3.0 (the latest release) raises
# LibraryNotFoundError at import because it cannot parse a two-digit OpenSSL patch
# version such as "3.0.19". Only the SDK's own RequestVerifier uses certvalidator, and
# this service does not use that verifier: it verifies with the classes below.
#
# So when, and only when, that exact failure happens, the import of the SDK module runs
# against a stand-in certvalidator whose CertificateValidator refuses every chain. Should
# anyone switch the SDK's RequestVerifier back on, it fails closed (HTTP 400 for every
# request) instead of passing anything. The stand-in is removed from sys.modules straight
# after, so nothing else in the process mistakes it for the real package. Where oscrypto
# loads, the real certvalidator is used untouched. No installed file is edited.

SDK_VERIFIER_MODULE = "ask_sdk_webservice_support.verifier"


def _is_oscrypto_library_failure(error: BaseException | None) -> bool:
    """True for oscrypto's 'cannot load or understand libcrypto' error, however wrapped."""
    seen = 0
    while error is not None and seen < 10:
        kind = type(error)
        if kind.__name__ == "LibraryNotFoundError" and kind.__module__.startswith("oscrypto"):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def _refusing_certvalidator(reason: str) -> dict[str, types.ModuleType]:
    package = types.ModuleType("certvalidator", f"Stand-in: {reason}. Every use refuses.")
    errors = types.ModuleType("certvalidator.errors")

    class PathError(Exception):
        pass

    class ValidationError(Exception):
        pass

    class CertificateValidator:
        def __init__(self, *args, **kwargs):
            # ValidationError is what the SDK's RequestVerifier catches and turns into a
            # VerificationException, so its callers answer 400.
            raise ValidationError(f"certvalidator is unavailable: {reason}")

    errors.PathError, errors.ValidationError = PathError, ValidationError
    package.errors, package.CertificateValidator = errors, CertificateValidator
    package.__path__ = []  # a package, so "certvalidator.errors" resolves to the stand-in
    return {"certvalidator": package, "certvalidator.errors": errors}


def _import_sdk_verifier_module() -> tuple[types.ModuleType, str | None]:
    """The SDK's verifier module, and why its own certificate check is disabled (or None)."""
    if SDK_VERIFIER_MODULE in sys.modules:
        module = sys.modules[SDK_VERIFIER_MODULE]
        return module, getattr(module.CertificateValidator, "unavailable_reason", None)
    try:
        import certvalidator  # noqa: F401  (the import is the probe)
    except Exception as error:  # oscrypto raises LibraryNotFoundError, not ImportError
        if not _is_oscrypto_library_failure(error):
            raise
        reason = f"oscrypto cannot load libcrypto ({error})"
    else:
        return importlib.import_module(SDK_VERIFIER_MODULE), None

    stand_ins = _refusing_certvalidator(reason)
    saved = {name: sys.modules.get(name) for name in stand_ins}
    sys.modules.update(stand_ins)
    try:
        module = importlib.import_module(SDK_VERIFIER_MODULE)
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                if saved[name] is None:
                    del sys.modules[name]
                else:
                    sys.modules[name] = saved[name]
    module.CertificateValidator.unavailable_reason = reason
    return module, reason


_sdk_verifier, SDK_CERTVALIDATOR_UNAVAILABLE = _import_sdk_verifier_module()
AbstractVerifier = _sdk_verifier.AbstractVerifier
VerificationException = _sdk_verifier.VerificationException


def flask_skill_adapter() -> types.ModuleType:
    """flask_ask_sdk.skill_adapter, imported after the verifier module above is in place (it
    imports that module itself). A function so that verification, which needs no Flask,
    never loads it."""
    return importlib.import_module("flask_ask_sdk.skill_adapter")
