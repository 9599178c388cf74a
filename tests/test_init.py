"""Set-up, unload, retry and availability."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import copy
import logging

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.alarmhub.const import DOMAIN, SCAN_INTERVAL
from custom_components.alarmhub.panels.base import Backoff
from simulator.clock import ManualClock
from simulator.hub import Hub
from simulator.server import SimulatorServer

from .conftest import TOKEN

PANEL = "alarm_control_panel.demo_home_house"
FRONT_DOOR = "binary_sensor.demo_home_house_front_door"


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
    async with asyncio.timeout(60):  # a hang guard only
        while (current := hass.states.get(entity_id)) is None or current.state != state:
            await asyncio.sleep(0.01)


async def _hub_stop(
    simulator: SimulatorServer, hub: Hub
) -> Callable[[], Awaitable[None]]:
    port = simulator.port
    await simulator.stop()

    async def back() -> None:
        simulator.port = port
        await simulator.start()

    return back


async def _hub_reboot(
    simulator: SimulatorServer, hub: Hub
) -> Callable[[], Awaitable[None]]:
    """Power cycle: a new Hub object, its state and seq from scratch."""
    back = await _hub_stop(simulator, hub)

    async def reboot() -> None:
        simulator.hub = Hub(copy.deepcopy(hub.site), clock=ManualClock(), token=TOKEN)
        await back()

    return reboot


async def _connection_drop(
    simulator: SimulatorServer, hub: Hub
) -> Callable[[], Awaitable[None]]:
    await simulator.drop_connections()

    async def nothing() -> None:
        """The client reconnects on its own."""

    return nothing


async def _serial_reboot(
    simulator: SimulatorServer, hub: Hub
) -> Callable[[], Awaitable[None]]:
    """The hub reboots behind a serial line that stays open."""
    await simulator.reboot(Hub(copy.deepcopy(hub.site), clock=ManualClock()))

    async def nothing() -> None:
        """The next request finds out; the client says hello again."""

    return nothing


FAULTS = {
    "hub_stop": _hub_stop,
    "hub_reboot": _hub_reboot,
    "connection_drop": _connection_drop,
    "serial_reboot": _serial_reboot,
}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_hub_goes_away_and_comes_back(
    hass: HomeAssistant,
    network_entry: MockConfigEntry,
    serial_entry: MockConfigEntry,
    simulator: SimulatorServer,
    hub: Hub,
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    """The hub goes away: entities unavailable, one log line; back: one line.

    A reboot starts the hub's event numbers again: HA must show the new
    state, not events it missed. The client's backoff is capped at 60 s.
    """
    entry = serial_entry if fault.startswith("serial") else network_entry
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    client = entry.runtime_data.client
    assert client.backoff.maximum <= 60
    client.backoff = Backoff(initial=0.05, maximum=0.2)
    hub.panel.set_zone("1", True)  # a reboot forgets it
    await _wait_for(hass, FRONT_DOOR, "on")
    caplog.set_level(logging.INFO, logger="custom_components.alarmhub")
    caplog.clear()

    come_back = await FAULTS[fault](simulator, hub)
    if fault == "serial_reboot":  # noticed at the next poll
        async_fire_time_changed(hass, dt_util.utcnow() + SCAN_INTERVAL)
    await _wait_for(hass, PANEL, STATE_UNAVAILABLE)
    assert hass.states.get(FRONT_DOOR).state == STATE_UNAVAILABLE
    lost = [
        r for r in caplog.records if r.name.startswith("custom_components.alarmhub")
    ]
    assert len(lost) == 1, [r.getMessage() for r in lost]
    assert lost[0].levelno == logging.ERROR

    await come_back()
    await _wait_for(hass, PANEL, "disarmed")
    rebooted = "reboot" in fault
    await _wait_for(hass, FRONT_DOOR, "off" if rebooted else "on")
    await hass.async_block_till_done()
    back = [
        r for r in caplog.records if r.name.startswith("custom_components.alarmhub")
    ]
    assert len(back) == 2, [r.getMessage() for r in back]
    assert "recovered" in back[1].getMessage()
    if rebooted:
        assert simulator.hub is not hub and simulator.hub.seq < hub.seq
