"""Figure 9: AlarmDecoder keypad event -> HA entity state, pty paced at 115200.

The emulated Vista behind an AD2 runs in its own process
(:mod:`bench.ad2proc`) on a pty paced like a 115200 8N1 UART; HA runs the
integration's AlarmDecoder panel on it. Each event faults or restores one
zone: wired zones (the keypad's ``FAULT 05 …`` line; a restore is the
``Ready to Arm`` line), an expander zone (``!EXP:``) and a 5800 RF
transmitter (``!RFX:``). The AD2 process stamps the first line the change
put on the line; HA stamps the zone sensor's ``state_changed``; both are
``perf_counter_ns()`` (``CLOCK_MONOTONIC``). The goal is judged on latency
minus the wire time of every byte the change caused (10 bits a byte).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import json
import random
from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import (
    CONF_BAUDRATE,
    CONF_KEYPAD_ADDRESS,
    CONF_MASTER_CODE,
    CONF_PANEL,
    CONF_PANEL_TYPE,
    CONF_SERIAL_PORT,
    CONF_TRANSPORT,
    CONF_ZONES,
    DOMAIN,
    PANEL_ALARMDECODER,
    TRANSPORT_SERIAL,
)
from custom_components.alarmhub.coordinator import AlarmHubCoordinator

from .harness import SITES, StateWatch, child, entity_id, home_assistant, setup_entry
from .report import Row, median, percentile

BAUD = 115200
GOAL_OVER_WIRE = 0.015
TIMEOUT = 30.0
VISTA = SITES / "vista.yaml"
#: The zones toggled, by how the Vista learns of them.
ZONES = {
    5: ("Front door", "door", "wired"),
    6: ("Back door", "door", "wired"),
    7: ("Living room window", "window", "wired"),
    10: ("Basement window", "window", "expander"),
    28: ("Garage door", "garage_door", "rf"),
}


def wire_time(size: int) -> float:
    """Return the seconds ``size`` bytes take at 115200 8N1."""
    return size * 10 / BAUD


class AD2Process:
    """The emulated AD2 in a child process, driven over stdin."""

    def __init__(self, proc: asyncio.subprocess.Process, pty: str) -> None:
        """Wrap the started process."""
        self.proc = proc
        self.pty = pty

    async def zone(self, number: int, faulted: bool) -> dict[str, Any]:
        """Fault or restore a zone; return when and how much it wrote."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        request = {"op": "zone", "id": number, "open": faulted}
        self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        await self.proc.stdin.drain()
        answer: dict[str, Any] = json.loads(await self.proc.stdout.readline())
        if "error" in answer:
            raise RuntimeError(f"AD2 emulator: {answer['error']}")
        return answer


@asynccontextmanager
async def ad2_process() -> AsyncIterator[AD2Process]:
    """Run the emulated Vista behind an AD2 in a child process."""
    async with child("bench.ad2proc", "--site", str(VISTA)) as (proc, hello):
        yield AD2Process(proc, hello["pty"])


async def _sensors(hass: HomeAssistant, ad2: AD2Process) -> tuple[Any, dict[int, str]]:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Vista",
        data={
            CONF_PANEL: PANEL_ALARMDECODER,
            CONF_TRANSPORT: TRANSPORT_SERIAL,
            CONF_PANEL_TYPE: "vista",
            CONF_KEYPAD_ADDRESS: 18,
            CONF_MASTER_CODE: "1234",
            CONF_SERIAL_PORT: ad2.pty,
            CONF_BAUDRATE: BAUD,
        },
        options={
            CONF_ZONES: {
                str(n): {"name": name, "type": kind}
                for n, (name, kind, _) in ZONES.items()
            }
        },
    )
    entry.add_to_hass(hass)
    await setup_entry(hass, entry)
    coordinator: AlarmHubCoordinator = entry.runtime_data
    serial = coordinator.info.serial
    return entry, {
        n: entity_id(hass, "binary_sensor", serial, f"zone_{n}") for n in ZONES
    }


async def measure(quick: bool) -> list[Row]:
    """Fault and restore zones one at a time; time each into HA."""
    count = 60 if quick else 400
    rng = random.Random(1)
    by_kind: dict[str, list[float]] = {"wired": [], "expander": [], "rf": []}
    over: list[float] = []
    sizes: list[int] = []
    async with ad2_process() as ad2, home_assistant() as hass:
        entry, sensors = await _sensors(hass, ad2)
        watch = StateWatch(hass)
        watch.start()
        try:
            for i in range(count):
                number = list(ZONES)[(i // 2) % len(ZONES)]
                faulted = i % 2 == 0
                changed = watch.expect(sensors[number])
                written = await ad2.zone(number, faulted)
                async with asyncio.timeout(TIMEOUT):
                    seen = await changed
                latency = (seen - written["t"]) / 1e9
                by_kind[ZONES[number][2]].append(latency)
                over.append(latency - wire_time(written["bytes"]))
                sizes.append(written["bytes"])
                await asyncio.sleep(rng.uniform(0.005, 0.02))
        finally:
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()
    every = [x for kind in by_kind.values() for x in kind]
    p99_over = percentile(over, 99)
    size = int(median([float(s) for s in sizes]))
    kinds = "; ".join(f"{k} p50 {median(v) * 1000:.2f} ms" for k, v in by_kind.items())
    return [
        Row(
            figure="AlarmDecoder: keypad/RF/expander event -> HA, pty paced at 115200",
            value=f"p50 {median(every) * 1000:.2f} ms, "
            f"p99 {percentile(every, 99) * 1000:.2f} ms; "
            f"p99 over wire {p99_over * 1000:.2f} ms (n={len(every)})",
            goal="p99 <= wire + 15 ms",
            passed=p99_over <= GOAL_OVER_WIRE,
            note=f"{kinds}; median {size} B per change "
            f"({wire_time(size) * 1000:.2f} ms on the wire)",
        ),
    ]
