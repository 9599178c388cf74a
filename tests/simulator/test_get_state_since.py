"""``get_state`` with ``since_seq``: the emulated hub's side (no HA involved)."""

from __future__ import annotations

import pytest

from custom_components.alarmhub.panels.hub.protocol import ErrorCode
from simulator.clock import ManualClock
from simulator.hub import Hub, load_site
from simulator.panel import Rejection


@pytest.fixture
def hub() -> Hub:
    return Hub(load_site(), clock=ManualClock())


async def test_unchanged_only_for_the_current_seq(hub: Hub) -> None:
    """The whole state first; then unchanged at this seq; everything after a change."""
    full = await hub.handle("get_state", {})
    assert full["seq"] == hub.seq and "zones" in full
    same = await hub.handle("get_state", {"since_seq": hub.seq})
    assert same == {"seq": hub.seq, "unchanged": True}
    before = hub.seq
    hub.panel.set_zone("1", True)
    changed = await hub.handle("get_state", {"since_seq": before})
    assert changed["seq"] == hub.seq > before and "zones" in changed


async def test_a_change_without_an_event_is_not_hidden(hub: Hub) -> None:
    """Asked twice at one seq, the hub compares with what it answered."""
    await hub.handle("get_state", {})
    hub.panel.zones["1"].name = "Renamed without an event"
    again = await hub.handle("get_state", {"since_seq": hub.seq})
    assert "zones" in again


@pytest.mark.parametrize("since", ["3", True, 1.5])
async def test_since_seq_must_be_an_integer(hub: Hub, since: object) -> None:
    """A malformed since_seq is the client's mistake, said so."""
    with pytest.raises(Rejection) as err:
        await hub.handle("get_state", {"since_seq": since})
    assert err.value.code is ErrorCode.BAD_REQUEST
