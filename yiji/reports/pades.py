"""The released report as a signed document: every report PDF carries a PAdES signature
(pyHanko) made with the hospital's certificate, so any PDF reader shows who signed it and
whether it was altered since, beside the QR code's verification.

The certificate is a PKCS#12 file (YIJI_SIGNING_P12, its password YIJI_SIGNING_P12_PASSWORD):
a CA's certificate for 可靠电子签名 is a configuration, not a code change. Without one, Yiji
makes a self-signed certificate for the hospital under var/signing/ on first use (demo and
small sites; readers then show the signature as intact but not trusted)."""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
from functools import cached_property, lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash

SELF_SIGNED = "hospital.p12"
_making = threading.Lock()


def _path_and_password() -> tuple[Path, bytes]:
    configured = os.environ.get("YIJI_SIGNING_P12", "")
    password = os.environ.get("YIJI_SIGNING_P12_PASSWORD", "").encode()
    if configured:
        return Path(configured), password
    path = Path(settings.VAR_DIR) / "signing" / SELF_SIGNED
    if not path.exists():
        with _making:
            if not path.exists():
                _make_self_signed(path)
    return path, b""


def _make_self_signed(path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Yiji hospital (self-signed)"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Yiji report signing"),
    ])  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )  # fmt: skip
        .sign(key, hashes.SHA256())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    data = pkcs12.serialize_key_and_certificates(
        b"yiji", key, certificate, None, serialization.NoEncryption()
    )
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    temporary.chmod(0o600)  # the key signs for the hospital: owner-only
    temporary.replace(path)


class _KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses the private key again for every signature it makes, two
    per PDF (the size estimate and the signature); an RSA key's checks make that about 35 ms
    each. This one parses it once."""

    @cached_property
    def _private_key(self):
        return serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        try:
            algorithm = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        except ValueError:
            algorithm = ""
        if algorithm != "rsassa_pkcs1v15":  # PSS, EC: pyHanko's own way
            return super().sign_raw(data, digest_algorithm)
        return self._private_key.sign(
            data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm)
        )


@lru_cache(maxsize=2)
def _signer(path: str, password: bytes, modified: float) -> signers.SimpleSigner:
    loaded = signers.SimpleSigner.load_pkcs12(path, passphrase=password or None)
    if loaded is None:
        raise RuntimeError(f"cannot read the signing certificate {path}")
    return _KeptKeySigner(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
    )


def signer() -> signers.SimpleSigner:
    path, password = _path_and_password()
    return _signer(str(path), password, path.stat().st_mtime)


def sign_pdf(pdf: bytes, *, name: str, reason: str) -> bytes:
    """The PDF with a PAdES baseline signature over all of it."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name="YijiReport",
        name=name,
        reason=reason,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    out = signers.sign_pdf(writer, metadata, signer=signer())
    return out.getvalue()
