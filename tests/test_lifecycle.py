"""HA stop and entry unload close the hub connection at once and quietly.

Home Assistant does not unload config entries when it stops: without its
own stop listener a client would lose its connection when HA's web session
closes (an ERROR), reconnect while HA stops, and leave a task HA cannot
cancel. Both paths are checked over the network and over the serial pty.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CoreState, HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.panels.base import Panel
from simulator.hub import Hub
from simulator.server import SimulatorServer

#: Names of the tasks a panel client runs while connected.
CLIENT_TASKS = ("alarmhub keep connected", "alarmhub reader")


def client_tasks(names: tuple[str, ...] = CLIENT_TASKS) -> list[str]:
    """Return the client tasks still alive."""
    return sorted(
        task.get_name()
        for task in asyncio.all_tasks()
        if task.get_name() in names and not task.done()
    )


def complaints(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return every warning or error logged (HA's and ours)."""
    return [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.WARNING
    ]


def count_hellos(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> list[None]:
    """Return a list that grows by one at every hello the hub answers."""
    hellos: list[None] = []
    hello = hub.hello

    def counted() -> dict[str, Any]:
        hellos.append(None)
        return hello()

    monkeypatch.setattr(hub, "hello", counted)
    return hellos


async def set_up(
    hass: HomeAssistant, entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> Panel:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    client = entry.runtime_data.client
    assert client.connected
    assert client_tasks() == sorted(CLIENT_TASKS)
    caplog.clear()
    return client


@pytest.fixture(params=["network", "serial"])
def entry(
    request: pytest.FixtureRequest,
    network_entry: MockConfigEntry,
    serial_entry: MockConfigEntry,
) -> MockConfigEntry:
    """Return the hub's entry over the network, then over serial."""
    return network_entry if request.param == "network" else serial_entry


async def test_ha_stop_closes_the_connection_quietly(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: SimulatorServer,
    hub: Hub,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stopping HA closes the connection first: nothing logged, nothing left."""
    hellos = count_hellos(hub, monkeypatch)
    client = await set_up(hass, entry, caplog)
    network = "host" in entry.data
    assert simulator.websockets == (1 if network else 0)
    await hass.async_stop()
    assert hass.state is CoreState.stopped
    assert client.closing and not client.connected
    assert client_tasks() == []
    assert complaints(caplog) == []
    # The hub saw the client go and no new one come (no reconnect).
    assert simulator.websockets == 0
    assert len(hellos) == 1


async def test_unload_closes_the_connection_quietly(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: SimulatorServer,
    hub: Hub,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Unloading the entry closes it the same way; HA's stop later is a no-op."""
    hellos = count_hellos(hub, monkeypatch)
    client = await set_up(hass, entry, caplog)
    network = "host" in entry.data
    assert simulator.websockets == (1 if network else 0)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert client.closing and not client.connected
    assert client_tasks() == []
    assert simulator.websockets == 0
    await hass.async_stop()
    assert complaints(caplog) == []
    assert len(hellos) == 1


async def test_keeper_lets_its_own_cancellation_through(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """HA cancels the tasks left at shutdown: the keeper ends, the reader stays.

    The keeper waits on the reader; a keeper that swallowed its own
    cancellation went on waiting (and reconnecting) and HA reported it as a
    task that could not be cancelled.
    """
    client = await set_up(hass, entry, caplog)
    (keeper,) = (t for t in asyncio.all_tasks() if t.get_name() == CLIENT_TASKS[0])
    keeper.cancel()
    # A guard, not a wait: a keeper that swallows it never ends.
    await asyncio.wait([keeper], timeout=30)
    assert keeper.cancelled()
    assert client.connected
    assert client_tasks() == ["alarmhub reader"]
