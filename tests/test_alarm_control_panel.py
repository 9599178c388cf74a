"""Alarm panels: states, arming rules, delays and codes, over both transports."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.components.alarm_control_panel import DOMAIN as PANEL_DOMAIN
from homeassistant.const import (
    ATTR_CODE,
    ATTR_ENTITY_ID,
    SERVICE_ALARM_ARM_AWAY,
    SERVICE_ALARM_ARM_HOME,
    SERVICE_ALARM_ARM_NIGHT,
    SERVICE_ALARM_DISARM,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from simulator.clock import ManualClock
from simulator.hub import Hub
from simulator.panel import SimPartition

HOUSE = "alarm_control_panel.demo_home_house"
GOOD_CODE = "4826"  # Alex, in the demo site


@pytest.fixture(params=["network", "serial"])
def config_entry(
    request: pytest.FixtureRequest,
    network_entry: MockConfigEntry,
    serial_entry: MockConfigEntry,
) -> MockConfigEntry:
    """Run every test here over WebSocket and over the serial pty."""
    return network_entry if request.param == "network" else serial_entry


async def settle(hass: HomeAssistant) -> None:
    """Let pushed events reach HA (real sockets: a few loop turns)."""
    for _ in range(5):
        await asyncio.sleep(0.01)
        await hass.async_block_till_done()


async def call(hass: HomeAssistant, service: str, **data: str) -> None:
    await hass.services.async_call(
        PANEL_DOMAIN, service, {ATTR_ENTITY_ID: HOUSE, **data}, blocking=True
    )
    await settle(hass)


def state(hass: HomeAssistant) -> str:
    current = hass.states.get(HOUSE)
    assert current is not None
    return current.state


@pytest.mark.usefixtures("init_integration")
async def test_entities(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, snapshot: SnapshotAssertion
) -> None:
    """Every partition has a panel; states and registry entries are as expected."""
    entries = er.async_entries_for_config_entry(
        entity_registry, hass.config_entries.async_entries("alarmhub")[0].entry_id
    )
    for entry in sorted(entries, key=lambda e: e.entity_id):
        if entry.domain != PANEL_DOMAIN:
            continue
        assert entry == snapshot(name=f"{entry.entity_id}-entry")
        assert hass.states.get(entry.entity_id) == snapshot(
            name=f"{entry.entity_id}-state"
        )


@pytest.mark.usefixtures("init_integration")
async def test_arm_away_with_door_open_is_refused(
    hass: HomeAssistant, hub: Hub
) -> None:
    """Arm away with a door open: a translated error naming the door; no change."""
    hub.panel.set_zone("1", True)
    await settle(hass)
    seq = hub.seq
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, SERVICE_ALARM_ARM_AWAY)
    assert err.value.translation_key == "zones_open"
    assert err.value.translation_placeholders["zones"] == "Front door"
    assert "Front door" in str(err.value)
    assert state(hass) == "disarmed"
    assert hub.panel.partitions["1"].state.value == "disarmed"
    # Only the refusal itself was announced: nothing changed.
    assert hub.seq == seq + 1


@pytest.mark.usefixtures("init_integration")
async def test_arm_stay_ignores_motion(
    hass: HomeAssistant, hub: Hub, clock: ManualClock
) -> None:
    """Armed stay arms contact sensors only: motion raises no alarm."""
    await call(hass, SERVICE_ALARM_ARM_HOME)
    assert state(hass) == "arming"
    clock.advance(60)
    await settle(hass)
    assert state(hass) == "armed_home"
    hub.panel.walk_past("5")
    await settle(hass)
    assert hass.states.get("binary_sensor.demo_home_house_hallway_motion").state == "on"
    assert state(hass) == "armed_home"


@pytest.mark.usefixtures("init_integration")
async def test_arm_away_entry_delay_then_triggered(
    hass: HomeAssistant, hub: Hub, clock: ManualClock
) -> None:
    """Away: exit delay, then a door opens: pending, then triggered in time."""
    await call(hass, SERVICE_ALARM_ARM_AWAY)
    assert state(hass) == "arming"
    clock.advance(60)
    await settle(hass)
    assert state(hass) == "armed_away"
    hub.panel.set_zone("1", True)
    await settle(hass)
    assert state(hass) == "pending"
    clock.advance(29)
    await settle(hass)
    assert state(hass) == "pending"
    clock.advance(1)
    await settle(hass)
    assert state(hass) == "triggered"
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, SERVICE_ALARM_DISARM, **{ATTR_CODE: "0000"})
    assert err.value.translation_key == "invalid_code_attempts"
    assert state(hass) == "triggered"
    await call(hass, SERVICE_ALARM_DISARM, **{ATTR_CODE: GOOD_CODE})
    assert state(hass) == "disarmed"
    assert hass.states.get(HOUSE).attributes["changed_by"] == "Alex"


@pytest.mark.usefixtures("init_integration")
async def test_disarm_during_entry_delay(
    hass: HomeAssistant, hub: Hub, clock: ManualClock
) -> None:
    """Disarming in time stops the alarm."""
    await call(hass, SERVICE_ALARM_ARM_AWAY)
    clock.advance(60)
    hub.panel.set_zone("2", True)
    await settle(hass)
    assert state(hass) == "pending"
    await call(hass, SERVICE_ALARM_DISARM, **{ATTR_CODE: GOOD_CODE})
    clock.advance(120)
    await settle(hass)
    assert state(hass) == "disarmed"


@pytest.mark.usefixtures("init_integration")
async def test_arm_night_and_window(
    hass: HomeAssistant, hub: Hub, clock: ManualClock
) -> None:
    """Night arms contacts: a window (no entry delay) triggers at once."""
    await call(hass, SERVICE_ALARM_ARM_NIGHT)
    clock.advance(60)
    await settle(hass)
    assert state(hass) == "armed_night"
    hub.panel.set_zone("3", True)
    await settle(hass)
    assert state(hass) == "triggered"


@pytest.mark.usefixtures("init_integration")
async def test_disarm_needs_a_code(hass: HomeAssistant) -> None:
    """Disarming without a code is the user's mistake, said clearly."""
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, SERVICE_ALARM_DISARM)
    assert err.value.translation_key == "code_required"


@pytest.mark.usefixtures("init_integration")
async def test_wrong_codes_lock_out(hass: HomeAssistant, hub: Hub) -> None:
    """Five wrong codes lock the keypad; even the right code is then refused."""
    await call(hass, SERVICE_ALARM_ARM_HOME)
    for left in (4, 3, 2, 1):
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, SERVICE_ALARM_DISARM, **{ATTR_CODE: "1111"})
        assert err.value.translation_key == "invalid_code_attempts"
        assert err.value.translation_placeholders == {"attempts_left": str(left)}
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, SERVICE_ALARM_DISARM, **{ATTR_CODE: "1111"})
    assert err.value.translation_key == "locked_out"
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, SERVICE_ALARM_DISARM, **{ATTR_CODE: GOOD_CODE})
    assert err.value.translation_key == "locked_out"
    assert "300" in str(err.value)
    hub.clock.advance(301)  # type: ignore[attr-defined]
    await call(hass, SERVICE_ALARM_DISARM, **{ATTR_CODE: GOOD_CODE})
    assert state(hass) == "disarmed"


@pytest.mark.usefixtures("init_integration")
async def test_zone_push_is_immediate(hass: HomeAssistant, hub: Hub) -> None:
    """A zone opened at the hub shows in HA by its push, not by the 30 s poll.

    The harness never fires HA's poll timer unless a test moves time, and no
    ``get_state`` reaches the hub meanwhile: the push alone brought it (how
    fast is a benchmark's business, bench/latency.py).
    """
    polls: list[dict[str, Any]] = []
    get_state = hub.commands["get_state"]

    async def counted(args: dict[str, Any]) -> dict[str, Any]:
        polls.append(args)
        return await get_state(args)

    hub.commands["get_state"] = counted
    hub.panel.set_zone("4", True)
    async with asyncio.timeout(60):  # a hang guard only
        # The zone's event and the partition's (its readiness) are two pushes.
        while (
            hass.states.get("binary_sensor.demo_home_house_kitchen_window").state
            != "on"
            or hass.states.get(HOUSE).attributes["ready"] is not False
        ):
            await asyncio.sleep(0.001)
    assert polls == []
    attributes = hass.states.get(HOUSE).attributes
    assert attributes["open_zones"] == ["Kitchen window"]
    assert attributes["ready"] is False


async def test_partition_added_at_the_hub(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """A partition the installer adds gets its panel (and device) at once."""
    hub.panel.add_partition(
        SimPartition(
            id="3",
            name="Workshop",
            exit_delay=30,
            entry_delay=15,
            options=frozenset(),
        )
    )
    await settle(hass)
    workshop = hass.states.get("alarm_control_panel.demo_home_workshop")
    assert workshop is not None
    assert workshop.state == "disarmed"
