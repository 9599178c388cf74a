"""Figure 6: 250 user codes onto 16 locks, through the integration's action.

One ``alarmhub.add_code_to_locks`` call per user (its own code, all 16 locks),
one after another, as an automation would: 4,000 ZCL ``set_pin_code`` frames
built in HA, carried by the hub, answered by the locks. Measured in one run:
the total time, the CPU time of the HA process (the integration's share) and
of the simulator's process (the hub's and locks' own work, standing in for the
real hub). The goal compares the two: HA CPU <= 10 % of the simulator's.
"""

from __future__ import annotations

import importlib.util
import time

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import HomeAssistant

from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.coordinator import AlarmHubCoordinator
from simulator.hub import load_site

from .harness import LARGE, integration
from .report import NOT_LANDED, Row

FIGURE = "250 codes onto 16 locks"
GOAL = "HA CPU <= 10 % of the simulator's"
SHARE = 0.10


def landed() -> bool:
    """Return True once the simulator has users and HA has the lock action."""
    return (
        importlib.util.find_spec("simulator.users") is not None
        and importlib.util.find_spec("custom_components.alarmhub.users") is not None
    )


def site_codes() -> dict[int, str]:
    """Return the large site's user codes by slot (the simulator's own)."""
    return {int(u["slot"]): str(u["code"]) for u in load_site(LARGE)["users"]}


async def sync_codes(
    hass: HomeAssistant, coordinator: AlarmHubCoordinator, codes: dict[int, str]
) -> tuple[int, int]:
    """Put each user's code on every lock, one action per user.

    Returns how many frames were sent and how many did not end in sync.
    """
    from custom_components.alarmhub.users import lock_entity_id

    locks = [lock_entity_id(hass, coordinator, lock) for lock in coordinator.data.locks]
    entry_id = coordinator.config_entry.entry_id
    failed = 0
    slots = sorted(codes)
    for slot in slots:
        result = await hass.services.async_call(
            DOMAIN,
            "add_code_to_locks",
            {
                ATTR_CONFIG_ENTRY_ID: entry_id,
                "slot": slot,
                "code": codes[slot],
                "locks": locks,
            },
            blocking=True,
            return_response=True,
        )
        states = result.get("locks") if isinstance(result, dict) else None
        if not isinstance(states, dict):
            raise TypeError(f"unexpected answer: {result!r}")
        failed += sum(1 for state in states.values() if state != "in_sync")
    await hass.async_block_till_done()
    return len(slots) * len(locks), failed


async def measure(quick: bool) -> list[Row]:
    """Put every user's code on every lock; time it on both sides."""
    if not landed():
        return [Row(figure=FIGURE, value=NOT_LANDED, goal=GOAL)]
    users = 50 if quick else 250
    codes = dict(sorted(site_codes().items())[:users])
    async with integration() as (hass, sim, coordinator):
        sim_0 = (await sim.call("stats"))["cpu"]
        wall_0, cpu_0 = time.perf_counter(), time.process_time()
        frames, failed = await sync_codes(hass, coordinator, codes)
        wall = time.perf_counter() - wall_0
        ha_cpu = time.process_time() - cpu_0
        sim_cpu = (await sim.call("stats"))["cpu"] - sim_0
        locks = len(coordinator.data.locks)
    share = ha_cpu / sim_cpu
    return [
        Row(
            figure=f"{users} codes onto {locks} locks",
            value=f"total {wall:.2f} s; HA CPU {ha_cpu:.2f} s = {share:.0%} of "
            f"the simulator's {sim_cpu:.2f} s",
            goal=GOAL,
            passed=share <= SHARE and not failed,
            note=f"{frames} set_pin_code frames, {frames / wall:.0f}/s; "
            f"{failed} not in sync",
        )
    ]
