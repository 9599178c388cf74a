"""Set-up, unload, retry and availability."""

from __future__ import annotations

import asyncio
import logging

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import DOMAIN
from simulator.hub import Hub
from simulator.server import SimulatorServer

PANEL = "alarm_control_panel.demo_home_house"


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The entry loads, makes entities, and unloads cleanly."""
    assert init_integration.state is ConfigEntryState.LOADED
    assert hass.states.get(PANEL) is not None
    await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED


async def test_setup_retry_when_hub_is_down(
    hass: HomeAssistant, network_entry: MockConfigEntry, simulator: SimulatorServer
) -> None:
    """A hub that is off makes set-up retry later."""
    await simulator.stop()
    network_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(network_entry.entry_id)
    assert network_entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_auth_failed_starts_reauth(
    hass: HomeAssistant, network_entry: MockConfigEntry, hub: Hub
) -> None:
    """A refused token starts the reauth flow."""
    hub.token = "another-token"
    network_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(network_entry.entry_id)
    assert network_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def _wait_for(hass: HomeAssistant, entity_id: str, state: str) -> None:
    async with asyncio.timeout(10):
        while (current := hass.states.get(entity_id)) is None or current.state != state:
            await asyncio.sleep(0.01)


async def test_hub_goes_away_and_comes_back(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatorServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Stopping the hub makes entities unavailable with one log line; they return."""
    caplog.set_level(logging.INFO, logger="custom_components.alarmhub")
    caplog.clear()
    port = simulator.port
    await simulator.stop()
    await _wait_for(hass, PANEL, STATE_UNAVAILABLE)
    assert (
        hass.states.get("binary_sensor.demo_home_house_front_door").state
        == STATE_UNAVAILABLE
    )
    lost = [
        r for r in caplog.records if r.name.startswith("custom_components.alarmhub")
    ]
    assert len(lost) == 1, [r.getMessage() for r in lost]
    assert lost[0].levelno == logging.ERROR

    simulator.port = port
    await simulator.start()
    await _wait_for(hass, PANEL, "disarmed")
    back = [
        r for r in caplog.records if r.name.startswith("custom_components.alarmhub")
    ]
    assert len(back) == 2, [r.getMessage() for r in back]
    assert "recovered" in back[1].getMessage()
