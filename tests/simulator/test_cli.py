"""The hub simulator's command line: fault switches by ``ctl``, a faster clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import pytest

from simulator.__main__ import FAULTS, fault_request, main as simulator_main
from simulator.clock import ManualClock, ScaledClock
from simulator.hub import DEMO_SITE, Hub, load_site
from simulator.server import SimulatorServer

from ..clip_helpers import recorders


@pytest.fixture
async def server(socket_enabled: None) -> AsyncGenerator[SimulatorServer]:
    """The demo hub on a loopback port, as ``python -m simulator`` serves it."""
    del socket_enabled
    served = SimulatorServer(Hub(load_site(DEMO_SITE), clock=ManualClock()))
    await served.start()
    yield served
    await served.stop()


async def ctl(server: SimulatorServer, *words: str) -> None:
    """Run ``python -m simulator ctl ...`` as the shell would (blocking urllib)."""
    await asyncio.to_thread(simulator_main, ["ctl", *words, "--url", server.url])


async def test_recorder_fault_switches(server: SimulatorServer) -> None:
    """Slow, disk full and offline are switched on and off by name."""
    store = recorders(server.hub)
    await ctl(server, "recorder-slow", "svr1", "60")
    assert store.recorders["svr1"].slow_limit == 60
    await ctl(server, "recorder-slow", "svr1", "off")
    assert store.recorders["svr1"].slow_limit is None
    await ctl(server, "disk-full", "svr1")
    assert store.recorders["svr1"].disk_full
    await ctl(server, "disk-ok", "svr1")
    assert not store.recorders["svr1"].disk_full
    await ctl(server, "recorder-offline", "svr1")
    assert not store.recorders["svr1"].online
    await ctl(server, "recorder-online", "svr1")
    assert store.recorders["svr1"].online
    await ctl(server, "cut-transfers", "svr1", "2")
    assert store.cut_transfers == 2
    await ctl(server, "camera-offline", "1")
    assert not store.cameras["1"].online
    await ctl(server, "camera-online", "1")
    assert store.cameras["1"].online


async def test_unknown_recorder_is_an_http_error(server: SimulatorServer) -> None:
    """A recorder the site lacks: the admin API says 404, ctl fails."""
    with pytest.raises(Exception, match="404"):
        await ctl(server, "disk-full", "nope")


def test_fault_switches_need_their_arguments() -> None:
    """A missing id or a bad number is refused before anything is sent."""
    with pytest.raises(SystemExit):
        fault_request("disk-full", "")
    with pytest.raises(SystemExit):
        fault_request("recorder-slow", "svr1", "soon")
    with pytest.raises(SystemExit):
        fault_request("cut-transfers", "svr1", "")
    assert set(FAULTS) >= {"recorder-slow", "disk-full", "recorder-offline"}


def test_scaled_clock_runs_faster() -> None:
    """Ten times faster: one second of the base clock is ten of the hub's."""
    base = ManualClock()
    clock = ScaledClock(10, base)
    start = clock.time()
    fired: list[float] = []
    clock.call_later(60, lambda: fired.append(clock.time()))  # an exit delay
    base.advance(5.9)
    assert fired == []
    assert clock.time() == pytest.approx(start + 59)
    base.advance(0.1)
    assert fired == [pytest.approx(start + 60)]
    with pytest.raises(ValueError, match="above 0"):
        ScaledClock(0, base)
