"""One person, one code: on the panel, the hub's locks and the household's."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.panels.hub import ArmMode
from simulator.hub import Hub
from simulator.locks import door_locks
from simulator.server import SimulatorServer

from ..codes_helpers import BACK, FRONT, action, settle, wait_for
from .conftest import GARAGE, OUTSIDE, PATIO, SIDE
from .stacks import FakeLock, Stacks

CODE = "583920"
STATUS = "sensor.demo_home_kim_code_status"
ALL = [FRONT, BACK, SIDE, GARAGE, PATIO]


async def test_one_code_on_every_lock_then_deleted(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    stacks: Stacks,
    side: FakeLock,
    garage: FakeLock,
    patio: FakeLock,
) -> None:
    """Adding Kim with five locks puts one code on all; deleting clears them all."""
    response = await action(
        hass, "add_user", init_integration.entry_id, name="Kim", code=CODE, locks=ALL
    )
    assert response["locks"] == dict.fromkeys(ALL, "in_sync")
    assert response["lock_errors"] == {}
    assert hub.panel.users[4].code == CODE
    assert (
        door_locks(hub).locks["1"].pins == {3: CODE} == door_locks(hub).locks["2"].pins
    )
    # The first free slot where the lock can be read, the last where it cannot.
    assert side.codes == {**OUTSIDE[SIDE], 2: CODE}
    assert patio.codes == {**OUTSIDE[PATIO], 2: CODE}
    assert garage.codes == {**OUTSIDE[GARAGE], 30: CODE}
    assert garage.enabled == {30}
    status = hass.states.get(STATUS)
    assert status.attributes["locks"] == {
        "Front door lock": "in_sync",
        "Back door lock": "in_sync",
        "Side door": "in_sync",
        "Garage door": "in_sync",
        "Patio door": "in_sync",
    }
    assert "lock_errors" not in status.attributes

    response = await action(hass, "delete_user", init_integration.entry_id, slot=4)
    assert response["locks"] == dict.fromkeys(ALL, "removed")
    assert 4 not in hub.panel.users
    for entity_id, lock in stacks.locks.items():
        assert lock.codes == OUTSIDE[entity_id]  # nothing else's codes touched
        assert all(slot != 1 for _, slot in lock.changes)


async def test_household_locks_while_armed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    side: FakeLock,
) -> None:
    """Armed away: a guest's code goes on and off a household lock; the
    panel's own locks and the person's code itself stay disarmed-only."""
    hub.panel.arm("2", ArmMode.AWAY)
    await settle(hass)
    response = await action(
        hass,
        "add_code_to_locks",
        init_integration.entry_id,
        slot=1,
        code="4826",
        locks=[SIDE],
    )
    assert response == {"locks": {SIDE: "in_sync"}, "lock_errors": {}}
    assert side.codes[2] == "4826"
    for service, data in (
        ("add_code_to_locks", {"slot": 1, "code": "4826", "locks": [SIDE, FRONT]}),
        ("remove_code_from_locks", {"slot": 1, "locks": [FRONT]}),
        ("update_user", {"slot": 1, "code": "483920"}),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await action(hass, service, init_integration.entry_id, **data)
        assert err.value.translation_key == "system_armed"
    response = await action(
        hass, "remove_code_from_locks", init_integration.entry_id, slot=1, locks=[SIDE]
    )
    assert response == {"locks": {SIDE: "removed"}, "lock_errors": {}}
    assert side.codes == OUTSIDE[SIDE]


@pytest.mark.usefixtures("stacks")
async def test_new_code_follows_to_household_locks(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    side: FakeLock,
    patio: FakeLock,
) -> None:
    """Changing the person's code replaces it in the same slots."""
    await action(
        hass,
        "add_user",
        init_integration.entry_id,
        name="Kim",
        code=CODE,
        locks=[SIDE, PATIO],
    )
    response = await action(
        hass, "update_user", init_integration.entry_id, slot=4, code="7130468"
    )
    assert response["locks"] == {SIDE: "in_sync", PATIO: "in_sync"}
    assert side.codes[2] == "7130468" == patio.codes[2]
    assert len(side.codes) == 2 == len(patio.codes)


async def test_refusals_change_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    stacks: Stacks,
    patio: FakeLock,
) -> None:
    """A code a lock cannot take names the lock and its limits; a lock
    without user codes is named; neither the panel nor any lock changes."""
    patio.min_pin = 7
    er.async_get(hass).async_get_or_create(
        "lock", "demo", "porch", suggested_object_id="porch"
    )
    before = dict(hub.panel.users)
    for data, key, placeholders in (
        (
            {"code": CODE, "locks": [SIDE, PATIO]},
            "code_length_lock",
            {"lock": "Patio door", "min": "7", "max": "8"},
        ),
        (
            {"code": CODE, "locks": [SIDE, "lock.porch"]},
            "lock_without_codes",
            {"entity_id": "lock.porch"},
        ),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await action(
                hass, "add_user", init_integration.entry_id, name="Kim", **data
            )
        assert err.value.translation_key == key
        assert err.value.translation_placeholders == placeholders
    assert hub.panel.users == before
    assert all(lock.codes == OUTSIDE[e] for e, lock in stacks.locks.items())
    assert "Patio door takes codes of 7 to 8 digits" in str(
        await _message(
            hass, "code_length_lock", {"lock": "Patio door", "min": "7", "max": "8"}
        )
    )


async def _message(hass: HomeAssistant, key: str, placeholders: dict[str, str]) -> str:
    err = ServiceValidationError(
        translation_domain="alarmhub",
        translation_key=key,
        translation_placeholders=placeholders,
    )
    return str(err)


@pytest.mark.usefixtures("stacks")
async def test_user_not_on_the_panel_yet(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatorServer,
    hub: Hub,
    side: FakeLock,
) -> None:
    """While the hub is away the new user has no slot: the household lock gets
    the code once the queued change has made the user, across an HA restart."""
    port = simulator.port
    await simulator.stop()
    await wait_for(hass, lambda: hass.states.get(FRONT).state == "unavailable")
    response = await action(
        hass, "add_user", init_integration.entry_id, name="Kim", code=CODE, locks=[SIDE]
    )
    assert response["status"] == "queued"
    assert response["locks"] == {SIDE: "queued"}
    assert side.codes == OUTSIDE[SIDE]
    # HA restarts while the hub is still away: the change waits in the store.
    assert not await hass.config_entries.async_reload(init_integration.entry_id)
    simulator.port = port
    await simulator.start()
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await wait_for(hass, lambda: 4 in hub.panel.users)
    await wait_for(hass, lambda: side.codes == {**OUTSIDE[SIDE], 2: CODE})
    household = init_integration.runtime_data.household
    await wait_for(hass, lambda: household.status(4)[0].get(SIDE) == "in_sync")


@pytest.mark.usefixtures("stacks")
async def test_household_locks_add_no_entities(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Codes on household locks are attributes of the user's one status sensor,
    never entities (250 users x 16 locks must not add thousands)."""
    registry = er.async_get(hass)
    before = len(registry.entities)
    response = await action(
        hass,
        "add_code_to_locks",
        init_integration.entry_id,
        slot=1,
        code="4826",
        locks=[SIDE, GARAGE, PATIO],
    )
    assert response["locks"] == dict.fromkeys([SIDE, GARAGE, PATIO], "in_sync")
    assert len(registry.entities) == before
    status = hass.states.get("sensor.demo_home_alex_code_status")
    assert status.attributes["locks"] == dict.fromkeys(
        ["Side door", "Garage door", "Patio door"], "in_sync"
    )
