"""Fetching a prepared clip from the simulated hub: what a failure is called.

A transfer that never started (a stale one-time URL) is the hub's
connection error; one that started and fell short is ``ClipTransferCut``,
which the export retries (tests/test_clips.py follows that through HA).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
import dataclasses
import errno
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import pytest

from custom_components.alarmhub.panels.hub import (
    AlarmHubClient,
    AlarmHubConnectionError,
    WebSocketTransport,
)
from custom_components.alarmhub.panels.hub.clips import (
    CHUNK,
    ClipTransferCut,
    fetch_file,
    request_download,
)
from custom_components.alarmhub.panels.hub.file_writer import MAX_QUEUED
from simulator.hub import Hub
from simulator.server import SimulatorServer

from ...clip_helpers import at
from ...conftest import TOKEN


@pytest.fixture
async def client(
    hass: HomeAssistant, simulator: SimulatorServer
) -> AsyncGenerator[AlarmHubClient]:
    """A client connected to the simulated hub over its WebSocket."""
    transport = WebSocketTransport(
        async_get_clientsession(hass), "127.0.0.1", simulator.port
    )
    connected = AlarmHubClient(transport, token=TOKEN, client_name="test")
    await connected.connect()
    yield connected
    await connected.close()


async def test_a_stale_url_is_not_a_cut_transfer(
    client: AlarmHubClient, hub: Hub, tmp_path: Path
) -> None:
    """The hub no longer knows the URL (HTTP 404): nothing started, nothing cut."""
    ticket = await request_download(client, "1", at(hub, 0), 30)
    await fetch_file(client, ticket, tmp_path / "first.mp4")  # one use only
    with pytest.raises(AlarmHubConnectionError) as err:
        await fetch_file(client, ticket, tmp_path / "again.mp4")
    assert not isinstance(err.value, ClipTransferCut)


async def test_fewer_bytes_than_announced_is_a_cut_transfer(
    client: AlarmHubClient, hub: Hub, tmp_path: Path
) -> None:
    """The file ends before the size the hub announced: cut, with how far."""
    ticket = await request_download(client, "1", at(hub, 0), 30)
    longer = dataclasses.replace(ticket, size=ticket.size + 1)
    with pytest.raises(ClipTransferCut) as err:
        await fetch_file(client, longer, tmp_path / "clip.mp4")
    assert (err.value.received, err.value.size) == (ticket.size, ticket.size + 1)


async def test_a_full_disk_stops_the_transfer(client: AlarmHubClient, hub: Hub) -> None:
    """The disk refuses the clip (``/dev/full``): the OS's error, not a cut transfer.

    15 minutes (~5 MiB), more than may wait for the disk, so the transfer
    stops part-way rather than after the last byte.
    """
    ticket = await request_download(client, "1", at(hub, 0), 900)
    assert ticket.size > MAX_QUEUED + CHUNK
    with pytest.raises(OSError) as err:
        await fetch_file(client, ticket, Path("/dev/full"))
    assert err.value.errno == errno.ENOSPC
    assert not isinstance(err.value, ClipTransferCut)
