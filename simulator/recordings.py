"""Saved recordings of the simulated Stream Video Recorders, made on demand.

Every recorder keeps the same window of continuous recording, ending at the
whole minute before the hub started. Each camera shows one of the
:class:`~simulator.media.VideoPattern` test patterns; cameras with the same
pattern share one file. A file is made with :func:`simulator.media.make_recording`
the first time a clip or the live view needs it, into a cache directory
whose file names say everything that went into them (window, size, rate,
pattern), so a cache can be shared by hubs, test sessions and demo runs.

The site's optional ``recordings`` section sets the window and the picture::

    recordings:
      seconds: 1200          # the window (at least 15 minutes for long clips)
      size: 320x180
      fps: 10
      cache_dir: /tmp/...    # default: <tmp>/alarmhub-simulator-recordings
      source: /path/rec.mp4  # optional: a recording made elsewhere, for every
                             # camera (the bench's realistic 1080p file); it
                             # must last ``seconds`` and has no clock strip
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import math
import os
from pathlib import Path
import secrets
import tempfile
from typing import Any, Final

from . import media
from .media import VideoPattern

DEFAULT_CACHE_DIR: Final = Path(tempfile.gettempdir()) / "alarmhub-simulator-recordings"
#: Long enough for the longest clip (15 min) with room on both sides.
DEFAULT_SECONDS: Final = 1200


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordingSettings:
    """How recordings are made and where they are kept."""

    seconds: int = DEFAULT_SECONDS
    size: str = "320x180"
    fps: int = 10
    cache_dir: Path = DEFAULT_CACHE_DIR
    source: Path | None = None

    @classmethod
    def from_site(cls, section: Mapping[str, Any] | None) -> RecordingSettings:
        """Read the site's ``recordings`` section (every key optional)."""
        section = section or {}
        return cls(
            seconds=int(section.get("seconds", DEFAULT_SECONDS)),
            size=str(section.get("size", "320x180")),
            fps=int(section.get("fps", 10)),
            cache_dir=Path(section.get("cache_dir", DEFAULT_CACHE_DIR)),
            source=Path(section["source"]) if section.get("source") else None,
        )


class RecordingStore:
    """One window of recordings per test pattern, made the first time asked."""

    def __init__(self, settings: RecordingSettings, now: float) -> None:
        """Keep the window that ends at the whole minute at or before ``now``."""
        end = math.floor(now / 60) * 60
        self.settings = settings
        self.end = datetime.fromtimestamp(end, UTC)
        self.start = self.end - timedelta(seconds=settings.seconds)
        self._locks: dict[VideoPattern, asyncio.Lock] = {}

    def covers(self, start: datetime, seconds: int) -> bool:
        """Return True when ``[start, start + seconds)`` was recorded."""
        return self.start <= start and start + timedelta(seconds=seconds) <= self.end

    def offset(self, moment: datetime) -> float:
        """Return how far into the recordings ``moment`` is, in seconds."""
        return (moment - self.start).total_seconds()

    def path(self, pattern: VideoPattern) -> Path:
        """Return where the recording of ``pattern`` is (or will be) kept."""
        s = self.settings
        name = (
            f"rec-{int(self.start.timestamp())}-{s.seconds}s-{s.size}-{s.fps}fps"
            f"-{VideoPattern(pattern).value}.mp4"
        )
        return s.cache_dir / name

    async def recording(self, pattern: VideoPattern) -> Path:
        """Return the recording of ``pattern``, making it first if needed."""
        if self.settings.source is not None:
            return self.settings.source
        path = self.path(pattern)
        lock = self._locks.setdefault(VideoPattern(pattern), asyncio.Lock())
        async with lock:
            if path.is_file():
                return path
            path.parent.mkdir(parents=True, exist_ok=True)
            # A unique name, so two hubs (or processes) making the same file
            # never write into each other; the last rename wins, and both
            # wrote the same thing.
            scratch = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.mp4")
            try:
                await media.make_recording(
                    scratch,
                    self.start,
                    self.settings.seconds,
                    size=self.settings.size,
                    fps=self.settings.fps,
                    pattern=pattern,
                )
                os.replace(scratch, path)
            finally:
                scratch.unlink(missing_ok=True)
        return path
