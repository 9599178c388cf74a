"""Helpers for the camera, clip and media source tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant, ServiceResponse
import pytest

from custom_components.alarmhub.clips import SERVICE_EXPORT_CLIP
from custom_components.alarmhub.const import DOMAIN
from simulator.hub import Hub
from simulator.recorders import Recorders, recorders_of

DRIVEWAY = "camera.stream_video_recorder_driveway"
BACK_YARD = "camera.stream_video_recorder_back_yard"


@pytest.fixture
def media_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Give HA an empty media directory it may write to."""
    media = tmp_path / "media"
    media.mkdir()
    hass.config.media_dirs = {"local": str(media)}
    hass.config.allowlist_external_dirs = {str(media)}
    return media


def recorders(hub: Hub) -> Recorders:
    """Return the simulated hub's recorders."""
    return recorders_of(hub)


def at(hub: Hub, seconds: int) -> datetime:
    """Return the time ``seconds`` into the simulated recordings (UTC)."""
    return recorders(hub).store.start + timedelta(seconds=seconds)


async def export(
    hass: HomeAssistant,
    camera: str,
    start: datetime,
    length: int,
    destination: str = "download",
) -> dict[str, Any]:
    """Run ``alarmhub.export_clip`` and return its answer."""
    response: ServiceResponse = await hass.services.async_call(
        DOMAIN,
        SERVICE_EXPORT_CLIP,
        {
            "camera": camera,
            "start": start.isoformat(),
            "length": str(length),
            "destination": destination,
        },
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    return response


def files(root: Path) -> list[str]:
    """Return every file and folder under ``root``, relative, sorted."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*"))
