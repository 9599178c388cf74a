"""Faults in the middle of a request: nothing lost, nothing done twice.

Every operation of tests/operations.py is interrupted by every fault, at two
moments: before the hub carries it out, and after it did but before its
answer arrived (the case where a blind retry would do it twice). Afterwards:

* the service call came back (an answer or a clear error), it did not hang;
* the hub carried the request out exactly once when it had started to, or
  when HA keeps it until confirmed (code changes); otherwise not at all, and
  the user got an error saying so;
* the entities came back, showing exactly the hub's state.

The hub going away and coming back (logs, reboots with ``seq`` reset, the
serial line) is in tests/test_init.py; the HA restart during an exit delay is
below.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.components.alarm_control_panel import DOMAIN as PANEL_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_ALARM_ARM_AWAY
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.panels.base import Backoff
from custom_components.alarmhub.panels.hub.protocol import Event
from simulator.clock import ManualClock
from simulator.hub import Hub
from simulator.server import SimulatorServer

from .common import settle
from .operations import GROUPS, HOUSE
from .truth import Truth

type Fault = Callable[
    [HomeAssistant, MockConfigEntry, SimulatorServer], Awaitable[None]
]


async def _drop(
    hass: HomeAssistant, entry: MockConfigEntry, sim: SimulatorServer
) -> None:
    await sim.drop_connections()


async def _hub_restart(
    hass: HomeAssistant, entry: MockConfigEntry, sim: SimulatorServer
) -> None:
    port = sim.port
    await sim.stop()
    sim.port = port
    await sim.start()


async def _ha_restart(
    hass: HomeAssistant, entry: MockConfigEntry, sim: SimulatorServer
) -> None:
    assert await hass.config_entries.async_reload(entry.entry_id)


FAULTS: dict[str, Fault] = {
    "connection_drop": _drop,
    "hub_restart": _hub_restart,
    "ha_restart": _ha_restart,
}


class Gate:
    """Hold the hub's first ``command`` where the fault should strike."""

    def __init__(self, hub: Hub, command: str, *, carried_out: bool) -> None:
        """Wrap the handler; ``carried_out``: hold after it ran, not before."""
        self.entered = asyncio.Event()
        handler = hub.commands[command]

        async def held(args: dict[str, Any]) -> dict[str, Any]:
            hub.commands[command] = handler  # only the first call is held
            if carried_out:
                await handler(args)
            self.entered.set()
            await asyncio.Event().wait()  # the answer never leaves the hub
            raise AssertionError("unreachable")

        hub.commands[command] = held


async def _outcome(call: Awaitable[Any]) -> str:
    try:
        response = await call
    except HomeAssistantError as err:
        return f"error:{err.translation_key}"
    if isinstance(response, dict) and "status" in response:
        return str(response["status"])
    return "ok"


#: Only a guard against a hang: every wait below ends as soon as what it waits
#: for has happened, however slow the machine (a cold one runs ffmpeg and
#: builds caches for the first time here).
HANG = 120


async def _wait(check: Callable[[], bool], seconds: float = HANG) -> None:
    async with asyncio.timeout(seconds):
        while not check():
            await asyncio.sleep(0.01)


@pytest.mark.parametrize("moment", ["before", "after"])
@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("group", list(GROUPS))
async def test_fault_during_operations(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatorServer,
    hub: Hub,
    group: str,
    fault: str,
    moment: str,
) -> None:
    """No request is lost or carried out twice, whatever breaks, whenever."""
    operations = GROUPS[group]
    entry = init_integration
    entry.runtime_data.client.backoff = Backoff(initial=0.02, maximum=0.1)
    for operation in operations:
        operation.prepare(hub)
    await settle(hass)
    effects: dict[str, list[Event]] = {}
    for operation in operations:
        effect, found = operation.effect(), effects.setdefault(operation.name, [])
        hub.listen(lambda e, effect=effect, found=found: effect(e) and found.append(e))
    unavailable: list[str] = []
    hass.bus.async_listen(
        "state_changed",
        lambda e: (
            unavailable.append(e.data["entity_id"])
            if e.data["new_state"] and e.data["new_state"].state == "unavailable"
            else None
        ),
    )
    gates = [
        Gate(hub, operation.command, carried_out=moment == "after")
        for operation in operations
    ]
    calls = [
        hass.async_create_task(_outcome(operation.call(hass, entry.entry_id, hub)))
        for operation in operations
    ]
    entered = [asyncio.ensure_future(gate.entered.wait()) for gate in gates]
    async with asyncio.timeout(HANG):
        for gate, call in zip(entered, calls, strict=True):
            await asyncio.wait([gate, call], return_when=asyncio.FIRST_COMPLETED)
            assert gate.done(), f"answered before reaching the hub: {call.result()}"

    await FAULTS[fault](hass, entry, simulator)
    async with asyncio.timeout(HANG):
        outcomes = await asyncio.gather(*calls)  # answers or errors, no hang
    await _wait(lambda: hass.states.get(HOUSE).state != "unavailable")
    for operation in operations:
        if operation.replayed:
            await _wait(lambda name=operation.name: len(effects[name]) >= 1)
    await settle(hass)

    for operation, outcome in zip(operations, outcomes, strict=True):
        happened = moment == "after" or operation.replayed
        count = len(effects[operation.name])
        assert count == (1 if happened else 0), (operation.name, outcome, count)
        if not happened:  # the user was told
            assert outcome.startswith("error:"), (operation.name, outcome)
    if fault != "ha_restart":
        assert HOUSE in unavailable  # the hub was seen to go away...
    truth = Truth(hass, hub, entry.entry_id)
    await _wait(lambda: truth.shown() == truth.expected())  # ...and came back


async def test_ha_restart_during_exit_delay(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    clock: ManualClock,
) -> None:
    """HA restarts while the hub counts the exit delay: still arming, armed once."""
    arms: list[Event] = []
    hub.listen(lambda e: arms.append(e) if e.event == "partition" else None)
    await hass.services.async_call(
        PANEL_DOMAIN, SERVICE_ALARM_ARM_AWAY, {ATTR_ENTITY_ID: HOUSE}, blocking=True
    )
    await settle(hass)
    assert hass.states.get(HOUSE).state == "arming"
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await settle(hass)
    assert hass.states.get(HOUSE).state == "arming"
    clock.advance(60)
    await settle(hass)
    assert hass.states.get(HOUSE).state == "armed_away"
    assert [e.data["state"] for e in arms if e.data["id"] == "1"] == [
        "arming",
        "armed_away",
    ]
