"""Figure 3: push vs. poll, the same events, in alternating blocks of one run.

With push off the simulator stops forwarding events (the hub never pushes)
and only the coordinator's poll finds the change. The production poll is
every 30 s; to keep the run short the bench polls every POLL_S seconds (a
public ``update_interval``; nothing in the integration changes), with random
pauses of up to a poll between events so they land at random points of the
poll cycle. Poll latency is the wait for the next poll, so it scales with the
interval: the 30 s median is the measured one times 30 / POLL_S.
"""

from __future__ import annotations

from datetime import timedelta

from custom_components.alarmhub.const import SCAN_INTERVAL

from .harness import integration
from .latency import EventDriver, summary
from .report import Row, median

POLL_S = 1.0


async def measure(quick: bool) -> list[Row]:
    """Alternate blocks of pushed and polled events."""
    push: list[float] = []
    poll: list[float] = []
    rounds = 2 if quick else 3
    async with integration() as (hass, sim, coordinator):
        coordinator.update_interval = timedelta(seconds=POLL_S)
        await coordinator.async_refresh()  # reschedules on the new interval
        driver = EventDriver(hass, sim, coordinator)
        await driver.run(20)
        for _ in range(rounds):
            push += [s.latency for s in await driver.run(100)]
            await sim.call("push", on=False)
            poll += [s.latency for s in await driver.run(10, pause=POLL_S)]
            await sim.call("push", on=True)
    production = SCAN_INTERVAL.total_seconds()
    scale = production / POLL_S
    ratio = median(poll) / median(push)
    return [
        Row(
            figure="push vs. poll: pushed (same run)",
            value=summary(push),
        ),
        Row(
            figure=f"push vs. poll: poll only, every {POLL_S:g} s",
            value=f"{summary(poll)}; p50 {ratio:,.0f}x pushed",
            note=f"the wait for the next poll: at the production {production:g} s "
            f"poll, p50 ~{median(poll) * scale:.0f} s and up to {production:g} s",
        ),
    ]
