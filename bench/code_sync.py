"""Figure 6: 250 user codes onto 16 locks, through the integration's action.

One ``alarmhub.add_code_to_locks`` call per user (its own code, all 16 locks),
one after another, as an automation would: 4,000 ZCL ``set_pin_code`` frames
built in HA, carried by the hub, answered by the locks. Measured in one run:
the total time and the CPU time of the HA process per frame (the goal:
<= 0.5 ms), and for contrast the simulator's (the hub's and locks' own work)
and the bare cost of building the same ``set_pin_code`` frames and parsing
the locks' answers with zigpy (``Cluster.request``'s header and schema, no
Home Assistant), timed in the same process right after.
"""

from __future__ import annotations

import importlib.util
import time

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import HomeAssistant
from zigpy.zcl import foundation
from zigpy.zcl.clusters.closures import DoorLock, UserStatus, UserType

from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.coordinator import AlarmHubCoordinator
from simulator.hub import load_site

from .harness import LARGE, integration
from .report import NOT_LANDED, Row

FIGURE = "250 codes onto 16 locks"
GOAL = "HA CPU <= 0.5 ms per lock-code frame"
GOAL_CPU = 0.0005


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
    bare = zigpy_cost(codes, locks)
    per_frame = ha_cpu / frames
    return [
        Row(
            figure=f"{users} codes onto {locks} locks",
            value=f"HA CPU {per_frame * 1000:.3f} ms per frame = "
            f"{per_frame / bare:.1f}x building and parsing the frames with zigpy "
            f"({bare * 1000:.3f} ms, same process)",
            goal=GOAL,
            passed=per_frame <= GOAL_CPU and not failed,
            note=f"{frames} set_pin_code frames in {wall:.2f} s "
            f"({frames / wall:.0f}/s), {failed} not in sync; HA CPU {ha_cpu:.2f} s, "
            f"the simulator's {sim_cpu:.2f} s",
        )
    ]


def zigpy_cost(codes: dict[int, str], locks: int) -> float:
    """Return the CPU time per frame of building each ``set_pin_code`` frame
    and parsing its answer with zigpy alone (what ``Cluster.request`` and
    ``Cluster.handle_message`` do with the bytes), median of 5 rounds."""
    request = DoorLock.ServerCommandDefs.set_pin_code
    answer = DoorLock.ClientCommandDefs.set_pin_code_response
    reply = (
        foundation.ZCLHeader.cluster(
            tsn=0, command_id=answer.id, direction=foundation.Direction.Server_to_Client
        ).serialize()
        + answer.schema(status=0).serialize()
    )
    frames = [(slot, code) for slot, code in codes.items() for _ in range(locks)]
    rounds: list[float] = []
    for _ in range(5):
        cpu_0 = time.process_time()
        for tsn, (slot, code) in enumerate(frames):
            header = foundation.ZCLHeader.cluster(tsn=tsn % 256, command_id=request.id)
            payload = request.schema(
                user_id=slot - 1,
                user_status=UserStatus.Enabled,
                user_type=UserType.Unrestricted,
                pin_code=code,
            )
            header.serialize() + payload.serialize()
            _head, rest = foundation.ZCLHeader.deserialize(reply)
            answer.schema.deserialize(rest)
        rounds.append((time.process_time() - cpu_0) / len(frames))
    return sorted(rounds)[2]
