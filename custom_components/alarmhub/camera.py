"""Cameras: one per camera on a Stream Video Recorder, on the recorder's device.

Live view is the hub's MPEG-TS stream for the camera (``stream_source``, for
HA's ``stream`` integration); snapshots are one frame of it, taken with
ha-ffmpeg. Over a serial line there is no HTTP port, so neither is offered.
A camera is unavailable while it or its recorder is offline.
"""

from __future__ import annotations

from typing import override

from homeassistant.components import ffmpeg
from homeassistant.components.camera import Camera as CameraEntity
from homeassistant.components.camera.const import CameraEntityFeature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import LOGGER, MANUFACTURER
from .coordinator import ANY_ID, AlarmHubConfigEntry, AlarmHubCoordinator
from .entity import AlarmHubEntity, async_add_hub_entities, connected_device_info
from .panels.base import Capability
from .panels.hub import AlarmHubError
from .panels.hub.clips import can_fetch_files, live_stream_url
from .panels.models import Camera, Recorder

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AlarmHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a camera entity for every camera, now and when the hub adds one."""
    coordinator = entry.runtime_data
    async_add_hub_entities(
        entry,
        async_add_entities,
        # A camera shows up once the recorder it hangs off is known.
        lambda state: [
            key
            for key, camera in state.cameras.items()
            if camera.recorder in state.recorders
        ],
        lambda key: [AlarmHubCamera(coordinator, key)],
        kinds=frozenset({"camera", "recorder"}),
    )


class AlarmHubCamera(AlarmHubEntity, CameraEntity):
    """A camera, streamed and snapshotted through the hub."""

    _attr_brand = MANUFACTURER

    def __init__(self, coordinator: AlarmHubCoordinator, camera_id: str) -> None:
        """Show one camera on its recorder's device."""
        # Shows its camera and whichever recorder that hangs off.
        AlarmHubEntity.__init__(
            self,
            coordinator,
            f"camera_{camera_id}",
            topic=frozenset({("camera", camera_id), ("recorder", ANY_ID)}),
        )
        CameraEntity.__init__(self)
        self.camera_id = camera_id
        camera = coordinator.data.cameras[camera_id]
        recorder = coordinator.data.recorders[camera.recorder]
        self._attr_name = camera.name
        self._attr_device_info = connected_device_info(
            coordinator,
            f"recorder_{recorder.id}",
            name=recorder.name,
            model=recorder.model,
        )
        self._live = can_fetch_files(coordinator.hub_client(Capability.CAMERAS))
        if self._live:
            self._attr_supported_features = CameraEntityFeature.STREAM

    @property
    @override
    def entity_picture(self) -> str | None:  # type: ignore[override]
        """Return the snapshot link, or none where no snapshot can be had.

        Over a serial line the hub has no HTTP port: HA's camera proxy
        would answer every thumbnail request with an error (a broken image
        on every dashboard), so no picture is offered. CameraEntity types
        this as ``str``; Entity, whose state writer reads it, allows None.
        """
        return super().entity_picture if self._live else None

    @override
    def _snapshot(self) -> tuple[Camera, Recorder | None] | None:
        data = self.coordinator.data
        if (camera := data.cameras.get(self.camera_id)) is None:
            return None
        return camera, data.recorders.get(camera.recorder)

    @property
    @override
    def available(self) -> bool:
        """Return True while the hub, the camera and its recorder are online."""
        if not super().available or (snapshot := self._snapshot()) is None:
            return False
        camera, recorder = snapshot
        return camera.online and recorder is not None and recorder.online

    @override
    async def stream_source(self) -> str | None:
        """Return the URL of the camera's live view on the hub."""
        try:
            return await live_stream_url(
                self.coordinator.hub_client(Capability.CAMERAS), self.camera_id
            )
        except AlarmHubError as err:
            LOGGER.debug("No live view for camera %s: %s", self.camera_id, err)
            return None

    @override
    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Return a frame of the live view as JPEG."""
        if (source := await self.stream_source()) is None:
            return None
        return await ffmpeg.async_get_image(
            self.hass, source, width=width, height=height
        )
