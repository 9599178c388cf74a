"""Nothing lost: changes persist until the hub confirms them, and land once."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.alarmhub.panels.hub import ArmMode
from simulator.hub import Hub
from simulator.locks import door_locks
from simulator.server import SimulatorServer

from .codes_helpers import FRONT, action, lock_sync, settle, state, wait_for

# The per-lock sync sensors are disabled by default; these tests read them.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

CODE = "583920"


def stored(hass_storage: dict[str, Any], entry_id: str) -> list[dict[str, Any]]:
    return list(hass_storage[f"alarmhub.changes.{entry_id}"]["data"]["changes"])


@pytest.mark.parametrize("applied", [True, False], ids=["applied", "not_applied"])
async def test_hub_stops_mid_change_and_ha_restarts(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    hub: Hub,
    simulator: SimulatorServer,
    applied: bool,
) -> None:
    """The hub goes down before answering; HA restarts; the user exists once."""
    entry_id = init_integration.entry_id
    port = simulator.port
    add_user = hub.commands["add_user"]
    seen: list[str] = []

    async def stop_midway(args: dict[str, Any]) -> dict[str, Any]:
        seen.append(args["change_id"])
        hub.commands["add_user"] = add_user
        if applied:
            await add_user(args)
        asyncio.get_running_loop().create_task(simulator.stop())
        await asyncio.Event().wait()  # never answers
        raise AssertionError

    hub.commands["add_user"] = stop_midway
    response = await action(
        hass, "add_user", entry_id, name="Kim", code=CODE, locks=[FRONT]
    )
    assert response["status"] == "queued"
    assert response["locks"] == {FRONT: "queued"}
    assert len(hub.panel.users) == (4 if applied else 3)

    # Home Assistant stops: the change is on disk, with its id.
    assert await hass.config_entries.async_unload(entry_id)
    await hass.async_block_till_done()
    changes = stored(hass_storage, entry_id)
    assert [(c["kind"], c["id"], c["then_locks"]) for c in changes] == [
        ("add_user", seen[0], ["1"])
    ]

    # Both come back.
    simulator.port = port
    await simulator.start()
    assert await hass.config_entries.async_setup(entry_id)
    await wait_for(hass, lambda: lock_sync(hass, "4", "1") == ("in_sync", None))
    assert [u.name for u in hub.panel.users.values()].count("Kim") == 1
    assert door_locks(hub).locks["1"].pins == {3: CODE}
    # The lock's sync state is pushed by the hub, maybe before HA has read
    # the hub's answer to the change: wait for the queue to settle too.
    queue = init_integration.runtime_data.changes
    await wait_for(hass, lambda: queue.changes == [])
    assert state(hass, "sensor", "user_4_code_status") == "pending"  # activation lag


async def test_queued_while_away_replayed_on_reconnect(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    simulator: SimulatorServer,
) -> None:
    """A change made while the hub is away is sent once it is back."""
    port = simulator.port
    await simulator.stop()
    await wait_for(hass, lambda: hass.states.get(FRONT).state == "unavailable")
    response = await action(
        hass, "update_user", init_integration.entry_id, slot=2, name="Samuel"
    )
    assert response == {"status": "queued", "locks": {}, "lock_errors": {}}
    assert [c.kind for c in init_integration.runtime_data.changes.changes] == [
        "update_user"
    ]
    simulator.port = port
    await simulator.start()
    await wait_for(hass, lambda: hub.panel.users[2].name == "Samuel")
    await wait_for(
        hass, lambda: state(hass, "sensor", "user_2_code_status") == "active"
    )
    assert init_integration.runtime_data.changes.changes == []


async def test_refused_replay_is_reported_not_retried(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    simulator: SimulatorServer,
) -> None:
    """The hub refuses a replayed change: an event, a failed status, no retries."""
    events = async_capture_events(hass, "alarmhub_change_failed")
    port = simulator.port
    await simulator.stop()
    await wait_for(hass, lambda: hass.states.get(FRONT).state == "unavailable")
    response = await action(
        hass, "update_user", init_integration.entry_id, slot=2, code=CODE
    )
    assert response["status"] == "queued"
    hub.panel.arm("1", ArmMode.STAY)  # armed at the keypad meanwhile
    sent: list[str] = []
    update_user = hub.commands["update_user"]

    async def counted(args: dict[str, Any]) -> dict[str, Any]:
        sent.append(args["change_id"])
        return await update_user(args)

    hub.commands["update_user"] = counted
    simulator.port = port
    await simulator.start()
    await wait_for(hass, lambda: bool(events))
    assert len(sent) == 1
    data = events[0].data
    assert data["config_entry_id"] == init_integration.entry_id
    assert (data["action"], data["slot"], data["error"]) == (
        "update_user",
        2,
        "system_armed",
    )
    assert "code" not in data
    assert state(hass, "sensor", "user_2_code_status") == "failed"
    assert hub.panel.users[2].code == "7391"
    assert init_integration.runtime_data.changes.changes == []
    await settle(hass)
    assert len(sent) == 1

    # Disarmed again, a new change of the user clears the failure.
    hub.panel.disarm("1", "4826")
    await settle(hass)
    await action(hass, "update_user", init_integration.entry_id, slot=2, name="Sam")
    assert state(hass, "sensor", "user_2_code_status") == "active"
