"""What every figure needs: a simulator process, a Home Assistant, an entry.

Home Assistant runs in the bench's own process, built the way the test suite
builds it (``async_test_home_assistant`` from
pytest-homeassistant-custom-component, with a throw-away config directory),
but outside pytest: no socket blocking, no lingering-task checks, no
timeouts. The integration talks to the simulator over real loopback sockets or
a real pty, exactly as in production.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
import json
import logging
from pathlib import Path
import sys
import tempfile
import time
from typing import Any
from unittest.mock import patch

from aiohttp.resolver import ThreadedResolver
from homeassistant import loader
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    CONF_HOST,
    CONF_PORT,
    CONF_TOKEN,
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.alarmhub.const import (
    CONF_BAUDRATE,
    CONF_SERIAL_PORT,
    CONF_TRANSPORT,
    DOMAIN,
    TRANSPORT_NETWORK,
    TRANSPORT_SERIAL,
)
from custom_components.alarmhub.coordinator import AlarmHubCoordinator

from .simproc import TOKEN

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "simulator" / "sites"
LARGE = SITES / "large.yaml"
DEMO = SITES / "demo.yaml"


class _Resolver(ThreadedResolver):
    """The resolver HA gets (HA closes it with ``real_close``, as in the suite)."""

    async def real_close(self) -> None:
        """Close the resolver."""
        await self.close()


class SimulatorProcess:
    """The simulator in a child process (see :mod:`bench.simproc`)."""

    def __init__(self, proc: asyncio.subprocess.Process, hello: dict[str, Any]):
        """Wrap a started process and what it printed first."""
        self.proc = proc
        self.port: int = hello["port"]
        self.pty: str = hello["pty"]
        self._lock = asyncio.Lock()

    async def call(self, op: str, **args: Any) -> dict[str, Any]:
        """Send one command; return its answer."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        async with self._lock:
            self.proc.stdin.write(json.dumps({"op": op, **args}).encode() + b"\n")
            await self.proc.stdin.drain()
            answer: dict[str, Any] = json.loads(await self.proc.stdout.readline())
        if "error" in answer:
            raise RuntimeError(f"simulator: {answer['error']}")
        return answer


@asynccontextmanager
async def simulator(
    site: Path = LARGE,
    *,
    pace_serial: int | None = None,
    recording: Path | None = None,
) -> AsyncIterator[SimulatorProcess]:
    """Run the simulator on ``site`` in a child process.

    ``recording``: a video file the recorders serve as every camera's recording.
    """
    pacing = ["--pace-serial", str(pace_serial)] if pace_serial else []
    pacing += ["--recording", str(recording)] if recording else []
    async with child("bench.simproc", "--site", str(site), *pacing) as (proc, hello):
        yield SimulatorProcess(proc, hello)


@asynccontextmanager
async def child(
    module: str, *args: str
) -> AsyncIterator[tuple[asyncio.subprocess.Process, dict[str, Any]]]:
    """Run ``python -m module`` driven on stdin; yield it and its first line.

    The child prints one JSON line when it is serving; closing its stdin
    stops it (killed if it has not exited 10 s later).
    """
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        *args,
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        async with asyncio.timeout(30):
            line = await proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{module} did not start")
        yield proc, json.loads(line)
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            async with asyncio.timeout(10):
                await proc.wait()
        except TimeoutError:
            proc.kill()
            await proc.wait()


@asynccontextmanager
async def home_assistant() -> AsyncIterator[HomeAssistant]:
    """Run a Home Assistant core (as the test suite builds it) in this process."""
    logging.basicConfig(level=logging.ERROR)
    with (
        tempfile.TemporaryDirectory(prefix="alarmhub-bench-") as config_dir,
        # HA would start zeroconf for its DNS resolver; the suite patches that
        # out too (the bench only ever connects to 127.0.0.1).
        patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            return_value=_Resolver(),
        ),
    ):
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            # As the suite's enable_custom_integrations fixture does.
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)
            try:
                yield hass
            finally:
                await hass.async_stop(force=True)


def add_entry(
    hass: HomeAssistant, sim: SimulatorProcess, *, serial: bool = False
) -> ConfigEntry:
    """Add (not set up) a config entry for the simulator."""
    data: dict[str, Any]
    if serial:
        data = {
            CONF_TRANSPORT: TRANSPORT_SERIAL,
            CONF_SERIAL_PORT: sim.pty,
            CONF_BAUDRATE: 115200,
        }
    else:
        data = {
            CONF_TRANSPORT: TRANSPORT_NETWORK,
            CONF_HOST: "127.0.0.1",
            CONF_PORT: sim.port,
            CONF_TOKEN: TOKEN,
        }
    entry: ConfigEntry = MockConfigEntry(domain=DOMAIN, title="Bench", data=data)
    entry.add_to_hass(hass)  # type: ignore[attr-defined]
    return entry


async def setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> float:
    """Set the entry up; return the seconds it took until HA was idle."""
    start = time.perf_counter()
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise RuntimeError(f"set-up failed: {entry.state}")
    await hass.async_block_till_done()
    return time.perf_counter() - start


@asynccontextmanager
async def integration(
    site: Path = LARGE, *, serial: bool = False, recording: Path | None = None
) -> AsyncIterator[tuple[HomeAssistant, SimulatorProcess, AlarmHubCoordinator]]:
    """Run a simulator and an HA with the integration set up on it.

    Over serial the pty is paced at 115200 from the start: unpaced, a pty
    takes only what its buffer holds (~4 KiB) and the simulator, like a UART,
    drops what the reader has not taken yet, which a large site's state
    overflows.
    """
    pacing = 115200 if serial else None
    async with (
        simulator(site, pace_serial=pacing, recording=recording) as sim,
        home_assistant() as hass,
    ):
        entry = add_entry(hass, sim, serial=serial)
        await setup_entry(hass, entry)
        coordinator: AlarmHubCoordinator = entry.runtime_data
        try:
            yield hass, sim, coordinator
        finally:
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()


def entity_id(hass: HomeAssistant, platform: str, serial: str, key: str) -> str:
    """Return the entity id of one of the integration's entities."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{serial}_{key}")
    if found is None:
        raise LookupError(f"no {platform} entity {key}")
    return found


@callback
def _every_event(event_data: Any) -> bool:
    """Let every event through (HA wants a filter on state_reported)."""
    del event_data
    return True


@dataclass
class StateWatch:
    """Timestamps (``perf_counter_ns``) of state writes, as HA fires them."""

    hass: HomeAssistant
    changed: int = 0
    reported: int = 0
    _waiting: dict[str, asyncio.Future[int]] = field(default_factory=dict)

    def start(self) -> None:
        """Listen to state writes."""
        self.hass.bus.async_listen(EVENT_STATE_CHANGED, self._on_changed)
        self.hass.bus.async_listen(
            EVENT_STATE_REPORTED, self._on_reported, event_filter=_every_event
        )

    @callback
    def _on_changed(self, event: Event[Any]) -> None:
        now = time.perf_counter_ns()
        self.changed += 1
        future = self._waiting.pop(event.data["entity_id"], None)
        if future is not None and not future.done():
            future.set_result(now)

    @callback
    def _on_reported(self, event: Event[Any]) -> None:
        del event
        self.reported += 1

    def expect(self, entity: str) -> asyncio.Future[int]:
        """Return a future set to the time of the entity's next state change."""
        future: asyncio.Future[int] = self.hass.loop.create_future()
        self._waiting[entity] = future
        return future
