"""HA stop and unload close the AD2 connection at once and quietly; hub-only actions."""

from __future__ import annotations

import asyncio
import logging

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import CONF_ZONES
from simulator.ad2 import AD2Server

TASKS = ("ad2 keep connected", "ad2 reader", "ad2 watchdog")


def ad2_tasks() -> list[str]:
    """Return the AD2 client's tasks still alive."""
    return sorted(
        task.get_name()
        for task in asyncio.all_tasks()
        if task.get_name() in TASKS and not task.done()
    )


def complaints(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return every warning or error logged."""
    return [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.WARNING
    ]


async def test_ha_stop_closes_the_ad2_quietly(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Stopping HA closes the line first: nothing logged, no task left."""
    panel = setup_ad2.runtime_data.client
    assert panel.connected
    assert ad2_tasks() == sorted(TASKS)
    caplog.clear()
    await hass.async_stop()
    assert panel.closing and not panel.connected
    assert ad2_tasks() == []
    assert complaints(caplog) == []


async def test_unload_closes_the_ad2_quietly(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unloading closes it the same way."""
    panel = setup_ad2.runtime_data.client
    caplog.clear()
    assert await hass.config_entries.async_unload(setup_ad2.entry_id)
    await hass.async_block_till_done()
    assert setup_ad2.state is ConfigEntryState.NOT_LOADED
    assert panel.closing and not panel.connected
    assert ad2_tasks() == []
    assert complaints(caplog) == []


async def test_keeper_lets_its_own_cancellation_through(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    """A cancelled keeper ends (HA cancels leftovers at shutdown)."""
    panel = setup_ad2.runtime_data.client
    (keeper,) = (t for t in asyncio.all_tasks() if t.get_name() == TASKS[0])
    keeper.cancel()
    # A guard, not a wait: a keeper that swallows it never ends.
    await asyncio.wait([keeper], timeout=30)
    assert keeper.cancelled()
    assert panel.connected


async def test_zones_described_anew_reload_the_panel(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    """New zone names in the options: the entry reloads, the entity is renamed."""
    old = "binary_sensor.vista_alarm_front_door"
    assert hass.states.get(old) is not None
    zones = {**setup_ad2.options[CONF_ZONES]}
    zones["5"] = {"name": "Porch door", "type": "door"}
    hass.config_entries.async_update_entry(
        setup_ad2, options={**setup_ad2.options, CONF_ZONES: zones}
    )
    await hass.async_block_till_done()
    assert setup_ad2.state is ConfigEntryState.LOADED
    state = hass.states.get(old)  # same unique id: the entity id stays
    assert state is not None
    # The zone's new name (the device part of the name is the AD2 work's).
    assert state.attributes["friendly_name"].endswith(" Porch door")
