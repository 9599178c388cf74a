"""The simulator answers the golden requests with the golden responses."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from custom_components.alarmhub.panels.hub.protocol import decode_message
from simulator.clock import ManualClock
from simulator.hub import Hub, load_site
from simulator.server import Session

GOLDEN = {
    g["name"]: g
    for g in json.loads(
        (Path(__file__).parent.parent / "fixtures" / "golden_frames.json").read_text()
    )["frames"]
}


async def _exchange(hub: Hub, *names: str) -> list[dict[str, object]]:
    """Send golden requests through a session; return what the hub answered."""
    sent: list[bytes] = []

    async def send(payload: bytes) -> None:
        sent.append(payload)

    session = Session(hub, send, needs_token=True)
    for name in names:
        session.receive(GOLDEN[name]["payload"])
        for _ in range(5):
            await asyncio.sleep(0)
    await session.close()
    return [decode_message(p).to_dict() for p in sent]


async def test_hello_and_refusals() -> None:
    """hello, a refused arm, a wrong code: byte-for-byte the golden answers."""
    hub = Hub(load_site(), clock=ManualClock(), token="example-token")
    hub.panel.set_zone("1", True)
    seq = hub.seq
    answers = await _exchange(hub, "hello request", "arm request", "disarm request")
    responses = [a for a in answers if a["type"] == "res"]
    hello = GOLDEN["hello response"]["message"]
    assert responses[0] == {**hello, "result": {**hello["result"], "seq": seq}}
    assert responses[1] == GOLDEN["arm refused: zones open"]["message"]
    assert responses[2] == GOLDEN["disarm wrong code"]["message"]


async def test_wrong_token() -> None:
    """A wrong token gets the golden refusal."""
    hub = Hub(load_site(), clock=ManualClock(), token="another-token")
    answers = await _exchange(hub, "hello request")
    assert answers == [GOLDEN["hello refused"]["message"]]


async def test_force_bypass_and_events() -> None:
    """Force bypass answers as golden; the pushed events parse as golden ones do."""
    hub = Hub(load_site(), clock=ManualClock(), token="example-token")
    hub.panel.set_zone("1", True)
    answers = await _exchange(hub, "hello request", "arm with force bypass")
    responses = [a for a in answers if a["type"] == "res"]
    assert responses[1] == GOLDEN["arm response"]["message"]
    events = [a for a in answers if a["type"] == "evt"]
    assert [e["event"] for e in events] == ["zone", "partition"]
    assert set(events[1]["data"]) == set(GOLDEN["partition event"]["message"]["data"])


async def test_unchanged_since_seq() -> None:
    """Asked for changes since its own seq, the hub answers the golden unchanged."""
    hub = Hub(load_site(), clock=ManualClock(), token="example-token")
    hub.seq = 42
    answers = await _exchange(hub, "hello request", "get_state since request")
    assert answers[-1] == GOLDEN["get_state unchanged"]["message"]


async def test_add_user_with_schedule() -> None:
    """add_user carries the schedule: the user's very first event has it."""
    hub = Hub(load_site(), clock=ManualClock(), token="example-token")
    answers = await _exchange(hub, "hello request", "add_user with schedule request")
    responses = [a for a in answers if a["type"] == "res"]
    assert "schedules" in responses[0]["result"]["capabilities"]
    assert responses[1] == GOLDEN["add_user with schedule response"]["message"]
    user_events = [
        a["data"] for a in answers if a["type"] == "evt" and a["event"] == "user"
    ]
    assert user_events
    assert all(e["schedule"] is not None for e in user_events)
    assert hub.panel.users[4].schedule is not None


async def test_a_hub_from_before_schedules_ignores_the_field() -> None:
    """An older hub (no ``schedules`` capability) makes the user unrestricted.

    That is why the client sends the schedule in add_user only to a hub that
    claims the capability (see ``hub/usercodes.add_scheduled_user``).
    """
    hub = Hub(load_site(), clock=ManualClock(), token="example-token")
    hub.schedules_at_add = False
    answers = await _exchange(hub, "hello request", "add_user with schedule request")
    responses = [a for a in answers if a["type"] == "res"]
    assert "schedules" not in responses[0]["result"]["capabilities"]
    assert responses[1]["ok"] is True
    assert hub.panel.users[4].schedule is None
