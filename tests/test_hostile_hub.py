"""Untrusted input from the hub: malformed or hostile messages change nothing.

A small WebSocket server plays a hostile hub: it answers ``hello`` and
``get_state`` correctly, so the integration sets up, and then sends garbage
(not JSON, wrong types, unknown enum values, missing fields, huge numbers,
deep nesting, oversized frames) as events and as answers. Each is rejected
where it is parsed: no entity state is written, nothing is raised or logged
above DEBUG, and the integration keeps working (a good event afterwards
shows at once).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
import copy
import json
import logging
from typing import Any

from aiohttp import web
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.alarmhub.const import CONF_TRANSPORT, DOMAIN, TRANSPORT_NETWORK
from custom_components.alarmhub.panels.base import Backoff
from custom_components.alarmhub.panels.hub.protocol import MAX_PAYLOAD

from .common import settle
from .test_faults import _wait

PANEL = "alarm_control_panel.demo_home_house"
DOOR = "binary_sensor.demo_home_house_front_door"
HELLO = {
    "model": "ADC-HUB-3000",
    "serial": "AH1000001",
    "firmware": "3.2.1",
    "name": "Demo Home",
    "protocol": 1,
    "capabilities": ["partitions", "zones"],
    "min_code_length": 4,
    "max_code_length": 8,
    "seq": 0,
}
ZONE = {
    "id": "1",
    "name": "Front door",
    "partition": "1",
    "type": "door",
    "open": False,
    "bypassed": False,
    "tamper": False,
    "low_battery": False,
}
PARTITION = {
    "id": "1",
    "name": "House",
    "state": "disarmed",
    "arm_mode": None,
    "changed_by": None,
    "ready": True,
    "open_zones": [],
    "bypassed_zones": [],
    "supported_options": [],
    "exit_delay": 60,
    "entry_delay": 30,
}
DEEP = 100_000


class HostileHub:
    """Enough of a hub to be set up; everything else is up to the test."""

    def __init__(self) -> None:
        """Serve one partition with one zone; answer other commands as told."""
        self.seq = 0
        self.state: dict[str, Any] = {"partitions": [PARTITION], "zones": [ZONE]}
        #: cmd -> raw text to answer with, given the request (None: no answer).
        self.answers: dict[str, Callable[[dict[str, Any]], str | None]] = {}
        self.requests: list[str] = []
        self.ws: web.WebSocketResponse | None = None
        self.app = web.Application()
        self.app.router.add_get("/ws", self._serve)

    def event(self, name: str, data: Any, seq: Any = None) -> str:
        """Return an event numbered next (or as given) as raw text."""
        if seq is None:
            self.seq += 1
            seq = self.seq
        return json.dumps({"type": "evt", "seq": seq, "event": name, "data": data})

    async def push(self, raw: str) -> None:
        """Send raw text to the connected client."""
        assert self.ws is not None
        await self.ws.send_str(raw)

    async def _serve(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.ws = ws
        async for msg in ws:
            req = json.loads(msg.data)
            self.requests.append(req["cmd"])
            result: Any
            if req["cmd"] == "hello":
                result = {**HELLO, "seq": self.seq}
            elif req["cmd"] == "get_state":
                result = {"seq": self.seq, **copy.deepcopy(self.state)}
            else:
                if (raw := self.answers[req["cmd"]](req)) is not None:
                    await ws.send_str(raw)
                continue
            await ws.send_json(
                {"type": "res", "id": req["id"], "ok": True, "result": result}
            )
        return ws


@pytest.fixture
async def hostile(socket_enabled: None) -> AsyncGenerator[tuple[HostileHub, int]]:
    """Run the hostile hub on a loopback port."""
    hub = HostileHub()
    runner = web.AppRunner(hub.app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    assert site._server is not None
    yield hub, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    await runner.cleanup()


@pytest.fixture
async def entry(
    hass: HomeAssistant, hostile: tuple[HostileHub, int]
) -> AsyncGenerator[MockConfigEntry]:
    """Set the integration up on the hostile hub."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="AH1000001",
        data={
            CONF_TRANSPORT: TRANSPORT_NETWORK,
            CONF_HOST: "127.0.0.1",
            CONF_PORT: hostile[1],
            CONF_TOKEN: "token",
        },
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


def _hostile_events(hub: HostileHub) -> list[str]:
    zone = {**ZONE, "open": True}  # each would open the door if accepted
    return [
        "not json",
        "[]",
        "null",
        '{"type": "evt"}',
        hub.event("zone", zone, seq="7"),
        hub.event("zone", zone, seq=-1),
        hub.event("zone", zone, seq=2**70),  # would blind gap detection
        hub.event("zone", zone, seq=1.5),
        '{"type":"evt","seq":' + "9" * 5000 + ',"event":"zone","data":{}}',
        hub.event("zone", {**zone, "type": "laser"}),
        hub.event("zone", {**zone, "open": "yes"}),
        hub.event("zone", {k: v for k, v in zone.items() if k != "id"}),
        hub.event("zone", {**zone, "name": 10**400}),
        hub.event("zone", {**zone, "name": ["Front door"]}),
        hub.event("partition", {**PARTITION, "state": "exploded"}),
        hub.event(
            "partition", {**PARTITION, "state": "triggered", "exit_delay": 2**64}
        ),
        hub.event("partition", {**PARTITION, "open_zones": "1"}),
        hub.event("zone_removed", {"id": ["1"]}),
        hub.event("zone", [zone]),
        hub.event(["zone"], zone),
        '{"type":"evt","seq":1,"event":"zone","data":' + "[" * DEEP + "]" * DEEP + "}",
        json.dumps({"type": "res", "id": 12345, "ok": True, "result": {"x": 1}}),
        json.dumps({"type": "hack", "seq": 1, "event": "zone", "data": zone}),
    ]


async def test_hostile_events_change_nothing(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    hostile: tuple[HostileHub, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Garbage is dropped where it is parsed; a good event still works after."""
    hub, _ = hostile
    assert hass.states.get(DOOR).state == "off"
    written: list[str] = []
    hass.bus.async_listen(
        "state_changed", lambda e: written.append(e.data["entity_id"])
    )
    caplog.clear()
    for raw in _hostile_events(hub):
        await hub.push(raw)
        await settle(hass)
    assert written == []
    assert hass.states.get(DOOR).state == "off"
    assert entry.runtime_data.client.connected
    loud = [r for r in caplog.records if r.levelno > logging.DEBUG]
    assert not loud, [r.getMessage()[:200] for r in loud]
    assert "get_state" in hub.requests  # malformed state events led to a resync

    # Still working: the next good event shows at once.
    hub.state["zones"] = [{**ZONE, "open": True}]
    await hub.push(hub.event("zone", {**ZONE, "open": True}))
    await _wait(lambda: hass.states.get(DOOR).state == "on")


async def test_oversized_bus_event_is_dropped(
    hass: HomeAssistant, entry: MockConfigEntry, hostile: tuple[HostileHub, int]
) -> None:
    """A hub event for the bus with megabytes of junk is not forwarded."""
    hub, _ = hostile
    alarms = async_capture_events(hass, f"{DOMAIN}_alarm")
    junk = {"partition": "1", "zone": "1", "zone_name": "x" * 100_000}
    await hub.push(hub.event("alarm", junk))
    await hub.push(hub.event("alarm", {**junk, "zone_name": "Front door"}))
    await settle(hass)
    assert [e.data["zone_name"] for e in alarms] == ["Front door"]


async def test_oversized_frame_drops_the_connection(
    hass: HomeAssistant, entry: MockConfigEntry, hostile: tuple[HostileHub, int]
) -> None:
    """A message over 256 KiB closes the connection; it reconnects, unchanged."""
    hub, _ = hostile
    client = entry.runtime_data.client
    client.backoff = Backoff(initial=0.02, maximum=0.1)
    hellos = hub.requests.count("hello")
    await hub.push(hub.event("zone", {**ZONE, "open": True, "name": "x" * MAX_PAYLOAD}))
    await _wait(lambda: hub.requests.count("hello") > hellos and client.connected)
    await _wait(lambda: hass.states.get(DOOR).state == "off")
    assert hass.states.get(PANEL).state == "disarmed"


def _res(request: dict[str, Any], **fields: Any) -> str:
    return json.dumps({"type": "res", "id": request["id"], **fields})


HOSTILE_ANSWERS: list[tuple[Callable[[dict[str, Any]], str | None], type, str]] = [
    # Not a response the client can use: it is dropped and the request times out.
    (lambda r: _res(r, ok=True, result=[]), HomeAssistantError, "communication_error"),
    (
        lambda r: _res(r, id=str(r["id"]), ok=True),
        HomeAssistantError,
        "communication_error",
    ),
    (
        lambda r: _res(r, ok=False, error={"code": 7}),
        HomeAssistantError,
        "communication_error",
    ),
    (lambda r: None, HomeAssistantError, "communication_error"),
    # An unknown error code with an endless reason: a hub error, cut short.
    (
        lambda r: _res(r, ok=False, error={"code": "pwned", "reason": "x" * 100_000}),
        HomeAssistantError,
        "hub_rejected",
    ),
    # A known code with junk details: the usual error, nothing from the junk.
    (
        lambda r: _res(
            r,
            ok=False,
            error={
                "code": "zones_open",
                "reason": "",
                "details": {"zones": [[["x"]]] * 1000},
            },
        ),
        ServiceValidationError,
        "zones_open",
    ),
    (
        lambda r: _res(
            r,
            ok=False,
            error={
                "code": "zones_open",
                "reason": "",
                "details": {"zones": [{"name": "y" * 10**5}]},
            },
        ),
        ServiceValidationError,
        "zones_open",
    ),
]


@pytest.mark.parametrize(("answer", "error", "key"), HOSTILE_ANSWERS)
async def test_hostile_answers(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    hostile: tuple[HostileHub, int],
    answer: Callable[[dict[str, Any]], str | None],
    error: type[Exception],
    key: str,
) -> None:
    """A malformed or hostile answer to arming: a clean error, nothing written."""
    hub, _ = hostile
    hub.answers["arm"] = answer
    entry.runtime_data.client.request_timeout = 0.3
    written: list[str] = []
    hass.bus.async_listen(
        "state_changed", lambda e: written.append(e.data["entity_id"])
    )
    with pytest.raises(error) as err:
        await hass.services.async_call(
            "alarm_control_panel", "alarm_arm_away", {"entity_id": PANEL}, blocking=True
        )
    assert err.type is error
    assert err.value.translation_key == key
    assert len(str(err.value)) < 400
    await settle(hass)
    assert written == []
    assert hass.states.get(PANEL).state == "disarmed"


@pytest.mark.parametrize(
    "state",
    [
        {"partitions": "House"},
        {"partitions": [{**PARTITION, "state": "exploded"}]},
        {"zones": [{**ZONE, "partition": 1}]},
        {"partitions": [PARTITION], "zones": [ZONE], "seq": -5},
    ],
)
async def test_hostile_state_at_setup(
    hass: HomeAssistant, hostile: tuple[HostileHub, int], state: dict[str, Any]
) -> None:
    """A malformed get_state at set-up: set-up retries later, no entity made."""
    hub, port = hostile
    hub.state = state
    if "seq" in state:
        hub.seq = state.pop("seq")
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="AH1000001",
        data={
            CONF_TRANSPORT: TRANSPORT_NETWORK,
            CONF_HOST: "127.0.0.1",
            CONF_PORT: port,
            CONF_TOKEN: "token",
        },
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert hass.states.async_entity_ids() == []
    await asyncio.sleep(0)
