"""Figure: a serial line with 1 % byte noise: entities available, never wrong.

The demo site (its whole state is ~2.3 kB) over the pty paced at 115200 8N1;
the simulator drops or changes 1 % of the bytes both ways (``LineNoise``,
seeded), from the moment the entry is set up. Meanwhile the bench opens and
closes the site's doors and windows at random (one every 0.1-0.6 s) and
HA polls on its production schedule. Measured every 50 ms: the share of the
entry's entities that are available. Checked on every state HA writes: the
zone sensors and the partition panels' open zones never show a value the
hub did not have, nor go back in its history (the bench is the only source
of changes, so it knows that history). Then the line is clean again and HA
must come level with the hub.

The same run does it twice: with the link layer (the figure) and with a hub
without it (the old peer: one frame a message, today's behaviour), each with
a fresh simulator and Home Assistant.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import random
import time
from typing import Any

from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from custom_components.alarmhub.panels.hub import SerialTransport, ZoneType

from .harness import DEMO, add_entry, entity_id, home_assistant, setup_entry, simulator
from .report import Row, percentile

RATE = 0.01
SEED = 20261205
SAMPLE = 0.05
GOAL = 0.99


@dataclass
class Result:
    """What one run saw."""

    available: int = 0
    samples: int = 0
    writes: int = 0
    wrong: int = 0
    changes: int = 0
    latencies: list[float] = field(default_factory=list)
    line: dict[str, Any] = field(default_factory=dict)
    level: bool = False
    dropped_frames: int = 0
    linked: bool = False

    @property
    def share(self) -> float:
        """Return the share of entity samples that were available."""
        return self.available / self.samples if self.samples else 0.0


class History:
    """The values the hub had, in order; HA may skip ahead, never back."""

    def __init__(self, first: Any) -> None:
        self.values = [first]
        self.shown = 0

    def check(self, value: Any) -> bool:
        """Return True if ``value`` is the hub's, at or after the last shown."""
        for index in range(self.shown, len(self.values)):
            if self.values[index] == value:
                self.shown = index
                return True
        return False


async def _run(link: bool, seconds: float) -> Result:
    result = Result()
    async with (
        simulator(DEMO, pace_serial=115200) as sim,
        home_assistant() as hass,
    ):
        await sim.call("link", on=link)
        entry = add_entry(hass, sim, serial=True)
        await setup_entry(hass, entry)
        coordinator = entry.runtime_data
        transport = coordinator.client.transport
        assert isinstance(transport, SerialTransport)
        result.linked = transport.link is not None
        serial = coordinator.info.serial
        state = coordinator.data
        zones = [
            z
            for z in state.zones.values()
            if z.type in (ZoneType.DOOR, ZoneType.WINDOW)
        ]
        is_open = {z.id: z.open for z in state.zones.values()}
        names = {z.id: z.name for z in state.zones.values()}
        sensors = {
            entity_id(hass, "binary_sensor", serial, f"zone_{z.id}"): z.id
            for z in zones
        }
        panels = {
            entity_id(hass, "alarm_control_panel", serial, f"partition_{p}"): p
            for p in state.partitions
        }

        def open_in(partition: str) -> frozenset[str]:
            return frozenset(
                names[z]
                for z, o in is_open.items()
                if o and state.zones[z].partition == partition
            )

        zone_history = {z.id: History(z.open) for z in zones}
        panel_history = {p: History(open_in(p)) for p in state.partitions}
        emitted: dict[str, int] = {}

        @callback
        def written(event: Event[Any]) -> None:
            new = event.data["new_state"]
            if new is None or new.state == STATE_UNAVAILABLE:
                return
            entity = event.data["entity_id"]
            if (zone := sensors.get(entity)) is not None:
                result.writes += 1
                result.wrong += not zone_history[zone].check(new.state == "on")
                if zone in emitted and (new.state == "on") == is_open[zone]:
                    result.latencies.append(
                        (time.perf_counter_ns() - emitted.pop(zone)) / 1e9
                    )
            elif (partition := panels.get(entity)) is not None:
                result.writes += 1
                shown = frozenset(new.attributes.get("open_zones", ()))
                result.wrong += not panel_history[partition].check(shown)

        hass.bus.async_listen(EVENT_STATE_CHANGED, written)
        watched = [
            e.entity_id
            for e in er.async_entries_for_config_entry(
                er.async_get(hass), entry.entry_id
            )
            if hass.states.get(e.entity_id) is not None
        ]
        await sim.call("noise", rate=RATE, seed=SEED)
        rng = random.Random(SEED)
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while loop.time() < end:
            zone = rng.choice(zones).id
            is_open[zone] = not is_open[zone]
            zone_history[zone].values.append(is_open[zone])
            partition = state.zones[zone].partition
            panel_history[partition].values.append(open_in(partition))
            answer = await sim.call("zone", id=zone, open=is_open[zone])
            emitted[zone] = answer["t"]
            result.changes += 1
            pause_end = loop.time() + rng.uniform(0.1, 0.6)
            while loop.time() < pause_end:
                for entity in watched:
                    current = hass.states.get(entity)
                    result.samples += 1
                    result.available += (
                        current is not None and current.state != STATE_UNAVAILABLE
                    )
                await asyncio.sleep(SAMPLE)
        result.line = await sim.call("noise", rate=None)
        result.dropped_frames = transport.dropped_frames
        await coordinator.async_request_refresh()
        for _ in range(600):  # up to 60 s
            result.level = _level(hass, sensors, panels, is_open, open_in)
            if result.level:
                break
            await asyncio.sleep(0.1)
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    return result


def _level(
    hass: HomeAssistant,
    sensors: dict[str, str],
    panels: dict[str, str],
    is_open: dict[str, bool],
    open_in: Any,
) -> bool:
    for entity, zone in sensors.items():
        current = hass.states.get(entity)
        if current is None or (current.state == "on") != is_open[zone]:
            return False
    for entity, partition in panels.items():
        current = hass.states.get(entity)
        if current is None or current.state == STATE_UNAVAILABLE:
            return False
        if frozenset(current.attributes.get("open_zones", ())) != open_in(partition):
            return False
    return True


def _describe(result: Result) -> str:
    line = result.line
    latency = ""
    if result.latencies:
        p50, p99 = (percentile(result.latencies, p) * 1000 for p in (50, 99))
        latency = f"; door/window -> HA p50 {p50:.0f} ms, p99 {p99:.0f} ms"
    return (
        f"available {result.share:.2%} of {result.samples:,} entity samples; "
        f"{result.wrong} wrong of {result.writes} states written "
        f"({result.changes} changes){latency}; "
        f"{line.get('dropped', 0) + line.get('corrupted', 0):,} of "
        f"{line.get('total', 0):,} bytes damaged, {result.dropped_frames:,} frames "
        f"rejected by HA, {line.get('resent', 0):,} fragments resent by the hub; "
        f"level with the hub after: {'yes' if result.level else 'NO'}"
    )


async def measure(quick: bool) -> list[Row]:
    """Run the link layer, then the old hub, each on a fresh line."""
    linked = await _run(True, 20 if quick else 90)
    old = await _run(False, 10 if quick else 45)
    passed = (
        linked.linked and linked.share >= GOAL and linked.wrong == 0 and linked.level
    )
    return [
        Row(
            figure="serial line, 1 % byte noise, pty paced at 115200 (demo site)",
            value=_describe(linked),
            goal=f"available >= {GOAL:.0%}, 0 wrong",
            passed=passed,
            note="link layer: 32-byte fragments, CRC-16 each, CRC-32 a message, "
            "selective repeat" + ("" if linked.linked else " (DID NOT START)"),
        ),
        Row(
            figure="same, hub without the link layer (contrast, same run)",
            value=_describe(old),
            note="one CRC-checked frame a message, as before",
        ),
    ]
