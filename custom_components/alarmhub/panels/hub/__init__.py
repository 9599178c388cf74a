"""Client library for AlarmHub security hubs (no Home Assistant imports)."""

from ..base import Backoff
from ..exceptions import (
    AlarmHubAuthError,
    AlarmHubCertificateError,
    AlarmHubConnectionError,
    AlarmHubError,
    AlarmHubNotSupportedError,
    AlarmHubProtocolError,
    AlarmHubRejectedError,
    AlarmHubTimeoutError,
)
from ..models import (
    ArmMode,
    ArmOption,
    CodeStatus,
    HubInfo,
    HubState,
    Lock,
    LockState,
    LockSyncState,
    Partition,
    PartitionState,
    User,
    Zone,
    ZoneType,
)
from .client import AlarmHubClient
from .serial import SerialTransport
from .transports import Transport, WebSocketTransport

__all__ = [
    "AlarmHubAuthError",
    "AlarmHubCertificateError",
    "AlarmHubClient",
    "AlarmHubConnectionError",
    "AlarmHubError",
    "AlarmHubNotSupportedError",
    "AlarmHubProtocolError",
    "AlarmHubRejectedError",
    "AlarmHubTimeoutError",
    "ArmMode",
    "ArmOption",
    "Backoff",
    "CodeStatus",
    "HubInfo",
    "HubState",
    "Lock",
    "LockState",
    "LockSyncState",
    "Partition",
    "PartitionState",
    "SerialTransport",
    "Transport",
    "User",
    "WebSocketTransport",
    "Zone",
    "ZoneType",
]
