"""The pty can be paced like a 115200 8N1 UART (a pty has no baud rate)."""

from __future__ import annotations

import asyncio

from custom_components.alarmhub.panels.hub import AlarmHubClient, SerialTransport
from custom_components.alarmhub.panels.hub.protocol import Event, encode_frame
from simulator.hub import Hub
from simulator.server import SimulatorServer

BAUD = 115200


async def _zone_events(
    simulator: SimulatorServer, hub: Hub
) -> tuple[list[Event], list[Event], float]:
    """Open zone 1; return what the hub sent, what arrived, and how long it took."""
    client = AlarmHubClient(SerialTransport(simulator.pty_path or "", BAUD))
    await client.connect()
    sent: list[Event] = []
    received: list[Event] = []
    done = asyncio.Event()

    def on_event(event: Event, gap: bool) -> None:
        assert not gap
        received.append(event)
        if len(received) == len(sent):
            done.set()

    client.subscribe(on_event)
    unlisten = hub.listen(sent.append)
    loop = asyncio.get_running_loop()
    start = loop.time()
    hub.panel.set_zone("1", True)
    async with asyncio.timeout(60):  # a hang guard only
        await done.wait()
    elapsed = loop.time() - start
    unlisten()
    await client.close()
    return sent, received, elapsed


async def test_paced_frames_take_their_time_on_the_wire(
    simulator: SimulatorServer, hub: Hub
) -> None:
    """Paced, frames arrive intact and never sooner than 10 bits a byte allow."""
    simulator.serial_pacing = BAUD
    sent, received, elapsed = await _zone_events(simulator, hub)
    assert [e.event for e in sent] == ["zone", "partition"]
    assert received == sent
    wire = sum(len(encode_frame(event)) for event in sent) * 10 / BAUD
    assert elapsed >= wire


async def test_unpaced_by_default(simulator: SimulatorServer, hub: Hub) -> None:
    """Without pacing the pty delivers the same frames, intact."""
    assert simulator.serial_pacing is None
    sent, received, _ = await _zone_events(simulator, hub)
    assert received == sent
