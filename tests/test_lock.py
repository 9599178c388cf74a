"""Door locks: lock entities, and user codes pushed to locks as ZCL frames."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.alarmhub.panels.hub.protocol import ErrorCode
from simulator.clock import ManualClock
from simulator.hub import Hub
from simulator.locks import door_locks

from .codes_helpers import BACK, FRONT, action, lock_sync, settle

# Some of the sensors these tests read are disabled by default.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

CODE = "583920"


@pytest.fixture
def site(site: dict[str, Any]) -> dict[str, Any]:
    """The demo site, with a back door lock that takes 2 s to move."""
    site["locks"][1]["travel_seconds"] = 2
    return site


@pytest.mark.usefixtures("init_integration")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """A lock entity per lock, each on its own device reached through the hub."""
    for entity_id in (FRONT, BACK):
        entry = entity_registry.async_get(entity_id)
        assert entry == snapshot(name=f"{entity_id}-entry")
        assert hass.states.get(entity_id) == snapshot(name=f"{entity_id}-state")
        device = device_registry.async_get(entry.device_id)
        hub_device = device_registry.async_get(device.via_device_id)
        assert hub_device.serial_number == "AH1000001"
        assert device.name == hass.states.get(entity_id).name


async def lock_service(hass: HomeAssistant, service: str, entity_id: str) -> None:
    await hass.services.async_call(
        LOCK_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    await settle(hass)


@pytest.mark.usefixtures("init_integration")
async def test_lock_states(hass: HomeAssistant, hub: Hub, clock: ManualClock) -> None:
    """Unlocking, unlocked, locking, jammed, locked: each shown as it happens."""
    await lock_service(hass, "unlock", BACK)
    assert hass.states.get(BACK).state == "unlocking"
    clock.advance(2)
    await settle(hass)
    assert hass.states.get(BACK).state == "unlocked"
    door_locks(hub).locks["2"].jam_next = True
    await lock_service(hass, "lock", BACK)
    assert hass.states.get(BACK).state == "locking"
    clock.advance(2)
    await settle(hass)
    assert hass.states.get(BACK).state == "jammed"
    await lock_service(hass, "lock", BACK)
    clock.advance(2)
    await settle(hass)
    assert hass.states.get(BACK).state == "locked"
    await lock_service(hass, "unlock", FRONT)
    assert hass.states.get(FRONT).state == "unlocked"


@pytest.mark.usefixtures("init_integration")
async def test_lock_that_does_not_answer(hass: HomeAssistant, hub: Hub) -> None:
    """A lock the hub reports offline is unavailable; a silent one times out."""
    lock = door_locks(hub).locks["1"]
    lock.set_responsive(False)
    await settle(hass)
    assert hass.states.get(FRONT).state == "unavailable"
    lock.set_responsive(True)
    await settle(hass)
    assert hass.states.get(FRONT).state == "locked"
    lock.responsive = False  # stops answering before the hub noticed
    with pytest.raises(HomeAssistantError) as err:
        await lock_service(hass, "unlock", FRONT)
    assert err.value.translation_key == "hub_rejected"
    assert "the lock did not answer" in str(err.value)


async def test_code_on_two_locks_then_removed_from_one(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """Both locks report in sync; after removal, that lock refuses the code."""
    locks = door_locks(hub).locks
    response = await action(
        hass,
        "add_user",
        init_integration.entry_id,
        name="Kim",
        code=CODE,
        locks=[FRONT, BACK],
    )
    assert response["locks"] == {FRONT: "in_sync", BACK: "in_sync"}
    assert lock_sync(hass, "4", "1") == ("in_sync", None)
    assert lock_sync(hass, "4", "2") == ("in_sync", None)
    assert locks["1"].pins == {3: CODE} == locks["2"].pins  # ZCL user id = slot - 1
    # The user's own status sensor lists every lock (no sensor per lock: that
    # was 4,000 entities on a site of 250 users and 16 locks).
    assert not [
        s for s in hass.states.async_all("sensor") if "door_lock" in s.entity_id
    ]
    status = hass.states.get("sensor.demo_home_kim_code_status")
    assert status is not None
    assert status.attributes["locks"] == {
        "Front door lock": "in_sync",
        "Back door lock": "in_sync",
    }

    response = await action(
        hass, "remove_code_from_locks", init_integration.entry_id, slot=4, locks=[BACK]
    )
    assert response == {"locks": {BACK: "removed"}, "lock_errors": {}}
    assert lock_sync(hass, "4", "2") == (None, None)  # gone with the code
    assert lock_sync(hass, "4", "1") == ("in_sync", None)
    assert not locks["2"].keypad(CODE)
    assert locks["1"].keypad(CODE)
    await settle(hass)
    assert hass.states.get(FRONT).state == "unlocked"


async def test_code_added_later_needs_the_users_code(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    clock: ManualClock,
) -> None:
    """A PIN that is not the user's is a wrong code: counted, never confirmed."""
    entry_id = init_integration.entry_id
    errors = []
    for _ in range(5):
        with pytest.raises(ServiceValidationError) as err:
            await action(
                hass, "add_code_to_locks", entry_id, slot=1, code="7391", locks=[FRONT]
            )
        errors.append(err.value)
    assert [e.translation_key for e in errors] == [
        *["invalid_code_attempts"] * 4,
        "locked_out",
    ]
    assert errors[0].translation_placeholders == {"attempts_left": "4"}
    assert all("7391" not in str(e) for e in errors)
    # Locked out: the right code is refused exactly as a wrong one.
    for code in ("4826", "7391"):
        with pytest.raises(ServiceValidationError) as err:
            await action(
                hass, "add_code_to_locks", entry_id, slot=1, code=code, locks=[FRONT]
            )
        assert err.value.translation_key == "locked_out"
    assert door_locks(hub).locks["1"].pins == {}
    clock.advance(300)
    response = await action(
        hass, "add_code_to_locks", entry_id, slot=1, code="4826", locks=[FRONT]
    )
    assert response["locks"] == {FRONT: "in_sync"}


async def test_lock_refuses_duplicate(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """A code the lock already has elsewhere: a failed sync, with the reason."""
    door_locks(hub).locks["2"].pins[199] = CODE  # set at the door's own keypad
    events = async_capture_events(hass, "alarmhub_code_failed")
    response = await action(
        hass,
        "add_user",
        init_integration.entry_id,
        name="Kim",
        code=CODE,
        locks=[FRONT, BACK],
    )
    assert response["locks"] == {FRONT: "in_sync", BACK: "failed"}
    assert response["lock_errors"] == {BACK: "duplicate_code"}
    assert lock_sync(hass, "4", "2") == ("failed", "duplicate_code")
    assert [e.data["reason"] for e in events] == ["duplicate_code"]
    assert events[0].data["lock_name"] == "Back door lock"


async def test_pin_length_of_the_lock(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """A lock that takes 7 or 8 digits: a shorter code is refused before sending."""
    coordinator = init_integration.runtime_data
    lock = coordinator.data.locks["2"]
    coordinator.data.locks["2"] = type(lock)(
        **{**{f: getattr(lock, f) for f in lock.__slots__}, "min_pin_length": 7}
    )
    with pytest.raises(ServiceValidationError) as err:
        await action(
            hass,
            "add_user",
            init_integration.entry_id,
            name="Kim",
            code=CODE,
            locks=[BACK],
        )
    assert err.value.translation_key == "code_length_lock"
    assert "Back door lock takes codes of 7 to 8 digits" in str(err.value)
    with pytest.raises(ServiceValidationError):
        await action(
            hass, "add_user", init_integration.entry_id, name="Kim", locks=[BACK]
        )
    response = await action(
        hass,
        "add_user",
        init_integration.entry_id,
        name="Kim",
        code_length=8,
        locks=[BACK],
    )
    assert len(response["code"]) == 8
    assert response["locks"] == {BACK: "in_sync"}


async def test_lock_that_does_not_answer_is_retried_with_backoff(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
) -> None:
    lock = door_locks(hub).locks["2"]
    attempts: list[bool] = []
    carry = hub.commands["lock_zcl"]

    async def counted(args: dict[str, Any]) -> dict[str, Any]:
        attempts.append(lock.responsive)
        return await carry(args)

    hub.commands["lock_zcl"] = counted
    lock.set_responsive(False)
    await settle(hass)
    response = await action(
        hass,
        "add_code_to_locks",
        init_integration.entry_id,
        slot=1,
        code="4826",
        locks=[BACK],
    )
    assert response == {
        "locks": {BACK: "retrying"},
        "lock_errors": {BACK: ErrorCode.TIMEOUT},
    }
    assert lock_sync(hass, "1", "2") == ("failed", "no_answer")

    async def after(seconds: float) -> None:
        """Fire the timers due ``seconds`` from now (HA's loop clock is real)."""
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
        await settle(hass)

    await after(14)
    assert attempts == [False]
    await after(15.5)  # the second try, 15 s after the first
    assert attempts == [False, False]
    await after(29)  # the delay doubled
    assert len(attempts) == 2
    lock.set_responsive(True)
    await after(30.5)
    assert attempts == [False, False, True]
    assert lock_sync(hass, "1", "2") == ("in_sync", None)
    assert lock.pins == {0: "4826"}
