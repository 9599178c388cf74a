"""Exceptions raised by every panel client (the hub, the AlarmDecoder).

Messages never contain user codes or tokens: a rejection carries the hub's
error code, its reason and structured details, all chosen by the hub, which
never echoes a secret back.
"""

from __future__ import annotations

from enum import StrEnum
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


class ProtocolError(AlarmHubProtocolError):
    """Bytes or a message that do not follow the protocol."""


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


class ErrorCode(StrEnum):
    """Why a panel refused a request: the hub's error codes, shared by every panel."""

    AUTH_FAILED = "auth_failed"
    BAD_REQUEST = "bad_request"
    UNKNOWN_COMMAND = "unknown_command"
    NOT_FOUND = "not_found"
    ZONES_OPEN = "zones_open"
    INVALID_CODE = "invalid_code"
    LOCKED_OUT = "locked_out"
    SYSTEM_ARMED = "system_armed"
    NOT_SUPPORTED = "not_supported"
    #: A Vista restores bypassed zones only all at once, by disarming.
    BYPASS_BY_DISARM = "bypass_by_disarm"
    CODE_REJECTED = "code_rejected"
    CODE_PENDING = "code_pending"
    CODE_OUTSIDE_SCHEDULE = "code_outside_schedule"
    PAIRING_CLOSED = "pairing_closed"
    BUSY = "busy"
    TIMEOUT = "timeout"
    QUOTA_EXCEEDED = "quota_exceeded"
    NO_RECORDINGS = "no_recordings"
    OFFLINE = "offline"
    DISK_FULL = "disk_full"
    INVALID_PHONE = "invalid_phone"
    INTERNAL = "internal"
