"""TLS for the simulator: a self-signed certificate, made once per hub.

A real hub makes its key pair at the factory and keeps it; clients cannot
check it against a CA, so they pin its SHA-256 fingerprint the first time
they connect (and the user compares it with the one the hub shows). The
simulator does the same: ``--tls`` makes ``<serial>.pem`` / ``<serial>.key``
in a folder once and serves ``wss://`` with them from then on, so a pinned
fingerprint stays valid across restarts; delete the files for a "new" hub.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import ipaddress
from pathlib import Path
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from custom_components.alarmhub.panels.hub.transports import certificate_fingerprint

VALID_DAYS = 3650


def make_certificate(serial: str) -> tuple[bytes, bytes]:
    """Return a new self-signed certificate and its private key, as PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "AlarmHub simulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, serial),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=VALID_DAYS))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName(f"alarmhub-{serial.lower()}.local"),
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def ensure_certificate(directory: Path, serial: str) -> tuple[Path, Path]:
    """Return the hub's certificate and key files, making them the first time."""
    cert, key = directory / f"{serial}.pem", directory / f"{serial}.key"
    if not (cert.exists() and key.exists()):
        directory.mkdir(parents=True, exist_ok=True)
        cert_pem, key_pem = make_certificate(serial)
        key.touch(mode=0o600)
        key.write_bytes(key_pem)
        cert.write_bytes(cert_pem)
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """Return a TLS server context that presents ``cert``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


def fingerprint(cert: Path) -> str:
    """Return the SHA-256 fingerprint of a PEM certificate file, as HA shows it."""
    der = x509.load_pem_x509_certificate(cert.read_bytes()).public_bytes(
        serialization.Encoding.DER
    )
    return certificate_fingerprint(der)
