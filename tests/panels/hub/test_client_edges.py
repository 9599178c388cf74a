"""The client's refusals: asked before it is connected, a pairing without a token."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.alarmhub.panels.exceptions import AlarmHubProtocolError
from custom_components.alarmhub.panels.hub import (
    AlarmHubClient,
    AlarmHubConnectionError,
    SerialTransport,
)
from simulator.hub import Hub
from simulator.server import SimulatorServer


async def test_request_before_connecting_is_refused(
    simulator: SimulatorServer, hub: Hub
) -> None:
    """Nothing is sent on a line that has no session; the caller is told."""
    assert simulator.pty_path
    client = AlarmHubClient(SerialTransport(simulator.pty_path))
    asked: list[dict[str, Any]] = []
    get_state = hub.commands["get_state"]

    async def counted(args: dict[str, Any]) -> dict[str, Any]:
        asked.append(args)
        return await get_state(args)

    hub.commands["get_state"] = counted
    with pytest.raises(AlarmHubConnectionError, match="not connected"):
        await client.request("get_state")
    assert not client.connected
    assert asked == []


async def test_pairing_without_a_token_fails(
    simulator: SimulatorServer, hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hub that answers pair with no token: a protocol error, line closed."""
    assert simulator.pty_path
    monkeypatch.setattr(hub, "pair", lambda: {"token": ""})
    client = AlarmHubClient(SerialTransport(simulator.pty_path))
    with pytest.raises(AlarmHubProtocolError, match="no token"):
        await client.pair()
    assert not client.connected
