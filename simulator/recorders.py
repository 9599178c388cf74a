"""Stream Video Recorders: cameras, clips, live view and the cloud clip store.

A site lists its recorders (with a model from
:mod:`custom_components.alarmhub.panels.hub.recorders`) and their cameras::

    recorders:
      - {id: svr1, name: Stream video recorder, model: ADC-CSVR2008P, serial: ...}
    cameras:
      - {id: "1", name: Driveway, recorder: svr1, pattern: smptebars}
    cloud: {upload_limit: 20, storage_limit: 104857600}   # bytes

Commands (``camera`` is a camera id, ``start`` an ISO 8601 time with its
offset, ``length`` whole seconds):

* ``camera_stream`` {camera} -> ``{path}``: the camera's live view, an MPEG-TS
  stream over HTTP on the hub's own port (a per-camera key in the path).
* ``clip_download`` {camera, start, length} -> ``{path, size, start, length}``:
  the recorder cuts the clip; ``path`` is a one-time URL path on the hub's
  HTTP port the client streams it from (never inside a protocol message).
* ``clip_upload`` {camera, start, length} -> ``{clip, cloud}``: the recorder
  sends the clip to the account's cloud store.
* ``cloud_status`` -> the store's counters and limits (also in ``get_state``
  as the ``clouds`` collection, id ``account``, and a ``cloud`` event).

Refusals: unknown camera ``not_found``; a length the model does not allow, or
an upload from a model that cannot upload, ``not_supported`` (details:
``model``, ``destination``, ``allowed``); recorder or camera offline
``offline``; range not recorded ``no_recordings`` (details ``first``/``last``);
slow recorder ``timeout``; disk full ``disk_full``; store full
``quota_exceeded`` (details ``limit``: ``uploads`` or ``storage``).

Tests and the admin API (``POST /admin/recorders/{id}``, ``/admin/cameras/{id}``)
drive faults through :func:`recorders_of`: ``set_slow`` makes a recorder time
out on every clip longer than a number of seconds.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
import os
from pathlib import Path
import secrets
import shutil
import tempfile
from typing import TYPE_CHECKING, Any, Final
import weakref

from custom_components.alarmhub.panels.hub.protocol import ErrorCode
from custom_components.alarmhub.panels.hub.recorders import (
    ClipLengthNotAllowed,
    Destination,
    RecorderModel,
    UploadIncompatible,
    check_length,
    get_model,
)

from . import media
from .clock import Timer
from .cloud import CloudClip, CloudStore
from .media import VideoPattern
from .panel import Rejection
from .recorder_http import RecorderHttp
from .recordings import RecordingSettings, RecordingStore

if TYPE_CHECKING:
    from .hub import Hub

#: Seconds a one-time download URL stays valid (hub clock).
DOWNLOAD_EXPIRES: Final = 300

_FEATURES: weakref.WeakKeyDictionary[Hub, Recorders] = weakref.WeakKeyDictionary()


@dataclass(slots=True, kw_only=True)
class SimRecorder:
    """A recorder and the faults a test may give it."""

    id: str
    name: str
    model: RecorderModel
    serial: str
    online: bool = True
    #: Clips longer than this many seconds time out (None: never).
    slow_limit: int | None = None
    disk_full: bool = False
    #: Clips have their index (``moov``) up front; False: at the end, as many
    #: recorders write them.
    faststart: bool = True

    def view(self) -> dict[str, Any]:
        """Return the wire form."""
        return {
            "id": self.id,
            "name": self.name,
            "model": self.model.model,
            "serial": self.serial,
            "online": self.online,
        }


@dataclass(slots=True, kw_only=True)
class SimCamera:
    """A camera on a recorder."""

    id: str
    name: str
    recorder: str
    pattern: VideoPattern = VideoPattern.SMPTEBARS
    online: bool = True
    live_key: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    def view(self) -> dict[str, Any]:
        """Return the wire form (never the live key)."""
        return {
            "id": self.id,
            "name": self.name,
            "recorder": self.recorder,
            "online": self.online,
        }


def _parse_start(value: object) -> datetime:
    if not isinstance(value, str):
        raise Rejection(ErrorCode.BAD_REQUEST, "start must be an ISO 8601 time")
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        raise Rejection(
            ErrorCode.BAD_REQUEST, "start is not an ISO 8601 time"
        ) from None
    if start.tzinfo is None:
        raise Rejection(ErrorCode.BAD_REQUEST, "start needs a UTC offset")
    return start


class Recorders:
    """The site's recorders, cameras, recordings and cloud store."""

    def __init__(self, hub: Hub) -> None:
        """Read the site's recorders, cameras and cloud limits."""
        self.hub = hub
        site = hub.site
        self.recorders = {
            str(r["id"]): SimRecorder(
                id=str(r["id"]),
                name=str(r["name"]),
                model=get_model(str(r["model"])),
                serial=str(r.get("serial", r["id"])),
                faststart=bool(r.get("faststart", True)),
            )
            for r in site.get("recorders") or []
        }
        self.cameras = {
            str(c["id"]): SimCamera(
                id=str(c["id"]),
                name=str(c["name"]),
                recorder=str(c["recorder"]),
                pattern=VideoPattern(c.get("pattern", VideoPattern.SMPTEBARS)),
            )
            for c in site.get("cameras") or []
        }
        for camera in self.cameras.values():
            if camera.recorder not in self.recorders:
                raise ValueError(f"camera {camera.id}: no recorder {camera.recorder!r}")
        #: The next this many clip transfers break off half-way (the HTTP
        #: connection closes; the hub itself stays up).
        self.cut_transfers = 0
        cloud = site.get("cloud") or {}
        self.cloud = CloudStore(
            upload_limit=int(cloud.get("upload_limit", 20)),
            storage_limit=int(cloud.get("storage_limit", 100 * 1024 * 1024)),
        )
        self.store = RecordingStore(
            RecordingSettings.from_site(site.get("recordings")), hub.clock.time()
        )
        self._outbox = Path(tempfile.mkdtemp(prefix="alarmhub-sim-clips-"))
        weakref.finalize(self, shutil.rmtree, self._outbox, True)
        self._downloads: dict[str, tuple[Path, Timer]] = {}

    # ----- state and test hooks ------------------------------------------

    def state(self) -> dict[str, list[dict[str, Any]]]:
        """Return the recorders, cameras and the cloud store for get_state."""
        return {
            "recorders": [r.view() for r in self.recorders.values()],
            "cameras": [c.view() for c in self.cameras.values()],
            "clouds": [self.cloud.view()],
        }

    def recorder(self, recorder_id: object) -> SimRecorder:
        """Return a recorder or refuse."""
        recorder = self.recorders.get(str(recorder_id))
        if recorder is None:
            raise Rejection(ErrorCode.NOT_FOUND, "no such recorder")
        return recorder

    def camera(self, camera_id: object) -> SimCamera:
        """Return a camera or refuse."""
        camera = self.cameras.get(str(camera_id))
        if camera is None:
            raise Rejection(ErrorCode.NOT_FOUND, "no such camera")
        return camera

    def set_slow(self, recorder_id: str, limit: int | None) -> None:
        """Make clips longer than ``limit`` seconds time out (None: never)."""
        self.recorder(recorder_id).slow_limit = limit

    def set_disk_full(self, recorder_id: str, full: bool) -> None:
        """Fill (or free) a recorder's disk."""
        self.recorder(recorder_id).disk_full = full

    def set_recorder_online(self, recorder_id: str, online: bool) -> None:
        """Take a recorder off line or bring it back."""
        recorder = self.recorder(recorder_id)
        if recorder.online != online:
            recorder.online = online
            self.hub.emit("recorder", recorder.view())

    def set_camera_online(self, camera_id: str, online: bool) -> None:
        """Take a camera off line or bring it back."""
        camera = self.camera(camera_id)
        if camera.online != online:
            camera.online = online
            self.hub.emit("camera", camera.view())

    @property
    def pending_downloads(self) -> int:
        """Return how many one-time download URLs are still unused."""
        return len(self._downloads)

    # ----- commands --------------------------------------------------------

    def _reachable(self, camera: SimCamera) -> SimRecorder:
        recorder = self.recorders[camera.recorder]
        if not recorder.online:
            raise Rejection(
                ErrorCode.OFFLINE,
                f"{recorder.name} is offline",
                {"recorder": recorder.name, "camera": camera.name},
            )
        if not camera.online:
            raise Rejection(
                ErrorCode.OFFLINE, f"{camera.name} is offline", {"camera": camera.name}
            )
        return recorder

    def _check(
        self, args: dict[str, Any], destination: Destination
    ) -> tuple[SimCamera, datetime, int]:
        """Check a clip request the way the recorder does, in the same order."""
        camera = self.camera(args.get("camera"))
        start = _parse_start(args.get("start"))
        length = args.get("length")
        if type(length) is not int:
            raise Rejection(ErrorCode.BAD_REQUEST, "length must be whole seconds")
        model = self.recorders[camera.recorder].model
        try:
            check_length(model, length, destination)
        except (UploadIncompatible, ClipLengthNotAllowed) as err:
            raise Rejection(
                ErrorCode.NOT_SUPPORTED,
                str(err),
                {
                    "model": model.model,
                    "destination": destination.value,
                    "allowed": list(model.lengths(destination)),
                },
            ) from None
        recorder = self._reachable(camera)
        if not self.store.covers(start, length):
            raise Rejection(
                ErrorCode.NO_RECORDINGS,
                "no recordings cover that range",
                {
                    "camera": camera.name,
                    "first": self.store.start.isoformat(),
                    "last": self.store.end.isoformat(),
                },
            )
        if recorder.slow_limit is not None and length > recorder.slow_limit:
            raise Rejection(
                ErrorCode.TIMEOUT,
                f"{recorder.name} timed out preparing the clip",
                {"recorder": recorder.name},
            )
        if recorder.disk_full:
            raise Rejection(
                ErrorCode.DISK_FULL,
                f"{recorder.name} has no room to prepare the clip",
                {"recorder": recorder.name},
            )
        return camera, start, length

    async def _cut(
        self, camera: SimCamera, start: datetime, length: int, dest: Path
    ) -> int:
        """Cut a checked clip out of the recordings into ``dest``; return its size."""
        source = await self.store.recording(camera.pattern)
        try:
            await media.cut_clip(
                source,
                self.store.start,
                start,
                length,
                dest,
                faststart=self.recorders[camera.recorder].faststart,
            )
        except media.MediaError as err:
            raise Rejection(ErrorCode.INTERNAL, "the recorder failed") from err
        return await asyncio.to_thread(os.path.getsize, dest)

    async def camera_stream(self, args: dict[str, Any]) -> dict[str, Any]:
        """Return the path of a camera's live view."""
        camera = self.camera(args.get("camera"))
        self._reachable(camera)
        return {"path": f"/cameras/{camera.id}/live/{camera.live_key}"}

    async def clip_download(self, args: dict[str, Any]) -> dict[str, Any]:
        """Cut a clip and hand out a one-time URL path to fetch it from."""
        camera, start, length = self._check(args, Destination.DOWNLOAD)
        key = secrets.token_urlsafe(24)
        size = await self._cut(camera, start, length, self._outbox / f"{key}.mp4")
        timer = self.hub.clock.call_later(DOWNLOAD_EXPIRES, lambda: self._expire(key))
        self._downloads[key] = (self._outbox / f"{key}.mp4", timer)
        return {
            "path": f"/clips/{key}",
            "size": size,
            "start": start.isoformat(),
            "length": length,
            "expires_in": DOWNLOAD_EXPIRES,
        }

    def _expire(self, key: str) -> None:
        entry = self._downloads.pop(key, None)
        if entry is not None:
            entry[0].unlink(missing_ok=True)

    def take_download(self, key: str) -> Path | None:
        """Return a prepared clip's file and forget its URL (one use only)."""
        entry = self._downloads.pop(key, None)
        if entry is None:
            return None
        entry[1].cancel()
        return entry[0]

    async def clip_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        """Cut a clip and put it in the cloud store, within its limits."""
        camera, start, length = self._check(args, Destination.UPLOAD)
        self.cloud.check_room(0)
        dest = self._outbox / f"upload-{secrets.token_hex(8)}.mp4"
        try:
            size = await self._cut(camera, start, length, dest)
        finally:
            dest.unlink(missing_ok=True)
        self.cloud.check_room(size)  # again: another upload may have finished
        cloud = self.cloud
        clip = CloudClip(
            id=secrets.token_hex(6),
            camera=camera.id,
            start=start.isoformat(),
            length=length,
            size=size,
        )
        cloud.clips.append(clip)
        view = cloud.view()
        self.hub.emit("cloud", view)
        return {
            "clip": {
                "id": clip.id,
                "camera": clip.camera,
                "start": clip.start,
                "length": clip.length,
                "size": clip.size,
            },
            "cloud": view,
        }

    async def cloud_status(self, args: dict[str, Any]) -> dict[str, Any]:
        """Return the cloud store's counters and limits."""
        del args
        return self.cloud.view()


def recorders_of(hub: Hub) -> Recorders:
    """Return a hub's recorders feature (for tests and the admin API)."""
    return _FEATURES[hub]


def install(hub: Hub) -> None:
    """Serve the site's recorders and cameras, if it has any."""
    if not hub.site.get("recorders"):
        return
    feature = Recorders(hub)
    _FEATURES[hub] = feature
    hub.commands.update(
        camera_stream=feature.camera_stream,
        clip_download=feature.clip_download,
        clip_upload=feature.clip_upload,
        cloud_status=feature.cloud_status,
    )
    hub.state_sources.append(feature.state)
    hub.http_routes.extend(RecorderHttp(feature).routes())
