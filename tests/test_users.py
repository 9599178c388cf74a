"""Users and their codes from HA: actions, statuses, events, refusals."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.alarmhub.panels.hub import ArmMode, PartitionState
from custom_components.alarmhub.panels.hub.codes import check_code
from simulator.clock import ManualClock
from simulator.hub import Hub

from .codes_helpers import action, entity_id, settle, state

CODE = "583920"
KIM_STATUS = "sensor.demo_home_kim_code_status"


def users(hub: Hub) -> dict[int, tuple[str, str, str]]:
    return {s: (u.name, u.code, u.status) for s, u in hub.panel.users.items()}


@pytest.mark.usefixtures("init_integration")
async def test_entities(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, snapshot: SnapshotAssertion
) -> None:
    """Each demo user has a code status and a last-changed sensor."""
    entries = er.async_entries_for_config_entry(
        entity_registry, hass.config_entries.async_entries("alarmhub")[0].entry_id
    )
    for entry in sorted(entries, key=lambda e: e.entity_id):
        if entry.domain != "sensor" or "_user_" not in entry.unique_id:
            continue
        assert entry == snapshot(name=f"{entry.entity_id}-entry")
        assert hass.states.get(entry.entity_id) == snapshot(
            name=f"{entry.entity_id}-state"
        )


async def test_add_user_pending_then_active(
    hass: HomeAssistant, init_integration: MockConfigEntry, clock: ManualClock
) -> None:
    """A new code is pending for the demo's 180 s, then active, with an event."""
    events = async_capture_events(hass, "alarmhub_code_active")
    response = await action(
        hass, "add_user", init_integration.entry_id, name="Kim", code=CODE
    )
    assert response == {
        "status": "done",
        "slot": 4,
        "name": "Kim",
        "code_status": "pending",
        "locks": {},
        "lock_errors": {},
    }
    assert hass.states.get(KIM_STATUS).state == "pending"
    changed = hass.states.get("sensor.demo_home_kim_code_last_changed")
    assert changed.state == "2026-09-21T14:13:20+00:00"
    clock.advance(179)
    await settle(hass)
    assert hass.states.get(KIM_STATUS).state == "pending"
    assert events == []
    clock.advance(1)
    await settle(hass)
    assert hass.states.get(KIM_STATUS).state == "active"
    assert [e.data for e in events] == [
        {"config_entry_id": init_integration.entry_id, "slot": 4, "name": "Kim"}
    ]


async def test_add_user_random_code(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """A random code comes back once, in the response, and is the hub's."""
    response = await action(
        hass, "add_user", init_integration.entry_id, name="Kim", code_length=8
    )
    code = response["code"]
    assert len(code) == 8
    check_code(code, taken={"4826", "7391", "5064", "8315"})
    assert hub.panel.users[4].code == code
    assert all(code not in str(s.as_dict()) for s in hass.states.async_all())


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("add_user", {"name": "Kim", "code": CODE}),
        ("add_user", {"name": "Kim"}),
        ("update_user", {"slot": 2, "code": CODE}),
        ("update_user", {"slot": 2, "random_code": True}),
        ("update_user", {"slot": 2, "name": "Samuel"}),
        ("delete_user", {"slot": 2}),
        (
            "add_code_to_locks",
            {"slot": 1, "code": "4826", "locks": ["lock.front_door_lock"]},
        ),
        ("remove_code_from_locks", {"slot": 1, "locks": ["lock.front_door_lock"]}),
    ],
)
@pytest.mark.parametrize("hub_knows_first", [False, True])
async def test_edits_refused_while_armed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    service: str,
    data: dict[str, object],
    hub_knows_first: bool,
) -> None:
    """Armed: refused, naming the partition; the hub's users do not change.

    With ``hub_knows_first`` the garage is armed behind HA's back (no event),
    so HA's own check passes and the hub's refusal is what the user sees.
    """
    if hub_knows_first:
        hub.panel.partitions["2"].state = PartitionState.ARMED_AWAY
    else:
        hub.panel.arm("2", ArmMode.AWAY)
        await settle(hass)
    before = users(hub)
    with pytest.raises(ServiceValidationError) as err:
        await action(hass, service, init_integration.entry_id, **data)
    assert err.value.translation_key == "system_armed"
    assert err.value.translation_placeholders["partition"] == "Garage"
    assert "Garage" in str(err.value)
    assert users(hub) == before
    assert all(user.locks == {} for user in hub.panel.users.values())


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("1234", "the code is too common"),
        ("2024", "the code looks like a year"),
        ("12a4", "the code must contain digits only"),
        ("123456789", "the code must have 4 to 8 digits"),
        ("7391", "the code is already in use"),  # Sam's: only the hub knows
        ("8315", "the code is already in use"),  # the duress code
    ],
)
async def test_chosen_code_refused_with_reason(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    code: str,
    message: str,
) -> None:
    before = users(hub)
    with pytest.raises(ServiceValidationError) as err:
        await action(hass, "add_user", init_integration.entry_id, name="Kim", code=code)
    assert err.value.translation_key == "code_rejected"
    assert str(err.value).startswith(f"The code was refused: {message}")
    assert code not in repr(err.value.__cause__) + repr(err.value.args)
    assert users(hub) == before


async def test_update_and_delete_user(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    clock: ManualClock,
) -> None:
    entry_id = init_integration.entry_id
    await action(hass, "update_user", entry_id, slot=3, name="Walker")
    assert hub.panel.users[3].name == "Walker"
    assert state(hass, "sensor", "user_3_code_status") == "active"
    response = await action(hass, "update_user", entry_id, slot=3, random_code=True)
    assert hub.panel.users[3].code == response["code"]
    assert response["code_status"] == "pending"
    assert state(hass, "sensor", "user_3_code_status") == "pending"
    clock.advance(180)
    await settle(hass)
    assert state(hass, "sensor", "user_3_code_status") == "active"
    response = await action(hass, "delete_user", entry_id, slot=3)
    assert response == {"status": "done", "locks": {}, "lock_errors": {}}
    assert 3 not in hub.panel.users
    assert entity_id(hass, "sensor", "user_3_code_status") is None


async def test_a_freed_slot_gives_a_new_identity(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    entity_registry: er.EntityRegistry,
) -> None:
    """A new user in a deleted user's slot: a new entity, not the old one's."""
    entry_id = init_integration.entry_id
    old = entity_id(hass, "sensor", "user_3_code_status")
    assert old == "sensor.demo_home_dog_walker_code_status"
    old_registry_id = entity_registry.async_get(old).id
    await action(hass, "delete_user", entry_id, slot=3)
    assert entity_id(hass, "sensor", "user_3_code_status") is None
    response = await action(hass, "add_user", entry_id, name="Kim", code=CODE)
    assert response["slot"] == 3
    assert hub.panel.users[3].uid == "3-1"
    assert entity_id(hass, "sensor", "user_3_code_status") is None
    new = entity_id(hass, "sensor", "user_3-1_code_status")
    assert new == KIM_STATUS
    assert entity_registry.async_get(new).id != old_registry_id
    assert hass.states.get(old) is None
    assert hass.states.get(new).state == "pending"
    # And again: every generation is new.
    await action(hass, "delete_user", entry_id, slot=3)
    await action(hass, "add_user", entry_id, name="Kim", code=CODE)
    assert entity_id(hass, "sensor", "user_3-2_code_status") is not None
    assert entity_id(hass, "sensor", "user_3-1_code_status") is None


@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("update_user", {"slot": 9, "name": "X"}, "unknown_user"),
        ("update_user", {"slot": 1}, "nothing_to_change"),
        (
            "update_user",
            {"slot": 1, "code": CODE, "random_code": True},
            "code_and_random_code",
        ),
        ("delete_user", {"slot": 9}, "unknown_user"),
        ("add_user", {"name": "Kim", "locks": ["lock.nowhere"]}, "unknown_lock"),
        (
            "add_code_to_locks",
            {"slot": 1, "code": "4826", "locks": ["sensor.x"]},
            "unknown_lock",
        ),
    ],
)
async def test_bad_requests_change_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    service: str,
    data: dict[str, object],
    key: str,
) -> None:
    before = users(hub)
    with pytest.raises(ServiceValidationError) as err:
        await action(hass, service, init_integration.entry_id, **data)
    assert err.value.translation_key == key
    assert users(hub) == before
