"""Figure 1: hub event -> HA entity state over WebSocket on loopback."""

from __future__ import annotations

from .harness import integration
from .latency import EventDriver, summary
from .report import Row, percentile

GOAL_P99 = 0.025


async def measure(quick: bool) -> list[Row]:
    """Time >= 1,000 zone events (200 with ``quick``) after a warm-up."""
    async with integration() as (hass, sim, coordinator):
        driver = EventDriver(hass, sim, coordinator)
        await driver.run(50)
        latencies = [s.latency for s in await driver.run(200 if quick else 1000)]
    p99 = percentile(latencies, 99)
    return [
        Row(
            figure="hub event -> HA state, WebSocket loopback",
            value=summary(latencies),
            goal="p99 <= 25 ms",
            passed=p99 <= GOAL_P99,
            note="large site; simulator in its own process; emit -> state_changed",
        )
    ]
