"""Figure 4: refreshing a large site's whole state when nothing changed.

Counted at the simulator: requests per refresh. Counted in HA: process CPU
time (``time.process_time``) around ``coordinator.async_refresh()``, median
over the refreshes, and state writes (``state_changed`` + ``state_reported``)
during them. For contrast, the same run times decoding the same payload with
``json.loads`` and parsing it into a ``HubState``: the floor any client pays.
"""

from __future__ import annotations

import json
import time

from custom_components.alarmhub.panels.hub import AlarmHubClient, HubState

from .harness import StateWatch, integration
from .report import Row, median

GOAL_CPU = 0.005


async def measure(quick: bool) -> list[Row]:
    """Refresh a large site many times; count and time it."""
    count = 50 if quick else 300
    async with integration() as (hass, sim, coordinator):
        for _ in range(10):
            await coordinator.async_refresh()
        watch = StateWatch(hass)
        watch.start()
        hub = coordinator.client
        assert isinstance(hub, AlarmHubClient)
        state = await hub.request("get_state")
        payload = json.dumps(state, separators=(",", ":")).encode()  # as on the wire
        await sim.call("reset")
        cpu: list[float] = []
        wall: list[float] = []
        decode: list[float] = []
        parse: list[float] = []
        for _ in range(count):
            wall_0, cpu_0 = time.perf_counter(), time.process_time()
            await coordinator.async_refresh()
            cpu.append(time.process_time() - cpu_0)
            wall.append(time.perf_counter() - wall_0)
            # Side by side: decoding and parsing the same state, no HA.
            cpu_0 = time.process_time()
            data = json.loads(payload)
            cpu_1 = time.process_time()
            HubState.from_dict(data)
            decode.append(cpu_1 - cpu_0)
            parse.append(time.process_time() - cpu_1)
        await hass.async_block_till_done()
        requests = sum((await sim.call("stats"))["requests"].values())
        writes = watch.changed + watch.reported
    per_refresh = requests / count
    cpu_ms = median(cpu) * 1000
    return [
        Row(
            figure="large-site refresh: requests per refresh",
            value=f"{per_refresh:g} (n={count})",
            goal="1",
            passed=per_refresh == 1,
        ),
        Row(
            figure="large-site refresh: HA CPU per refresh",
            value=f"median {cpu_ms:.2f} ms (wall {median(wall) * 1000:.2f} ms)",
            goal="<= 5 ms",
            passed=median(cpu) <= GOAL_CPU,
            note=f"{len(payload) / 1024:.0f} KiB of state; same run, same payload: "
            f"json.loads {median(decode) * 1000:.2f} ms + "
            f"HubState.from_dict {median(parse) * 1000:.2f} ms",
        ),
        Row(
            figure="large-site refresh: state writes, nothing changed",
            value=f"{writes} in {count} refreshes",
            goal="0",
            passed=writes == 0,
        ),
    ]
