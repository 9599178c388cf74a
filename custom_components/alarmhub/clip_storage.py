"""Where exported clips live: a folder of HA's media directories.

Layout, under the ``local`` media directory (or the first one configured)::

    alarmhub/<hub serial>/<camera>/<YYYY-MM-DD>/<camera>_<HH-MM-SS>_<length>s.mp4

Every part is made here from slugs and formatted times, never taken from a
name as given, so no name can climb out of the folder; the media source
(``media_source.py``) parses identifiers back with :meth:`ClipLocation.parse`,
which accepts only what this module makes. Dates and times are Home
Assistant's local time of the clip's start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
import re
from typing import Final, Self

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util, slugify

from .const import DOMAIN
from .panels.hub.recorders import format_length
from .panels.models import Camera

CLIPS_DIR: Final = "alarmhub"
PREFERRED_MEDIA_DIR: Final = "local"
MEDIA_SOURCE_PREFIX: Final = f"media-source://{DOMAIN}"

_SLUG: Final = re.compile(r"[a-z0-9_]+")
_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_FILE: Final = re.compile(
    r"(?P<camera>[a-z0-9_]+)_(?P<time>\d{2}-\d{2}-\d{2})_(?P<length>\d+)s\.mp4"
)


def media_root(hass: HomeAssistant) -> tuple[str, Path] | None:
    """Return the media directory's key and the clips folder in it."""
    dirs = hass.config.media_dirs
    if not dirs:
        return None
    key = PREFERRED_MEDIA_DIR if PREFERRED_MEDIA_DIR in dirs else next(iter(dirs))
    return key, Path(dirs[key]) / CLIPS_DIR


def hub_folder(serial: str) -> str:
    """Return the folder of a hub's clips."""
    return slugify(serial) or "hub"


def camera_folder(camera: Camera) -> str:
    """Return the folder (and file name prefix) of a camera's clips."""
    return slugify(f"{camera.name} {camera.id}") or "camera"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClipLocation:
    """Where one exported clip is, relative to the clips folder."""

    hub: str
    camera: str
    day: str
    file: str

    @classmethod
    def for_clip(
        cls, serial: str, camera: Camera, start: datetime, length: int
    ) -> Self:
        """Return where a clip of ``camera`` from ``start`` goes."""
        local = dt_util.as_local(start)
        folder = camera_folder(camera)
        return cls(
            hub=hub_folder(serial),
            camera=folder,
            day=local.strftime("%Y-%m-%d"),
            file=f"{folder}_{local.strftime('%H-%M-%S')}_{length}s.mp4",
        )

    @classmethod
    def parse(cls, identifier: str) -> Self | None:
        """Return the location an identifier names, or None if it names none."""
        parts = identifier.split("/")
        if len(parts) != 4:
            return None
        hub, camera, day, file = parts
        if not (
            _SLUG.fullmatch(hub)
            and _SLUG.fullmatch(camera)
            and _DAY.fullmatch(day)
            and _FILE.fullmatch(file)
        ):
            return None
        return cls(hub=hub, camera=camera, day=day, file=file)

    @property
    def relative(self) -> PurePosixPath:
        """Return the path below the clips folder."""
        return PurePosixPath(self.hub, self.camera, self.day, self.file)

    @property
    def identifier(self) -> str:
        """Return the media source identifier."""
        return str(self.relative)

    @property
    def media_source_id(self) -> str:
        """Return the media source id of the clip."""
        return f"{MEDIA_SOURCE_PREFIX}/{self.identifier}"


def clip_title(file: str) -> str:
    """Return ``HH:MM:SS (length)`` for a clip's file name."""
    match = _FILE.fullmatch(file)
    if match is None:
        return file
    length = format_length(int(match["length"]))
    return f"{match['time'].replace('-', ':')} ({length})"


def is_slug(name: str) -> bool:
    """Return True for a folder name this module could have made."""
    return _SLUG.fullmatch(name) is not None


def is_day(name: str) -> bool:
    """Return True for a day folder's name."""
    return _DAY.fullmatch(name) is not None


def is_clip(name: str) -> bool:
    """Return True for a finished clip's file name (not a temporary one)."""
    return _FILE.fullmatch(name) is not None
