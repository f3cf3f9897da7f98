"""A throwaway PKI shaped like Amazon's: root -> intermediate -> leaf for echo-api.amazon.com.

Generated at test time (nothing secret is stored) and shared with the benchmark. CA keys are
EC P-256 because they generate in microseconds; the leaf is RSA because Signature-256 is
RSA PKCS#1 v1.5. Every bad leaf reuses the good leaf's key, so a request signed for it
carries a correct signature and its refusal can only come from the certificate itself.
"""
from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SIGNING_NAME = "echo-api.amazon.com"
DAY = timedelta(days=1)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Aftercare Test PKI"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _ca_key():
    return ec.generate_private_key(ec.SECP256R1())


def _rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Issued:
    cert: x509.Certificate
    key: object

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _issue(subject: str, key, issuer: Issued | None, not_before: datetime,
           not_after: datetime, *, ca: bool, san: str | None = None) -> Issued:
    public = key.public_key()
    builder = (x509.CertificateBuilder()
               .subject_name(_name(subject))
               .issuer_name(issuer.cert.subject if issuer else _name(subject))
               .public_key(public)
               .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1)
               .not_valid_before(not_before)
               .not_valid_after(not_after)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False))
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False)
    if ca:
        builder = (builder
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None if issuer is None else 0),
                                  critical=True)
                   .add_extension(x509.KeyUsage(False, False, False, False, False, True, True,
                                                False, False), critical=True))
    else:
        builder = (builder
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(True, False, True, False, False, False, False,
                                                False, False), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                         ExtendedKeyUsageOID.CLIENT_AUTH]),
                                  critical=False)
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName(san or SIGNING_NAME)]),
                                  critical=False))
    signer = issuer.key if issuer else key
    return Issued(builder.sign(signer, hashes.SHA256()), key)


@dataclass
class LocalPki:
    """Certificates valid around ``now``; ``chains`` maps a file name to its PEM chain."""

    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(microsecond=0))

    def __post_init__(self):
        now, year = self.now, 365 * DAY
        self.root = _issue("Aftercare Test Root", _ca_key(), None, now - year, now + 10 * year, ca=True)
        self.intermediate = _issue("Aftercare Test Intermediate", _ca_key(), self.root,
                                   now - year, now + 5 * year, ca=True)
        self.leaf_key = _rsa_key()
        self.other_key = _rsa_key()  # signs the "wrong key" requests

        def leaf(not_before, not_after, san=SIGNING_NAME, issuer=self.intermediate, key=self.leaf_key):
            return _issue(SIGNING_NAME, key, issuer, not_before, not_after, ca=False, san=san)

        rogue_root = _issue("Rogue Root", _ca_key(), None, now - year, now + 10 * year, ca=True)
        rogue_intermediate = _issue("Rogue Intermediate", _ca_key(), rogue_root,
                                    now - year, now + 5 * year, ca=True)
        self.leaf = leaf(now - 30 * DAY, now + 300 * DAY)
        inter = self.intermediate.pem
        self.chains = {
            "good.pem": self.leaf.pem + inter,
            "expired.pem": leaf(now - 60 * DAY, now - DAY).pem + inter,
            "not-yet-valid.pem": leaf(now + DAY, now + 60 * DAY).pem + inter,
            "wrong-san.pem": leaf(now - DAY, now + 60 * DAY, san="echo-api.example.com").pem + inter,
            "untrusted-root.pem": (leaf(now - DAY, now + 60 * DAY, issuer=rogue_intermediate).pem
                                   + rogue_intermediate.pem + rogue_root.pem),
            "ec-leaf.pem": leaf(now - DAY, now + 60 * DAY, key=_ca_key()).pem + inter,
            "garbage.pem": b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n"
                           b"-----END CERTIFICATE-----\n",
            "empty.pem": b"",
            "huge.pem": self.leaf.pem + inter + b"\n" * (64 * 1024),
        }

    @property
    def root_pem(self) -> bytes:
        return self.root.pem

    def sign(self, body: bytes, key=None) -> str:
        """Signature-256 as Alexa sends it: base64 of RSA PKCS#1 v1.5 SHA-256 over the body."""
        signature = (key or self.leaf_key).sign(body, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")
