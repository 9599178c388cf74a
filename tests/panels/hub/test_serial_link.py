"""The serial link layer over a real pty, against the simulator's own end.

The simulator damages bytes on the pty (``simulator.noise``), or one chosen
fragment; the client must get every message whole and right, resend what the
hub missed, and still talk to a hub without the link layer.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
import contextlib

import pytest

from custom_components.alarmhub.panels.hub import (
    AlarmHubClient,
    AlarmHubConnectionError,
    AlarmHubTimeoutError,
    Backoff,
    SerialTransport,
)
from custom_components.alarmhub.panels.hub.link import (
    DATA,
    END,
    LinkDecoder,
    link_frame,
)
from simulator.hub import Hub
from simulator.noise import LineNoise
from simulator.server import SimulatorServer

SEED = 20261205


@contextlib.asynccontextmanager
async def connected(
    simulator: SimulatorServer, *, start_wait: float | None = None
) -> AsyncGenerator[tuple[AlarmHubClient, SerialTransport]]:
    """Yield a client on the simulator's pty, and its transport."""
    assert simulator.pty_path
    transport = SerialTransport(simulator.pty_path)
    if start_wait is not None:
        transport.link_start_timeout = start_wait
    client = AlarmHubClient(
        transport, request_timeout=5, backoff=Backoff(initial=0.01, maximum=0.05)
    )
    await client.connect()
    try:
        yield client, transport
    finally:
        await client.close()


def rewrite_once(
    wanted: Callable[[int, bytes], bool], change: Callable[[bytes], bytes]
) -> Callable[[bytes], bytes]:
    """Return line noise that rewrites the first data fragment ``wanted`` finds."""
    done = False

    def noise(data: bytes) -> bytes:
        nonlocal done
        if done:
            return data
        for frame in LinkDecoder().feed(data):
            if frame.kind in (DATA, END) and wanted(frame.seq, frame.payload):
                done = True
                whole = link_frame(frame.kind, frame.seq, frame.payload)
                return data.replace(whole, change(whole), 1)
        return data

    return noise


async def test_state_arrives_whole_and_right_at_1_percent_noise(
    simulator: SimulatorServer, hub: Hub
) -> None:
    """1 % of bytes dropped or changed both ways: every answer whole and right."""
    noise = LineNoise(0.01, seed=SEED)
    simulator.line_noise = noise
    async with connected(simulator) as (client, transport):
        link = transport.link
        assert link is not None
        truth = hub.state()
        for _ in range(10):
            assert await client.request("get_state") == truth
    line = simulator.pty_line
    assert line is not None
    assert noise.dropped and noise.corrupted
    assert transport.dropped_frames and line.dropped  # damage seen both ways
    assert link.resent or line.resent
    assert link.lost_messages == 0


async def test_old_hub_still_gets_one_frame_a_message(
    simulator: SimulatorServer, hub: Hub
) -> None:
    """A hub without the link layer ignores the start: today's framing, as before."""
    line = simulator.pty_line
    assert line is not None
    line.supports_link = False
    async with connected(simulator, start_wait=0.05) as (client, transport):
        assert transport.link is None
        assert (await client.get_state()).seq == hub.seq
    assert not line.linked
    assert line.messages == 0


async def test_a_corrupted_fragment_is_resent_both_ways(
    simulator: SimulatorServer, hub: Hub
) -> None:
    """One fragment of the hello and one of its answer damaged: both resent."""
    line = simulator.pty_line
    assert line is not None

    def flip(frame: bytes) -> bytes:
        return frame[:8] + bytes([frame[8] ^ 0x40]) + frame[9:]

    request = rewrite_once(lambda seq, p: p.startswith(b'{"type":"req"'), flip)
    answer = rewrite_once(lambda seq, p: p.startswith(b'{"type":"res"'), flip)
    simulator.line_noise = lambda data: answer(request(data))
    async with connected(simulator) as (client, transport):
        assert client.info is not None
        assert client.info.serial == hub.hello()["serial"]
        link = transport.link
        assert link is not None
        assert (await client.get_state()).seq == hub.seq
    assert line.dropped >= 1  # the hub skipped the damaged request fragment
    assert link.resent >= 1  # and the client resent it
    assert transport.dropped_frames >= 1  # the client skipped the answer's
    assert line.resent >= 1  # and the hub resent that


async def test_a_forged_fragment_never_makes_a_wrong_state(
    simulator: SimulatorServer, hub: Hub
) -> None:
    """A fragment changed behind a valid CRC-16: its message fails the CRC-32.

    The message is dropped, not delivered; the client asks for the state
    again and gets it right.
    """
    async with connected(simulator) as (client, transport):
        link = transport.link
        assert link is not None

        def forge(frame: bytes) -> bytes:
            payload = frame[5:-2].replace(b"door", b"doom", 1)
            return link_frame(frame[1], frame[2], payload)

        simulator.line_noise = rewrite_once(lambda seq, p: b"door" in p, forge)
        state = await client.get_state()
        assert link.lost_messages == 1
        assert state.zones["1"].name == hub.state()["zones"][0]["name"]
        assert "doom" not in repr(state)


async def test_a_silent_line_loses_the_link(simulator: SimulatorServer) -> None:
    """Nothing acknowledged for ``lost_after``: the connection is lost."""
    async with connected(simulator) as (client, transport):
        link = transport.link
        assert link is not None
        link.lost_after = 0.3
        simulator.line_noise = lambda data: b""
        with pytest.raises(AlarmHubConnectionError) as err:
            await client.request("get_state")
        assert not isinstance(err.value, AlarmHubTimeoutError)
