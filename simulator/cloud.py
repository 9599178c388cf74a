"""The account's cloud clip store, as the recorders upload into it.

It keeps what each uploaded clip is and how big, and refuses an upload with
``quota_exceeded`` when the upload limit is reached (details ``limit:
uploads``) or the clip would not fit the storage limit (``limit: storage``,
with the clip's ``size``). The details also carry the store's counters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from custom_components.alarmhub.panels.hub.protocol import ErrorCode

from .panel import Rejection

CLOUD_ID: Final = "account"


@dataclass(slots=True, kw_only=True)
class CloudClip:
    """A clip in the cloud store."""

    id: str
    camera: str
    start: str
    length: int
    size: int


@dataclass(slots=True, kw_only=True)
class CloudStore:
    """The account's cloud clips, with its upload and storage limits."""

    upload_limit: int = 20
    storage_limit: int = 100 * 1024 * 1024
    clips: list[CloudClip] = field(default_factory=list)

    @property
    def storage_used(self) -> int:
        """Return the bytes the stored clips take."""
        return sum(clip.size for clip in self.clips)

    def view(self) -> dict[str, Any]:
        """Return the wire form."""
        return {
            "id": CLOUD_ID,
            "uploads": len(self.clips),
            "upload_limit": self.upload_limit,
            "storage_used": self.storage_used,
            "storage_limit": self.storage_limit,
        }

    def check_room(self, size: int) -> None:
        """Refuse unless one more clip of ``size`` bytes fits."""
        if len(self.clips) >= self.upload_limit:
            raise Rejection(
                ErrorCode.QUOTA_EXCEEDED,
                "the account's clip upload limit is reached",
                {"limit": "uploads", **self.view()},
            )
        if self.storage_used + size > self.storage_limit:
            raise Rejection(
                ErrorCode.QUOTA_EXCEEDED,
                "the account's clip storage is full",
                {"limit": "storage", "size": size, **self.view()},
            )
