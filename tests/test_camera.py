"""Cameras: entities on recorder devices, live view, snapshots, availability."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.components import camera
from homeassistant.components.camera.const import CameraEntityFeature
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.alarmhub.const import DOMAIN
from simulator.hub import Hub
from simulator.media import read_clock
from tests.clip_helpers import BACK_YARD, DRIVEWAY, recorders
from tests.common import settle, state_of

#: Attributes of a camera's state that change every run (access tokens).
VOLATILE = {"access_token", "entity_picture"}


@pytest.fixture
def site(site: dict[str, Any], small_recordings: dict[str, Any]) -> dict[str, Any]:
    """The demo site, with small recordings."""
    site["recordings"] = small_recordings
    return site


@pytest.mark.usefixtures("init_integration")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """One camera entity per camera, both on the recorder's device."""
    entry_id = hass.config_entries.async_entries(DOMAIN)[0].entry_id
    entries = sorted(
        (
            e
            for e in er.async_entries_for_config_entry(entity_registry, entry_id)
            if e.domain == "camera"
        ),
        key=lambda e: e.entity_id,
    )
    assert [e.entity_id for e in entries] == [BACK_YARD, DRIVEWAY]
    recorder = device_registry.async_get_device_by_identifier(
        (DOMAIN, "AH1000001_recorder_svr1"), entry_id
    )
    assert recorder is not None
    hub = device_registry.async_get_device_by_identifier(
        (DOMAIN, "AH1000001"), entry_id
    )
    assert hub is not None
    assert (recorder.name, recorder.model, recorder.via_device_id) == (
        "Stream video recorder",
        "ADC-CSVR2008P",
        hub.id,
    )
    for entry in entries:
        assert entry.device_id == recorder.id
        assert entry == snapshot(name=f"{entry.entity_id}-entry")
        state = state_of(hass, entry.entity_id)
        assert set(state.attributes) >= VOLATILE
        stable = {k: v for k, v in state.attributes.items() if k not in VOLATILE}
        assert (state.state, stable) == snapshot(name=f"{entry.entity_id}-state")
        assert stable["supported_features"] == CameraEntityFeature.STREAM


@pytest.mark.usefixtures("init_integration")
async def test_live_view_is_the_hub_stream(hass: HomeAssistant, hub: Hub) -> None:
    """stream_source is the hub's live view; it shows the hub's clock."""
    source = await camera.async_get_stream_source(hass, DRIVEWAY)
    assert source is not None
    assert source.startswith("http://127.0.0.1:")
    assert "/cameras/1/live/" in source
    store = recorders(hub).store
    now = store.start.fromtimestamp(hub.clock.time(), store.start.tzinfo)
    offset = int((now - store.start).total_seconds()) % store.settings.seconds
    assert await read_clock(source, 0.2) == store.start + timedelta(seconds=offset)  # type: ignore[arg-type]


@pytest.mark.usefixtures("init_integration")
async def test_snapshot_through_ffmpeg(hass: HomeAssistant) -> None:
    """A snapshot is a JPEG frame of the live view, taken by ha-ffmpeg."""
    image = await camera.async_get_image(hass, BACK_YARD)
    assert image.content_type == "image/jpeg"
    assert image.content.startswith(b"\xff\xd8")
    assert len(image.content) > 1000


@pytest.mark.usefixtures("init_integration")
async def test_offline_camera_and_recorder(hass: HomeAssistant, hub: Hub) -> None:
    """A camera is unavailable while it or its recorder is offline."""
    svr = recorders(hub)
    svr.set_camera_online("1", False)
    await settle(hass)
    assert state_of(hass, DRIVEWAY).state == "unavailable"
    assert state_of(hass, BACK_YARD).state != "unavailable"
    svr.set_camera_online("1", True)
    svr.set_recorder_online("svr1", False)
    await settle(hass)
    assert state_of(hass, DRIVEWAY).state == "unavailable"
    assert state_of(hass, BACK_YARD).state == "unavailable"
    svr.set_recorder_online("svr1", True)
    await settle(hass)
    assert state_of(hass, DRIVEWAY).state == "idle"


async def test_serial_has_no_live_view(
    hass: HomeAssistant, serial_entry: MockConfigEntry
) -> None:
    """Over the serial line there is no HTTP port: no stream, no snapshot."""
    serial_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(serial_entry.entry_id)
    await hass.async_block_till_done()
    state = state_of(hass, DRIVEWAY)
    assert state.attributes["supported_features"] == 0
    # No thumbnail link a dashboard would show broken (the proxy cannot
    # answer it without the hub's HTTP port).
    assert "entity_picture" not in state.attributes
    assert await camera.async_get_stream_source(hass, DRIVEWAY) is None
    await hass.config_entries.async_unload(serial_entry.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_offline_camera_has_no_snapshot(hass: HomeAssistant, hub: Hub) -> None:
    """A camera the hub reports offline: no live view, and no snapshot."""
    recorders(hub).set_camera_online("1", False)
    await settle(hass)
    assert state_of(hass, DRIVEWAY).state == "unavailable"
    assert await camera.async_get_stream_source(hass, DRIVEWAY) is None
    with pytest.raises(HomeAssistantError):
        await camera.async_get_image(hass, DRIVEWAY)
    # Back online: a frame again (the path that worked before still works).
    recorders(hub).set_camera_online("1", True)
    await settle(hass)
    assert await camera.async_get_stream_source(hass, DRIVEWAY) is not None
