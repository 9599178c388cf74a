"""Figure 5: config entry set-up time, large site, with the demo site beside it.

From ``async_setup`` to HA idle (``async_block_till_done``).

* cold: the first set-up in a fresh HA process, which also imports the
  integration and HA's platforms and registers every entity and device. Each
  cold set-up runs in a process of its own (this module, run as a script);
  the figure is the median of COLD of them. This is the figure judged.
* warm: set-ups after an unload in one HA, like a restart with the
  registries filled; large and demo sites alternate so both see the same
  machine.
"""

from __future__ import annotations

import argparse
import asyncio
from contextlib import AsyncExitStack
import json
import subprocess
import sys

from .harness import (
    DEMO,
    LARGE,
    ROOT,
    add_entry,
    home_assistant,
    setup_entry,
    simulator,
)
from .report import Row, median

GOAL = 1.0
COLD = 3


async def _cold() -> tuple[float, int]:
    """Set the large site up in this fresh process; return seconds and entities."""
    async with simulator(LARGE) as sim, home_assistant() as hass:
        entry = add_entry(hass, sim)
        took = await setup_entry(hass, entry)
        entities = len(hass.states.async_all())
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    return took, entities


def _spawn_cold() -> tuple[float, int]:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.setup_time", "--cold"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    took, entities = json.loads(proc.stdout.strip().splitlines()[-1])
    return float(took), int(entities)


async def _warm(rounds: int) -> dict[str, list[float]]:
    """Set both sites up again and again in one HA; return the times."""
    times: dict[str, list[float]] = {"large": [], "demo": []}
    async with AsyncExitStack() as stack:
        large_sim = await stack.enter_async_context(simulator(LARGE))
        demo_sim = await stack.enter_async_context(simulator(DEMO))
        hass = await stack.enter_async_context(home_assistant())
        large = add_entry(hass, large_sim)
        await setup_entry(hass, large)
        # Added only now: setting the integration up sets up all its entries.
        demo = add_entry(hass, demo_sim)
        await setup_entry(hass, demo)
        for _ in range(rounds):
            for name, entry in (("large", large), ("demo", demo)):
                await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_block_till_done()
                times[name].append(await setup_entry(hass, entry))
        for entry in (large, demo):
            await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    return times


async def measure(quick: bool) -> list[Row]:
    """Cold set-ups in fresh processes, then warm ones side by side."""
    loop = asyncio.get_running_loop()
    colds = [await loop.run_in_executor(None, _spawn_cold) for _ in range(COLD)]
    cold = median([took for took, _ in colds])
    entities = colds[0][1]
    times = await _warm(3 if quick else 7)
    warm, demo_warm = median(times["large"]), median(times["demo"])
    return [
        Row(
            figure="config entry set-up, large site (cold)",
            value=f"median {cold:.3f} s ({entities} entities)",
            goal="<= 1 s",
            passed=cold <= GOAL,
            note=f"cold, each in a fresh process: "
            f"{', '.join(f'{t:.3f}' for t, _ in colds)} s; warm "
            f"(registries filled) median {warm:.3f} s; demo site warm "
            f"{demo_warm:.3f} s, large/demo {warm / demo_warm:.1f}x (same run)",
        )
    ]


def main() -> None:
    """Run one cold set-up; print seconds and entity count as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.setup_time")
    parser.add_argument("--cold", action="store_true", required=True)
    parser.parse_args()
    print(json.dumps(asyncio.run(_cold())))


if __name__ == "__main__":
    main()
