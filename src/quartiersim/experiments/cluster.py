"""Talking to a Dask cluster safely: TLS with the cluster's certificate.

Whoever can talk to a Dask scheduler can run any code on its workers. On one machine the
scheduler and workers listen on 127.0.0.1 only; on a real cluster, which must listen on the
network, every connection is TLS and both sides show a certificate signed by the cluster's own
certificate authority — a scheduler, worker or client without the cluster's key is refused.
This is Dask's own security (:class:`distributed.security.Security`), set up with the same three
files as ``dask scheduler`` and ``dask worker`` take: ``--tls-ca-file``, ``--tls-cert``,
``--tls-key``. The files are made once by the command in docs/researchers.md (one self-signed
certificate that is its own authority, and its key) and copied to every machine.

Without the flags, the client falls back to Dask's configuration
(``distributed.comm.tls.ca-file``, ``distributed.comm.tls.client.cert``/``key``, e.g. from the
environment variables ``DASK_DISTRIBUTED__COMM__TLS__CA_FILE`` and so on), as ``dask`` itself
does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from quartiersim.errors import UsageError


@dataclass(frozen=True)
class TLSFiles:
    """The cluster's certificate authority, this machine's certificate and its private key
    (PEM files; with the documented set-up the first two are the same file)."""

    ca_file: str | None = None
    cert: str | None = None
    key: str | None = None

    def given(self) -> bool:
        return any((self.ca_file, self.cert, self.key))


def protocol(address: str) -> str:
    """``tls`` for ``tls://host:port``; ``tcp`` for a plain or ``tcp://`` address."""
    return address.split("://", 1)[0] if "://" in address else "tcp"


def _check_file(flag: str, path: str) -> str:
    if not os.path.isfile(path):
        raise UsageError(f"{flag} {path}: no such file")
    if not os.access(path, os.R_OK):
        raise UsageError(f"{flag} {path}: cannot read it (permissions?)")
    return path


def security_for(address: str, files: TLSFiles | None = None) -> Any:
    """The :class:`distributed.security.Security` for a client of the scheduler at
    ``address``; ``None`` for a plain TCP address without TLS files.

    Raises :class:`UsageError` for TLS files with a ``tcp://`` address (they would be ignored,
    and the connection would be unencrypted), for an incomplete set of files, for files that
    cannot be read, and for a ``tls://`` address without a certificate.
    """
    files = files or TLSFiles()
    scheme = protocol(address)
    if scheme != "tls":
        if files.given():
            raise UsageError(
                f"--scheduler {address}: the TLS files need a tls:// address "
                f"(tls://{address.split('://')[-1]})"
            )
        return None
    from distributed.security import Security

    if files.given():
        missing = [
            flag
            for flag, value in (
                ("--tls-ca-file", files.ca_file),
                ("--tls-cert", files.cert),
                ("--tls-key", files.key),
            )
            if not value
        ]
        if missing:
            raise UsageError(
                f"--scheduler {address}: TLS needs all three files; missing {', '.join(missing)}"
            )
        return Security(
            tls_ca_file=_check_file("--tls-ca-file", str(files.ca_file)),
            tls_client_cert=_check_file("--tls-cert", str(files.cert)),
            tls_client_key=_check_file("--tls-key", str(files.key)),
            require_encryption=True,
        )
    security = Security()  # Dask's configuration, if it names the files
    # Security sets its fields at run time, so its type hints do not name them
    if not getattr(security, "tls_ca_file", None) or not getattr(security, "tls_client_cert", None):
        raise UsageError(
            f"--scheduler {address} needs the cluster's certificate: add --tls-ca-file, "
            "--tls-cert and --tls-key (see 'Running on a Dask cluster' in docs/researchers.md)"
        )
    return security
