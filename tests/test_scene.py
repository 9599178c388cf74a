"""Hub scenes: activation runs actions across devices; failures are reported."""

from __future__ import annotations

import asyncio

from homeassistant.components.scene import DOMAIN as SCENE_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
from syrupy.assertion import SnapshotAssertion

from custom_components.alarmhub.const import DOMAIN
from simulator.hub import Hub
from simulator.locks import door_locks

from .common import settle, state_of

HOUSE = "alarm_control_panel.demo_home_house"
GARAGE = "alarm_control_panel.demo_home_garage"
GOODNIGHT = "scene.demo_home_goodnight"
LEAVING = "scene.demo_home_leaving_home"
LOCKS = ("lock.front_door_lock", "lock.back_door_lock")


async def activate(hass: HomeAssistant, entity_id: str) -> None:
    """Activate a scene through HA's scene action."""
    await hass.services.async_call(
        SCENE_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


@pytest.mark.usefixtures("init_integration")
async def test_entities(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, snapshot: SnapshotAssertion
) -> None:
    """Each hub scene is a scene entity on the hub's device."""
    entry_id = hass.config_entries.async_entries(DOMAIN)[0].entry_id
    entries = [
        e
        for e in er.async_entries_for_config_entry(entity_registry, entry_id)
        if e.domain == SCENE_DOMAIN
    ]
    assert sorted(e.entity_id for e in entries) == [GOODNIGHT, LEAVING]
    for entry in sorted(entries, key=lambda e: e.entity_id):
        assert entry == snapshot(name=f"{entry.entity_id}-entry")
        assert hass.states.get(entry.entity_id) == snapshot(
            name=f"{entry.entity_id}-state"
        )


@pytest.mark.usefixtures("init_integration")
async def test_goodnight_arms_stay_and_locks_both_without_a_poll(
    hass: HomeAssistant, hub: Hub
) -> None:
    """Goodnight: arm stay + both locks locked, in HA as soon as the call returns."""
    for lock_id in ("1", "2"):
        await hub.handle("unlock", {"lock": lock_id})
    await settle(hass)
    assert [state_of(hass, lock).state for lock in LOCKS] == ["unlocked", "unlocked"]
    results = async_capture_events(hass, f"{DOMAIN}_scene_result")
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data
    polls = 0
    real_get_state = coordinator.client.get_state

    async def counting_get_state(**kwargs: object) -> object:
        nonlocal polls
        polls += 1
        return await real_get_state(**kwargs)

    coordinator.client.get_state = counting_get_state
    await activate(hass, GOODNIGHT)
    # The hub pushed its changes before it answered: one loop turn shows them.
    await asyncio.sleep(0)
    await hass.async_block_till_done()
    assert state_of(hass, HOUSE).state == "arming"
    assert [state_of(hass, lock).state for lock in LOCKS] == ["locked", "locked"]
    assert polls == 0
    assert state_of(hass, GOODNIGHT).state != STATE_UNKNOWN
    await settle(hass)
    assert len(results) == 1
    assert results[0].data["entity_id"] == GOODNIGHT
    assert results[0].data["failed"] == 0


@pytest.mark.usefixtures("init_integration")
async def test_failed_action_is_reported(hass: HomeAssistant, hub: Hub) -> None:
    """Leaving home with the back door open: the error lists what failed."""
    hub.panel.set_zone("2", True)
    await settle(hass)
    results = async_capture_events(hass, f"{DOMAIN}_scene_result")
    with pytest.raises(ServiceValidationError) as err:
        await activate(hass, LEAVING)
    assert err.value.translation_key == "scene_failed"
    placeholders = err.value.translation_placeholders
    assert placeholders["scene"] == "Leaving home"
    assert placeholders["failed"] == "arm House (away): open Back door"
    assert (placeholders["count"], placeholders["total"]) == ("1", "4")
    assert str(err.value) == (
        "1 of the 4 actions of scene Leaving home failed: "
        "arm House (away): open Back door"
    )
    await settle(hass)
    # The other actions ran.
    assert state_of(hass, HOUSE).state == "disarmed"
    assert state_of(hass, GARAGE).state == "arming"
    assert [state_of(hass, lock).state for lock in LOCKS] == ["locked", "locked"]
    assert len(results) == 1
    failed = [r for r in results[0].data["results"] if not r["ok"]]
    assert [(r["action"], r["target_name"], r["code"]) for r in failed] == [
        ("arm", "House", "zones_open")
    ]


@pytest.mark.usefixtures("init_integration")
async def test_hub_failure_is_not_the_users_fault(
    hass: HomeAssistant, hub: Hub
) -> None:
    """A lock that does not answer: a HomeAssistantError, not a validation error."""
    door_locks(hub).lock("1").set_responsive(False)
    with pytest.raises(HomeAssistantError) as err:
        await activate(hass, GOODNIGHT)
    assert not isinstance(err.value, ServiceValidationError)
    assert "lock Front door lock" in str(err.value)
