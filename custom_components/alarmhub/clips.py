"""The ``export_clip`` action: a clip of a camera's recordings, kept or uploaded.

``alarmhub.export_clip`` (``camera``: an AlarmHub camera entity, ``start``,
``length`` in seconds, ``destination``: ``download`` or ``upload``) returns
what it made. Lengths are checked against the recorder's model
(:mod:`.hub.recorders`, the same table the hub uses) before the hub is asked.

* ``download`` fetches the clip from the hub's HTTP port into a hidden work
  folder next to its final place under HA's media directory, written once as
  it arrives, and renames it into place (when the recorder timed out and it
  came in pieces, ffmpeg joins them first, by stream copy); the answer holds
  its path and media source id. Nothing is left behind when it fails.
* ``upload`` has the recorder send the clip to the account's cloud store; the
  answer holds the store's new counters (also shown by the cloud sensors).

Each export runs as a background task of the config entry (so a caller
that stops waiting does not stop it), at most
:data:`MAX_EXPORTS_PER_RECORDER` at a time per recorder, and announces
itself on the bus: ``alarmhub_clip_progress`` while a download arrives and
``alarmhub_clip_done`` (``success``, and the ``error`` key when it failed) at
the end.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
import os
from pathlib import Path
import shutil
import tempfile
from typing import Any, Final

from homeassistant.components.ffmpeg import get_ffmpeg_manager
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.helpers.service import async_register_admin_service
from homeassistant.util import dt as dt_util
from homeassistant.util.ulid import ulid_now
import probatio as vol

from .clip_errors import translate_clip_error, validate_length
from .clip_storage import ClipLocation, media_root
from .const import DOMAIN
from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator
from .panels.base import Capability
from .panels.hub import AlarmHubError
from .panels.hub.clips import (
    can_fetch_files,
    download_clip,
    join_clips,
    upload_clip,
)
from .panels.hub.recorders import Destination
from .panels.models import Camera, Recorder

SERVICE_EXPORT_CLIP: Final = "export_clip"
ATTR_CAMERA: Final = "camera"
ATTR_START: Final = "start"
ATTR_LENGTH: Final = "length"
ATTR_DESTINATION: Final = "destination"
EVENT_CLIP_PROGRESS: Final = f"{DOMAIN}_clip_progress"
EVENT_CLIP_DONE: Final = f"{DOMAIN}_clip_done"
#: Exports one recorder works on at once; more wait their turn.
MAX_EXPORTS_PER_RECORDER: Final = 2
#: Progress events come at most every this many percent.
PROGRESS_STEP: Final = 10

EXPORT_CLIP_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CAMERA): cv.entity_id,
        vol.Required(ATTR_START): cv.datetime,
        # Any positive length: the recorder's model decides, and a refusal
        # names the model and its lengths (validate_length), not HA's
        # generic "value must be one of" (a bare 400 over REST).
        vol.Required(ATTR_LENGTH): vol.All(vol.Coerce(int), vol.Range(min=1)),
        vol.Optional(ATTR_DESTINATION, default=Destination.DOWNLOAD.value): vol.In(
            [destination.value for destination in Destination]
        ),
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClipJob:
    """One export, checked and ready to run."""

    entity_id: str
    coordinator: AlarmHubCoordinator
    camera: Camera
    recorder: Recorder
    start: datetime
    length: int
    destination: Destination
    export_id: str = field(default_factory=ulid_now)

    def event_data(self) -> dict[str, Any]:
        """Return what every event and the answer say about the export."""
        return {
            "config_entry_id": self.coordinator.config_entry.entry_id,
            "export_id": self.export_id,
            "entity_id": self.entity_id,
            "camera": self.camera.name,
            "destination": self.destination.value,
            "start": self.start.isoformat(),
            "length": self.length,
        }


def _unknown_camera(entity_id: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="unknown_camera",
        translation_placeholders={"entity_id": entity_id},
    )


def resolve_job(hass: HomeAssistant, call: ServiceCall) -> ClipJob:
    """Return the export a call asks for, or say what is wrong with it."""
    entity_id: str = call.data[ATTR_CAMERA]
    entity = er.async_get(hass).async_get(entity_id)
    if (
        entity is None
        or entity.platform != DOMAIN
        or entity.domain != Platform.CAMERA
        or entity.config_entry_id is None
    ):
        raise _unknown_camera(entity_id)
    entry: AlarmHubConfigEntry | None = hass.config_entries.async_get_entry(
        entity.config_entry_id
    )
    if entry is None or entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="hub_not_loaded",
            translation_placeholders={"name": entry.title if entry else entity_id},
        )
    coordinator = entry.runtime_data
    camera_id = entity.unique_id.removeprefix(f"{coordinator.info.serial}_camera_")
    camera = coordinator.data.cameras.get(camera_id)
    if camera is None:
        raise _unknown_camera(entity_id)
    recorder = coordinator.data.recorders.get(camera.recorder)
    if recorder is None:
        raise _unknown_camera(entity_id)
    start: datetime = call.data[ATTR_START]
    if start.tzinfo is None:
        start = start.replace(tzinfo=dt_util.get_default_time_zone())
    job = ClipJob(
        entity_id=entity_id,
        coordinator=coordinator,
        camera=camera,
        recorder=recorder,
        start=dt_util.as_utc(start).replace(microsecond=0),
        length=call.data[ATTR_LENGTH],
        destination=Destination(call.data[ATTR_DESTINATION]),
    )
    validate_length(recorder, camera, job.length, job.destination)
    if job.destination is Destination.DOWNLOAD and not can_fetch_files(
        coordinator.hub_client(Capability.CLIPS)
    ):
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="download_needs_network"
        )
    return job


def _make_workdir(dest: Path) -> Path:
    """Create the clip's folder and a hidden work folder in it."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    return Path(
        tempfile.mkdtemp(prefix=f".{dest.stem}.", suffix=".part", dir=dest.parent)
    )


def _clean_up(workdir: Path, dest: Path, root: Path, *, keep: bool) -> None:
    """Remove the work folder; after a failure, the empty folders up to ``root``."""
    shutil.rmtree(workdir, ignore_errors=True)
    if keep:
        return
    folder = dest.parent
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


class ClipExporter:
    """Runs one hub's exports: a few at a time per recorder."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Start with no exports running."""
        self.hass = hass
        self._slots: dict[str, asyncio.Semaphore] = {}

    def _slot(self, recorder_id: str) -> asyncio.Semaphore:
        return self._slots.setdefault(
            recorder_id, asyncio.Semaphore(MAX_EXPORTS_PER_RECORDER)
        )

    async def run(self, job: ClipJob) -> dict[str, Any]:
        """Run an export when its recorder has room; announce how it ended."""
        bus = self.hass.bus
        try:
            async with self._slot(job.recorder.id):
                if job.destination is Destination.DOWNLOAD:
                    result = await self._download(job)
                else:
                    result = await self._upload(job)
        except AlarmHubError as err:
            error = translate_clip_error(
                err, job.camera, job.recorder, job.length, job.destination
            )
            bus.async_fire(EVENT_CLIP_DONE, _failure(job, error))
            raise error from err
        except HomeAssistantError as err:
            bus.async_fire(EVENT_CLIP_DONE, _failure(job, err))
            raise
        except OSError as err:
            error = HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="clip_write_failed",
                translation_placeholders={"error": err.strerror or type(err).__name__},
            )
            bus.async_fire(EVENT_CLIP_DONE, _failure(job, error))
            raise error from err
        response = {**job.event_data(), **result}
        bus.async_fire(EVENT_CLIP_DONE, {**response, "success": True})
        return response

    async def _download(self, job: ClipJob) -> dict[str, Any]:
        hass = self.hass
        if (found := media_root(hass)) is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="no_media_dir"
            )
        _, root = found
        location = ClipLocation.for_clip(
            job.coordinator.info.serial, job.camera, job.start, job.length
        )
        dest = root / location.relative
        if not hass.config.is_allowed_path(str(dest)):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="media_dir_not_allowed",
                translation_placeholders={"path": str(root)},
            )
        if await hass.async_add_executor_job(dest.is_file):
            # The same camera, start and length: the same footage, exported
            # before. Kept (never overwritten), and the answer says so.
            return {
                "path": str(dest),
                "media_source_id": location.media_source_id,
                "size": await hass.async_add_executor_job(os.path.getsize, dest),
                "pieces": 0,
                "already_exported": True,
            }
        reported = -PROGRESS_STEP

        def progress(seconds: float) -> None:
            nonlocal reported
            percent = int(seconds * 100 / job.length)
            if percent >= reported + PROGRESS_STEP or percent == 100 > reported:
                reported = percent
                hass.bus.async_fire(
                    EVENT_CLIP_PROGRESS,
                    {**job.event_data(), "percent": percent, "seconds": round(seconds)},
                )

        workdir = await hass.async_add_executor_job(_make_workdir, dest)
        done = False
        try:
            client = job.coordinator.hub_client(Capability.CLIPS)
            parts = await download_clip(
                client,
                job.camera.id,
                job.start,
                job.length,
                workdir,
                on_progress=progress,
            )
            joined = parts[0]
            if len(parts) > 1:
                joined = workdir / "clip.mp4"
                await join_clips(get_ffmpeg_manager(hass).binary, parts, joined)
            # else the hub's clip, whole, is kept as it came: rewriting it,
            # even only to move its index up front, would be a second pass
            # over the file (players find the index wherever it is).
            size = await hass.async_add_executor_job(os.path.getsize, joined)
            await hass.async_add_executor_job(os.replace, joined, dest)
            done = True
        finally:
            await hass.async_add_executor_job(
                lambda: _clean_up(workdir, dest, root.parent, keep=done)
            )
        return {
            "path": str(dest),
            "media_source_id": location.media_source_id,
            "size": size,
            "pieces": len(parts),
            "already_exported": False,
        }

    async def _upload(self, job: ClipJob) -> dict[str, Any]:
        clip, cloud = await upload_clip(
            job.coordinator.hub_client(Capability.CLIPS),
            job.camera.id,
            job.start,
            job.length,
        )
        return {
            "clip_id": clip.id,
            "size": clip.size,
            "cloud": {
                "uploads": cloud.uploads,
                "upload_limit": cloud.upload_limit,
                "storage_used": cloud.storage_used,
                "storage_limit": cloud.storage_limit,
            },
        }


def _failure(job: ClipJob, err: HomeAssistantError) -> dict[str, Any]:
    return {
        **job.event_data(),
        "success": False,
        "error": err.translation_key,
        "message": str(err),
    }


async def _async_export_clip(call: ServiceCall) -> ServiceResponse:
    """Run an export in the background and wait for its answer."""
    hass = call.hass
    job = resolve_job(hass, call)
    entry = job.coordinator.config_entry
    task = entry.async_create_background_task(
        hass,
        job.coordinator.clips.run(job),
        name=f"{DOMAIN} clip export {job.export_id}",
    )
    # The caller may stop waiting; the export goes on and says how it ended.
    task.add_done_callback(lambda done: done.cancelled() or done.exception())
    return await asyncio.shield(task)


@callback
def async_setup_clip_services(hass: HomeAssistant) -> None:
    """Register ``export_clip``: admin only, it spends disk and cloud quota."""
    async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_EXPORT_CLIP,
        _async_export_clip,
        schema=EXPORT_CLIP_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
