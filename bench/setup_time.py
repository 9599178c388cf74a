"""Figure 5: config entry set-up time, large site, with the demo site beside it.

From ``async_setup`` to HA idle (``async_block_till_done``). The first set-up
in a fresh HA is cold: it imports the integration and HA's platforms and
registers every entity and device. Later set-ups (after an unload) are warm,
like a restart with the registries already filled. Large and demo sites
alternate so both see the same machine.
"""

from __future__ import annotations

from contextlib import AsyncExitStack

from .harness import DEMO, LARGE, add_entry, home_assistant, setup_entry, simulator
from .report import Row, median

GOAL = 1.0


async def measure(quick: bool) -> list[Row]:
    """Set the large and the demo site up, cold then warm, alternately."""
    rounds = 3 if quick else 7
    async with AsyncExitStack() as stack:
        large_sim = await stack.enter_async_context(simulator(LARGE))
        demo_sim = await stack.enter_async_context(simulator(DEMO))
        hass = await stack.enter_async_context(home_assistant())
        large = add_entry(hass, large_sim)
        cold = await setup_entry(hass, large)
        entities = len(hass.states.async_all())
        # Added only now: setting the integration up sets up all its entries.
        demo = add_entry(hass, demo_sim)
        times: dict[str, list[float]] = {"large": [], "demo": []}
        for _ in range(rounds):
            for name, entry in (("large", large), ("demo", demo)):
                if name == "large":
                    await hass.config_entries.async_unload(entry.entry_id)
                    await hass.async_block_till_done()
                times[name].append(await setup_entry(hass, entry))
                if name == "demo":
                    await hass.config_entries.async_unload(entry.entry_id)
                    await hass.async_block_till_done()
        await hass.config_entries.async_unload(large.entry_id)
        await hass.async_block_till_done()
    warm, demo_warm = median(times["large"]), median(times["demo"])
    return [
        Row(
            figure="config entry set-up, large site (cold)",
            value=f"{cold:.3f} s ({entities} entities)",
            goal="<= 1 s",
            passed=cold <= GOAL,
            note=f"warm (registries filled) median {warm:.3f} s; demo site warm "
            f"{demo_warm:.3f} s, large/demo {warm / demo_warm:.1f}x (same run)",
        )
    ]
