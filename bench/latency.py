"""Hub event -> HA entity state: the measurement behind the latency figures.

Each event opens or closes a contact zone in the simulator process, which
timestamps the ``zone`` event as it emits it; HA timestamps the zone sensor's
``state_changed`` as it fires. Both stamps are ``perf_counter_ns()``, i.e.
``CLOCK_MONOTONIC``, one clock for every process on the machine. The next
event starts once the partition's panel has changed too (the hub sends a
``partition`` event after each ``zone`` event), so events never queue behind
each other, after a short random pause so they do not fall into step with
anything periodic.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import random

from homeassistant.core import HomeAssistant

from custom_components.alarmhub.coordinator import AlarmHubCoordinator
from custom_components.alarmhub.panels.hub import ZoneType

from .harness import SimulatorProcess, StateWatch, entity_id
from .report import percentile

CONTACTS = (ZoneType.DOOR, ZoneType.WINDOW)
TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class Sample:
    """One event: its latency and the size of its serial frame."""

    latency: float
    frame: int


class EventDriver:
    """Toggles contact zones and times each change into HA."""

    def __init__(
        self,
        hass: HomeAssistant,
        sim: SimulatorProcess,
        coordinator: AlarmHubCoordinator,
        *,
        seed: int = 1,
    ) -> None:
        """Pick the zones to toggle and start watching state writes."""
        self.sim = sim
        self.watch = StateWatch(hass)
        self.watch.start()
        serial = coordinator.info.serial
        zones = [z for z in coordinator.data.zones.values() if z.type in CONTACTS]
        self.targets = [
            (
                zone.id,
                entity_id(hass, "binary_sensor", serial, f"zone_{zone.id}"),
                entity_id(
                    hass, "alarm_control_panel", serial, f"partition_{zone.partition}"
                ),
            )
            for zone in zones
        ]
        self.open = dict.fromkeys((z.id for z in zones), False)
        for zone in zones:
            assert not zone.open, "the bench expects every contact closed at start"
        self.count = 0
        self.rng = random.Random(seed)

    async def one(self, *, pause: float = 0.002) -> Sample:
        """Toggle the next zone; return the event's latency into HA."""
        zone, sensor, panel = self.targets[(self.count // 2) % len(self.targets)]
        self.count += 1
        self.open[zone] = not self.open[zone]
        sensor_changed = self.watch.expect(sensor)
        panel_changed = self.watch.expect(panel)
        emitted = await self.sim.call("zone", id=zone, open=self.open[zone])
        async with asyncio.timeout(TIMEOUT):
            seen = await sensor_changed
            await panel_changed
        await asyncio.sleep(self.rng.uniform(0, pause))
        return Sample((seen - emitted["t"]) / 1e9, emitted["frame"])

    async def run(self, count: int, *, pause: float = 0.002) -> list[Sample]:
        """Time ``count`` events (rounded up to even: each zone closes again)."""
        return [await self.one(pause=pause) for _ in range(count + count % 2)]


def summary(latencies: list[float]) -> str:
    """Return ``p50 .. ms, p99 .. ms, max .. ms (n=..)``."""
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    return (
        f"p50 {p50 * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms, "
        f"max {max(latencies) * 1000:.1f} ms (n={len(latencies)})"
    )
