"""Figure 5: config entry set-up time, large site, with the demo site beside it.

From ``async_setup`` to HA idle (``async_block_till_done``).

* cold: the first set-up in a fresh HA process, which also imports the
  integration and HA's platforms and registers every entity and device. Each
  cold set-up runs in a process of its own (this module, run as a script);
  the figure is the median of COLD of them. This is the figure judged, with
  HA's usb and ffmpeg set up before the clock starts (as default_config, in
  every usual HA, does); the same in a bare HA, where usb's first import
  falls inside the clock, is printed beside it.
* warm: set-ups after an unload in one HA, like a restart with the
  registries filled; large and demo sites alternate so both see the same
  machine.
* subentries (issue 16): cold, like the first, but the entry already has a
  config subentry for each of the site's 250 users (as after a restart of a
  Home Assistant that knows them), median of COLD fresh processes. HA's own
  integrations the manifest depends on (``ffmpeg``; ``usb``, whose first
  import pulls in ``hassio`` and ~1 s of aiohasupervisor's model classes)
  are set up before the clock starts, as in any HA with ``default_config``
  (which has both); the same site without subentries is measured the same
  way beside it, so the two rows' difference is the subentries' cost.
"""

from __future__ import annotations

import argparse
import asyncio
from contextlib import AsyncExitStack
import json
import subprocess
import sys
from types import MappingProxyType

from homeassistant.config_entries import ConfigSubentry
from homeassistant.setup import async_setup_component

from custom_components.alarmhub.user_subentries import (
    DATA_SLOT,
    DATA_UID,
    SUBENTRY_USER,
)
from simulator.hub import load_site

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
MANIFEST = json.loads(
    (ROOT / "custom_components" / "alarmhub" / "manifest.json").read_text()
)


def user_subentries() -> list[ConfigSubentry]:
    """Return a user subentry for each of the large site's users."""
    return [
        ConfigSubentry(
            data=MappingProxyType(
                {DATA_SLOT: user["slot"], DATA_UID: str(user["slot"])}
            ),
            subentry_type=SUBENTRY_USER,
            title=user["name"],
            unique_id=str(user["slot"]),
        )
        for user in load_site(LARGE)["users"]
    ]


async def _cold(subentries: bool = False, deps: bool = False) -> tuple[float, int]:
    """Set the large site up in this fresh process; return seconds and entities.

    ``deps``: HA's integrations in the manifest's dependencies are set up first.
    """
    async with simulator(LARGE) as sim, home_assistant() as hass:
        if deps:
            for dependency in MANIFEST["dependencies"]:
                assert await async_setup_component(hass, dependency, {})
            await hass.async_block_till_done()
        entry = add_entry(hass, sim)
        if subentries:
            for subentry in user_subentries():
                hass.config_entries.async_add_subentry(entry, subentry)
            assert len(entry.subentries) == len(load_site(LARGE)["users"])
        took = await setup_entry(hass, entry)
        entities = len(hass.states.async_all())
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    return took, entities


def _spawn_cold(*flags: str) -> tuple[float, int]:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.setup_time", "--cold", *flags],
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
    with_users, without = [], []
    for _ in range(COLD):  # alternating, side by side
        with_users.append(
            await loop.run_in_executor(None, _spawn_cold, "--subentries", "--deps")
        )
        without.append(await loop.run_in_executor(None, _spawn_cold, "--deps"))
    users_cold = median([took for took, _ in with_users])
    plain_cold = median([took for took, _ in without])
    times = await _warm(3 if quick else 7)
    warm, demo_warm = median(times["large"]), median(times["demo"])
    return [
        Row(
            figure="config entry set-up, large site (cold)",
            value=f"median {plain_cold:.3f} s ({without[0][1]} entities)",
            goal="<= 1 s",
            passed=plain_cold <= GOAL,
            note=f"cold, each in a fresh process, HA's usb and ffmpeg set up "
            f"first as default_config does: "
            f"{', '.join(f'{t:.3f}' for t, _ in without)} s; with them set up "
            f"inside the clock (a bare HA; usb's first import is ~1 s of "
            f"hassio models) median {cold:.3f} s "
            f"({', '.join(f'{t:.3f}' for t, _ in colds)}); warm "
            f"(registries filled) median {warm:.3f} s; demo site warm "
            f"{demo_warm:.3f} s, large/demo {warm / demo_warm:.1f}x (same run)",
        ),
        Row(
            figure="config entry set-up, 250 users as config subentries (cold)",
            value=f"median {users_cold:.3f} s ({with_users[0][1]} entities)",
            goal="<= 1 s",
            passed=users_cold <= GOAL,
            note=f"cold, each in a fresh process, HA's usb and ffmpeg set up "
            f"first: {', '.join(f'{t:.3f}' for t, _ in with_users)} s; "
            f"alternating with the same site without subentries, same "
            f"conditions: median {plain_cold:.3f} s",
        ),
    ]


def main() -> None:
    """Run one cold set-up; print seconds and entity count as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.setup_time")
    parser.add_argument("--cold", action="store_true", required=True)
    parser.add_argument("--subentries", action="store_true")
    parser.add_argument("--deps", action="store_true")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(_cold(args.subentries, args.deps))))


if __name__ == "__main__":
    main()
