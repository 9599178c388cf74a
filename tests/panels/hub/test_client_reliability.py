"""The client under faults: lost answers, restarts, stale frames, backoff.

Real simulator, real pty and sockets; the hub's handlers are wrapped only to
lose an answer at a chosen moment.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
import contextlib
import copy
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.alarmhub.panels.hub import (
    AlarmHubClient,
    AlarmHubConnectionError,
    AlarmHubRejectedError,
    AlarmHubTimeoutError,
    ArmMode,
    Backoff,
    SerialTransport,
)
from custom_components.alarmhub.panels.hub.protocol import (
    HEADER,
    STX,
    ErrorCode,
    FrameDecoder,
    frame,
)
from custom_components.alarmhub.panels.hub.serial import FRAME_GAP_TIMEOUT
from simulator.clock import ManualClock
from simulator.hub import Hub
from simulator.panel import Rejection
from simulator.server import SimulatorServer

type Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


def lose_answers(hub: Hub, cmd: str, lost: int = 1) -> list[int]:
    """Make the hub's first ``lost`` ``cmd`` never answer; return a call counter."""
    calls = [0]
    handler: Handler = hub.commands[cmd]

    async def wrapped(args: dict[str, Any]) -> dict[str, Any]:
        calls[0] += 1
        if calls[0] <= lost:
            await asyncio.Event().wait()  # the answer is lost on the line
        return await handler(args)

    hub.commands[cmd] = wrapped
    return calls


@pytest.fixture
async def client(simulator: SimulatorServer) -> AsyncGenerator[AlarmHubClient]:
    """Return a client on the simulator's serial line, quick to give up."""
    async with _client(simulator) as client:
        yield client


@pytest.fixture
async def legacy_client(
    simulator: SimulatorServer,
) -> AsyncGenerator[AlarmHubClient]:
    """Return the same on a hub without the link layer: one frame a message."""
    assert simulator.pty_line is not None
    simulator.serial_link = simulator.pty_line.supports_link = False
    async with _client(simulator, start_wait=0.05) as client:
        transport = client.transport
        assert isinstance(transport, SerialTransport)
        assert transport.link is None
        yield client


@contextlib.asynccontextmanager
async def _client(
    simulator: SimulatorServer, start_wait: float | None = None
) -> AsyncGenerator[AlarmHubClient]:
    assert simulator.pty_path
    transport = SerialTransport(simulator.pty_path)
    if start_wait is not None:  # the link start goes unanswered: no need to wait
        transport.link_start_timeout = start_wait
    client = AlarmHubClient(
        transport,
        request_timeout=0.3,
        backoff=Backoff(initial=0.01, maximum=0.05),
    )
    await client.connect()
    yield client
    await client.close()


async def test_get_state_is_retried_after_a_lost_answer(
    client: AlarmHubClient, hub: Hub
) -> None:
    """get_state only reads: a timeout sends it again."""
    calls = lose_answers(hub, "get_state")
    state = await client.get_state()
    assert calls == [2]
    assert set(state.partitions) == {"1", "2"}


async def test_damaged_frame_sends_get_state_again_at_once(
    legacy_client: AlarmHubClient, hub: Hub, simulator: SimulatorServer
) -> None:
    """A damaged frame may have been the answer: no need to wait for a timeout.

    (One frame a message: with the link layer a damaged fragment is resent.)
    """
    client = legacy_client
    client.request_timeout = 5
    calls = lose_answers(hub, "get_state")
    loop = asyncio.get_running_loop()
    start = loop.time()
    fetch = asyncio.ensure_future(client.get_state())
    await asyncio.sleep(0.05)
    damaged = bytearray(frame(b'{"type":"evt","seq":1,"event":"zone","data":{}}'))
    damaged[12] ^= 0x20
    await simulator._pty_write_now(bytes(damaged))
    state = await fetch
    assert calls == [2]
    assert loop.time() - start < 1  # not the 5 s timeout
    assert state.partitions


async def test_get_state_gives_up_after_its_attempts(
    client: AlarmHubClient, hub: Hub
) -> None:
    """A hub that never answers makes get_state fail, not hang."""
    calls = lose_answers(hub, "get_state", lost=10)
    with pytest.raises(AlarmHubTimeoutError):
        await client.get_state(attempts=2)
    assert calls == [2]


async def test_commands_are_never_repeated(client: AlarmHubClient, hub: Hub) -> None:
    """Arming is not idempotent: a lost answer is an error, not a second arm."""
    calls = lose_answers(hub, "arm")
    with pytest.raises(AlarmHubTimeoutError):
        await client.arm("1", ArmMode.AWAY)
    assert calls == [1]


async def test_get_state_includes_events_after_the_snapshot(
    client: AlarmHubClient, hub: Hub
) -> None:
    """An event numbered after the snapshot, seen before the answer, is applied."""
    handler: Handler = hub.commands["get_state"]

    async def snapshot_then_change(args: dict[str, Any]) -> dict[str, Any]:
        result = copy.deepcopy(await handler(args))
        hub.panel.set_zone("1", True)  # sent before the answer, seq after it
        return result

    hub.commands["get_state"] = snapshot_then_change
    seen: list[int] = []
    client.subscribe(lambda event, gap: seen.append(event.seq))
    state = await client.get_state()
    assert seen and state.seq == max(seen) == hub.seq
    assert state.zones["1"].open
    assert state.partitions["1"].open_zones == ("1",)


@pytest.mark.parametrize("late", ["after a gap", "malformed"])
async def test_get_state_stops_at_a_late_event_it_cannot_apply(
    client: AlarmHubClient, hub: Hub, late: str
) -> None:
    """A late event after a missing number, or one that does not parse, is
    not applied to the snapshot: the subscribers heard of it and resync.
    """
    handler: Handler = hub.commands["get_state"]

    async def snapshot_then_event(args: dict[str, Any]) -> dict[str, Any]:
        result = copy.deepcopy(await handler(args))
        if late == "after a gap":
            hub.seq += 1  # one number is never sent
            hub.panel.set_zone("1", True)
        else:
            hub.emit("zone", {"id": 1})  # not a zone the client can read
        return result

    hub.commands["get_state"] = snapshot_then_event
    seen: list[int] = []
    client.subscribe(lambda event, gap: seen.append(event.seq))
    before = hub.seq
    state = await client.get_state()
    assert seen
    assert state.seq == before
    assert not state.zones["1"].open


async def test_get_state_refused(client: AlarmHubClient, hub: Hub) -> None:
    """A hub that refuses get_state (busy): an error, not a state."""

    async def busy(args: dict[str, Any]) -> dict[str, Any]:
        raise Rejection(ErrorCode.BUSY, "busy")

    hub.commands["get_state"] = busy
    with pytest.raises(AlarmHubRejectedError) as err:
        await client.get_state()
    assert err.value.code == ErrorCode.BUSY


async def test_serial_hub_restart_is_noticed_and_healed(
    client: AlarmHubClient, simulator: SimulatorServer, hub: Hub
) -> None:
    """A hub rebooting behind an open serial line: the client says hello again."""
    hub.panel.set_zone("1", True)
    assert (await client.get_state()).seq > 0
    back = asyncio.Event()
    client.on_connection(lambda up: back.set() if up else None)
    await simulator.reboot(Hub(copy.deepcopy(hub.site), clock=ManualClock()))
    with pytest.raises(AlarmHubConnectionError):
        await client.get_state()
    async with asyncio.timeout(60):  # a hang guard only
        await back.wait()
    state = await client.get_state()
    assert state.seq == 0
    assert not state.zones["1"].open


async def test_old_serial_hub_restart_is_noticed_and_healed(
    legacy_client: AlarmHubClient, simulator: SimulatorServer, hub: Hub
) -> None:
    """A hub without the link layer rebooting: "say hello first", then hello.

    (With the link layer the rebooted hub answers RESET; the test above.)
    """
    client = legacy_client
    hub.panel.set_zone("1", True)
    assert (await client.get_state()).seq > 0
    back = asyncio.Event()
    client.on_connection(lambda up: back.set() if up else None)
    await simulator.reboot(Hub(copy.deepcopy(hub.site), clock=ManualClock()))
    with pytest.raises(AlarmHubConnectionError, match="restarted"):
        await client.get_state()
    async with asyncio.timeout(5):
        await back.wait()
    assert (await client.get_state()).seq == 0


async def test_stale_partial_frame_is_given_up(
    legacy_client: AlarmHubClient, simulator: SimulatorServer
) -> None:
    """A frame whose tail was lost does not swallow the next answer."""
    client = legacy_client
    client.request_timeout = FRAME_GAP_TIMEOUT * 4
    # A header promising 200 kB, then silence: the hub rebooted mid-frame.
    await simulator._pty_write_now(HEADER.pack(STX, 200_000, 200_000 ^ 0xFFFFFFFF))
    await asyncio.sleep(0.05)
    state = await client.get_state(attempts=1)
    assert state.partitions


def test_decoder_expire() -> None:
    """expire() drops the stalled frame and yields the intact ones behind it."""
    good = frame(b'{"x":1}')
    decoder = FrameDecoder()
    stalled = HEADER.pack(STX, 9_000, 9_000 ^ 0xFFFFFFFF)
    assert list(decoder.feed(stalled + good)) == []
    assert decoder.pending == len(stalled + good)
    assert list(decoder.expire()) == [b'{"x":1}']
    assert decoder.pending == 0
    assert list(decoder.expire()) == []


@settings(max_examples=50, deadline=None, derandomize=True)
@given(
    st.floats(0.01, 100),
    st.floats(0.01, 1000),
    st.floats(1.0, 10),
    st.floats(0, 1),
    st.integers(1, 60),
)
def test_backoff_is_capped(
    initial: float, maximum: float, factor: float, jitter: float, tries: int
) -> None:
    """However it is tuned, no delay exceeds the maximum."""
    backoff = Backoff(initial=initial, maximum=maximum, factor=factor, jitter=jitter)
    delays = [backoff.delay() for _ in range(tries)]
    assert all(0 <= d <= maximum for d in delays)


def test_backoff_defaults() -> None:
    """1 s, doubling, ±10 %, never more than 60 s; reset starts again."""
    backoff = Backoff()
    delays = [backoff.delay() for _ in range(20)]
    assert 0.9 <= delays[0] <= 1.1
    assert 1.8 <= delays[1] <= 2.2
    assert max(delays) <= 60
    assert delays[-1] >= 54
    backoff.reset()
    assert backoff.delay() <= 1.1
