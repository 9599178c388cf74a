"""Exported clips in the media browser: by camera, then by date.

The clips are the files ``export_clip`` wrote (``clip_storage.py``); they
play through the media source's own file view of HA's media directory, so
nothing is served here. Titles come from the loaded hubs (camera and hub
names), falling back to the folder names for hubs that are gone.
"""

from __future__ import annotations

from pathlib import Path
from typing import override

from homeassistant.components.media_player.const import MediaClass, MediaType
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.components.media_source import (
    BrowseMediaSource,
    MediaSource,
    MediaSourceItem,
    PlayMedia,
    Unresolvable,
)
from homeassistant.core import HomeAssistant

from .clip_storage import (
    CLIPS_DIR,
    ClipLocation,
    camera_folder,
    clip_title,
    hub_folder,
    is_clip,
    is_day,
    is_slug,
    media_root,
)
from .const import DOMAIN
from .coordinator import AlarmHubConfigEntry

MIME_TYPE = "video/mp4"


async def async_get_media_source(hass: HomeAssistant) -> AlarmHubMediaSource:
    """Set up the AlarmHub media source."""
    return AlarmHubMediaSource(hass)


def _folders(path: Path) -> list[str]:
    """Return the names of ``path``'s visible sub folders (none if missing)."""
    try:
        return sorted(
            child.name
            for child in path.iterdir()
            if child.is_dir() and not child.name.startswith(".")
        )
    except OSError:
        return []


def _clips(path: Path) -> list[str]:
    """Return the names of the finished clips in ``path`` (none if missing)."""
    try:
        return sorted(
            child.name
            for child in path.iterdir()
            if child.is_file() and is_clip(child.name)
        )
    except OSError:
        return []


class AlarmHubMediaSource(MediaSource):
    """Clips exported from AlarmHub cameras."""

    name = "AlarmHub"

    def __init__(self, hass: HomeAssistant) -> None:
        """Serve the clips in HA's media directory."""
        super().__init__(DOMAIN)
        self.hass = hass

    def _names(self) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
        """Return hub names by folder, and camera names by (hub, camera) folder."""
        hubs: dict[str, str] = {}
        cameras: dict[tuple[str, str], str] = {}
        entry: AlarmHubConfigEntry
        for entry in self.hass.config_entries.async_loaded_entries(DOMAIN):
            coordinator = entry.runtime_data
            hub = hub_folder(coordinator.info.serial)
            hubs[hub] = coordinator.info.name
            for camera in coordinator.data.cameras.values():
                cameras[hub, camera_folder(camera)] = camera.name
        return hubs, cameras

    @override
    async def async_resolve_media(self, item: MediaSourceItem) -> PlayMedia:
        """Return the URL of a clip on the media directory's file view."""
        location = ClipLocation.parse(item.identifier)
        found = media_root(self.hass)
        if location is None:
            raise Unresolvable(
                translation_domain=DOMAIN,
                translation_key="clip_unknown",
                translation_placeholders={"identifier": item.identifier},
            )
        if found is None:
            raise Unresolvable(
                translation_domain=DOMAIN, translation_key="no_media_dir"
            )
        key, root = found
        path = root / location.relative
        if not await self.hass.async_add_executor_job(path.is_file):
            raise Unresolvable(
                translation_domain=DOMAIN,
                translation_key="clip_gone",
                translation_placeholders={"identifier": item.identifier},
            )
        url = f"/media/{key}/{CLIPS_DIR}/{location.identifier}"
        return PlayMedia(url, MIME_TYPE, path=path)

    @override
    async def async_browse_media(self, item: MediaSourceItem) -> BrowseMediaSource:
        """Browse cameras, then dates, then clips."""
        found = media_root(self.hass)
        if found is None:
            raise BrowseError(translation_domain=DOMAIN, translation_key="no_media_dir")
        _, root = found
        parts = item.identifier.split("/") if item.identifier else []
        if (
            len(parts) not in (0, 2, 3)
            or not all(map(is_slug, parts[:2]))
            or (len(parts) == 3 and not is_day(parts[2]))
        ):
            raise BrowseError(
                translation_domain=DOMAIN,
                translation_key="clip_folder_unknown",
                translation_placeholders={"identifier": item.identifier},
            )
        hubs, cameras = self._names()
        if not parts:
            return await self._browse_root(root, hubs, cameras)
        hub, camera = parts[0], parts[1]
        title = cameras.get((hub, camera), camera)
        if len(parts) == 2:
            days = await self.hass.async_add_executor_job(_folders, root / hub / camera)
            return self._node(
                f"{hub}/{camera}",
                title,
                [
                    self._node(f"{hub}/{camera}/{day}", day, None)
                    for day in reversed(days)
                    if is_day(day)
                ],
            )
        day = parts[2]
        clips = await self.hass.async_add_executor_job(
            _clips, root / hub / camera / day
        )
        return self._node(
            f"{hub}/{camera}/{day}",
            f"{title} {day}",
            [self._clip(f"{hub}/{camera}/{day}/{clip}", clip) for clip in clips],
        )

    async def _browse_root(
        self,
        root: Path,
        hubs: dict[str, str],
        cameras: dict[tuple[str, str], str],
    ) -> BrowseMediaSource:
        def scan() -> list[tuple[str, str]]:
            return [
                (hub, camera)
                for hub in _folders(root)
                if is_slug(hub)
                for camera in _folders(root / hub)
                if is_slug(camera)
            ]

        found = await self.hass.async_add_executor_job(scan)
        several_hubs = len({hub for hub, _ in found}) > 1
        children = []
        for hub, camera in found:
            title = cameras.get((hub, camera), camera)
            if several_hubs:
                title = f"{hubs.get(hub, hub)}: {title}"
            children.append(self._node(f"{hub}/{camera}", title, None))
        children.sort(key=lambda child: child.title)
        return self._node("", self.name or DOMAIN, children)

    def _node(
        self, identifier: str, title: str, children: list[BrowseMediaSource] | None
    ) -> BrowseMediaSource:
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=identifier or None,
            media_class=MediaClass.DIRECTORY,
            media_content_type=MediaType.VIDEO,
            title=title,
            can_play=False,
            can_expand=True,
            children=children,
            children_media_class=MediaClass.VIDEO
            if identifier.count("/") == 2
            else MediaClass.DIRECTORY,
        )

    def _clip(self, identifier: str, file: str) -> BrowseMediaSource:
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=identifier,
            media_class=MediaClass.VIDEO,
            media_content_type=MIME_TYPE,
            title=clip_title(file),
            can_play=True,
            can_expand=False,
        )
