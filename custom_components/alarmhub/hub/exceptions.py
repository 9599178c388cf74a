"""Exceptions raised by the AlarmHub client.

Messages never contain user codes or tokens: a rejection carries the hub's
error code, its reason and structured details, all chosen by the hub, which
never echoes a secret back.
"""

from __future__ import annotations

from typing import Any


class AlarmHubError(Exception):
    """Base class for every AlarmHub client error."""


class AlarmHubConnectionError(AlarmHubError):
    """The hub cannot be reached, or the connection was lost."""


class AlarmHubTimeoutError(AlarmHubConnectionError):
    """The hub did not answer in time."""


class AlarmHubCertificateError(AlarmHubConnectionError):
    """The hub's TLS certificate is not the one pinned at set-up."""


class AlarmHubNotSupportedError(AlarmHubError):
    """The connection cannot do this (e.g. fetch files over a serial line)."""


class AlarmHubAuthError(AlarmHubError):
    """The hub refused the token."""


class AlarmHubProtocolError(AlarmHubError):
    """The hub sent something that does not follow the protocol."""


class AlarmHubRejectedError(AlarmHubError):
    """The hub understood the request and refused it, with a reason."""

    def __init__(
        self, code: str, reason: str, details: dict[str, Any] | None = None
    ) -> None:
        """Keep the hub's error code, reason and details."""
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
        self.details = details or {}
