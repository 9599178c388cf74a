"""250 users with their codes on 2 locks, on the demo site, without timeouts.

The demo site's 3 users plus 247 added through ``add_user`` (random codes, on
both locks at once, all actions in flight together), then the 3 demo users'
codes added to both locks: 250 users and 500 ZCL exchanges. The benchmark
issue measures the speed; this only proves it works and prints the time.
"""

from __future__ import annotations

import asyncio
import time

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator.clock import ManualClock
from simulator.hub import Hub
from simulator.locks import door_locks

from .codes_helpers import BACK, FRONT, action, settle, wait_for

# The per-lock sync sensors are disabled by default; this test reads them.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

USERS = 250


async def test_250_users_on_2_locks(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    clock: ManualClock,
) -> None:
    entry_id = init_integration.entry_id
    demo = {u.slot: u.code for u in hub.panel.users.values()}
    start = time.perf_counter()
    added = await asyncio.gather(
        *(
            action(hass, "add_user", entry_id, name=f"User {n}", locks=[FRONT, BACK])
            for n in range(len(demo) + 1, USERS + 1)
        )
    )
    for slot, code in demo.items():
        await action(
            hass,
            "add_code_to_locks",
            entry_id,
            slot=slot,
            code=code,
            locks=[FRONT, BACK],
        )
    elapsed = time.perf_counter() - start
    print(f"\n{USERS} users x 2 locks: {elapsed:.1f} s")

    assert all(r["status"] == "done" for r in added)
    assert all(r["locks"] == {FRONT: "in_sync", BACK: "in_sync"} for r in added)
    assert len({r["code"] for r in added} | set(demo.values())) == USERS
    users = hub.panel.users
    assert sorted(users) == list(range(1, USERS + 1))
    assert all(u.locks == {"1": "in_sync", "2": "in_sync"} for u in users.values())
    for lock in door_locks(hub).locks.values():
        assert lock.pins == {slot - 1: user.code for slot, user in users.items()}
    assert init_integration.runtime_data.changes.changes == []

    await settle(hass)
    states = hass.states.async_all("sensor")
    status = [s.entity_id for s in states if s.entity_id.endswith("_code_status")]
    assert len(status) == USERS
    assert {
        sync
        for entity in status
        for sync in hass.states.get(entity).attributes["locks"].values()
    } == {"in_sync"}
    clock.advance(180)
    await wait_for(
        hass, lambda: {hass.states.get(e).state for e in status} == {"active"}, 30
    )
