"""Household locks in the add-user and reconfigure flows, and at deletion.

The flow goes the actions' way (``users.submit_user_change``): the code is
checked on every lock before anything changes and put on the household
locks once the panel took it.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er, selector
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.panels.hub import ArmMode
from simulator.hub import Hub
from simulator.locks import door_locks

from ..codes_helpers import FRONT, action, settle, wait_for
from .conftest import GARAGE, OUTSIDE, PATIO, SIDE
from .stacks import FakeLock, Stacks

CODE = "583920"
NEW = "7130468"
STATUS = "sensor.demo_home_kim_code_status"


async def _configure(
    hass: HomeAssistant, flow_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_configure(flow_id, data)
    await settle(hass)
    return dict(result)


async def _add(
    hass: HomeAssistant, entry: MockConfigEntry, data: dict[str, Any]
) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "user"), context={"source": SOURCE_USER}
    )
    return await _configure(hass, result["flow_id"], data)


def _subentry_id(entry: MockConfigEntry, name: str) -> str:
    (subentry_id,) = [
        s.subentry_id for s in entry.subentries.values() if s.title == name
    ]
    return subentry_id


async def _reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, name: str
) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "user"),
        context={
            "source": SOURCE_RECONFIGURE,
            "subentry_id": _subentry_id(entry, name),
        },
    )
    return dict(result)


def _suggested_locks(result: dict[str, Any]) -> list[str]:
    (key,) = [k for k in result["data_schema"].schema if str(k) == "locks"]
    return list(key.description["suggested_value"])


async def test_the_form_offers_hub_and_household_locks(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The lock field takes the hub's locks and those of ZHA, Z-Wave JS, Matter."""
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, "user"), context={"source": SOURCE_USER}
    )
    (key,) = [k for k in result["data_schema"].schema if str(k) == "locks"]
    field = result["data_schema"].schema[key]
    assert isinstance(field, selector.EntitySelector)
    assert field.config["multiple"] is True
    assert {(f["integration"], tuple(f["domain"])) for f in field.config["filter"]} == {
        ("alarmhub", ("lock",)),
        ("zha", ("lock",)),
        ("zwave_js", ("lock",)),
        ("matter", ("lock",)),
    }


async def test_add_puts_the_code_on_household_locks(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    side: FakeLock,
    garage: FakeLock,
) -> None:
    """One code on the panel, the hub's front door, Z-Wave and Zigbee locks."""
    result = await _add(
        hass,
        init_integration,
        {"name": "Kim", "code": CODE, "code_length": 6, "locks": [FRONT, SIDE, GARAGE]},
    )
    assert result["step_id"] == "share"
    await _configure(hass, result["flow_id"], {})
    assert hub.panel.users[4].code == CODE
    await wait_for(hass, lambda: door_locks(hub).locks["1"].accepts(CODE))
    assert side.codes == {**OUTSIDE[SIDE], 2: CODE}
    assert garage.codes == {**OUTSIDE[GARAGE], 30: CODE}
    assert garage.enabled == {30}
    locks = hass.states.get(STATUS).attributes["locks"]
    assert locks["Side door"] == locks["Garage door"] == "in_sync"
    # Reconfigure shows the user's locks of both kinds.
    result = await _reconfigure(hass, init_integration, "Kim")
    assert sorted(_suggested_locks(result)) == sorted([FRONT, SIDE, GARAGE])


async def test_a_code_a_household_lock_cannot_take_changes_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    stacks: Stacks,
) -> None:
    """An 8-digit code, a Matter lock of up to 6: an error on the form, before
    the panel or any lock is asked to change."""
    stacks.add_lock("matter", "shed_door", "Shed door", max_pin=6)
    result = await _add(
        hass,
        init_integration,
        {
            "name": "Kim",
            "code": "73914682",
            "code_length": 6,
            "locks": [FRONT, SIDE, "lock.shed_door"],
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "code_length_lock"}
    assert result["description_placeholders"] == {
        "lock": "Shed door",
        "min": "4",
        "max": "6",
    }
    assert "73914682" not in str(result)
    assert 4 not in hub.panel.users
    assert "73914682" not in door_locks(hub).locks["1"].pins.values()
    changes = {service for _, service, _ in stacks.calls}
    assert changes <= {"get_lock_info", "get_lock_usercode", "get_lock_users"}
    for entity_id, lock in stacks.locks.items():
        assert lock.codes == OUTSIDE.get(entity_id, {})


async def test_a_lock_without_user_codes_is_an_error_on_the_form(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """The picker lists only locks with codes; another one sent anyway is
    refused on the form, naming it."""
    er.async_get(hass).async_get_or_create(
        "lock", "august", "front-gate", suggested_object_id="front_gate"
    )
    result = await _add(
        hass,
        init_integration,
        {"name": "Kim", "code": CODE, "code_length": 6, "locks": ["lock.front_gate"]},
    )
    assert result["errors"] == {"base": "lock_without_codes"}
    assert result["description_placeholders"] == {"entity_id": "lock.front_gate"}
    assert 4 not in hub.panel.users


async def test_reconfigure_moves_the_code_between_household_locks(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    stacks: Stacks,
    side: FakeLock,
    garage: FakeLock,
    patio: FakeLock,
) -> None:
    """Added, removed and kept household locks; a rename touches no lock."""
    await action(
        hass,
        "add_user",
        init_integration.entry_id,
        name="Kim",
        code=CODE,
        locks=[SIDE, PATIO],
    )
    assert side.codes[2] == patio.codes[2] == CODE
    # A lock cannot be added without a new code (none is kept to copy).
    result = await _reconfigure(hass, init_integration, "Kim")
    assert sorted(_suggested_locks(result)) == [PATIO, SIDE]
    result = await _configure(
        hass,
        result["flow_id"],
        {"name": "Kim", "code_length": 6, "locks": [SIDE, PATIO, GARAGE]},
    )
    assert result["errors"] == {"base": "code_for_new_locks"}
    assert garage.codes == OUTSIDE[GARAGE]
    # The garage added, the patio removed, the side door kept: the new code
    # goes on the side door and the garage, the patio loses the old one.
    result = await _configure(
        hass,
        result["flow_id"],
        {"name": "Kim", "code": NEW, "code_length": 6, "locks": [SIDE, GARAGE]},
    )
    assert result["step_id"] == "share"
    assert (await _configure(hass, result["flow_id"], {}))["reason"] == (
        "reconfigure_successful"
    )
    assert side.codes == {**OUTSIDE[SIDE], 2: NEW}
    assert garage.codes == {**OUTSIDE[GARAGE], 30: NEW}
    assert patio.codes == OUTSIDE[PATIO]
    locks = hass.states.get(STATUS).attributes["locks"]
    assert locks == {"Side door": "in_sync", "Garage door": "in_sync"}
    # A new name only: nothing is sent to any lock.
    before = len(stacks.calls)
    result = await _reconfigure(hass, init_integration, "Kim")
    assert sorted(_suggested_locks(result)) == [GARAGE, SIDE]
    result = await _configure(
        hass,
        result["flow_id"],
        {"name": "Kimberly", "code_length": 6, "locks": [SIDE, GARAGE]},
    )
    assert result["reason"] == "reconfigure_successful"
    assert stacks.calls[before:] == []
    assert side.codes[2] == garage.codes[30] == NEW
    # Taking every household lock away, without a new code.
    result = await _reconfigure(hass, init_integration, "Kimberly")
    result = await _configure(
        hass, result["flow_id"], {"name": "Kimberly", "code_length": 6, "locks": []}
    )
    assert result["reason"] == "reconfigure_successful"
    assert side.codes == OUTSIDE[SIDE]
    assert garage.codes == OUTSIDE[GARAGE]


async def test_a_new_household_lock_refused_on_reconfigure_changes_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    stacks: Stacks,
    side: FakeLock,
) -> None:
    await action(
        hass, "add_user", init_integration.entry_id, name="Kim", code=CODE, locks=[SIDE]
    )
    stacks.add_lock("matter", "shed_door", "Shed door", max_pin=6)
    result = await _reconfigure(hass, init_integration, "Kim")
    result = await _configure(
        hass,
        result["flow_id"],
        {"name": "Kim", "code": NEW, "code_length": 6, "locks": ["lock.shed_door"]},
    )
    assert result["errors"] == {"base": "code_length_lock"}
    assert hub.panel.users[4].code == CODE
    assert side.codes[2] == CODE  # not taken off either
    assert stacks.locks["lock.shed_door"].codes == {}


async def test_deleting_the_subentry_clears_household_locks(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    stacks: Stacks,
    side: FakeLock,
    garage: FakeLock,
    patio: FakeLock,
) -> None:
    await _add(
        hass,
        init_integration,
        {"name": "Kim", "code": CODE, "code_length": 6, "locks": [SIDE, GARAGE, PATIO]},
    )
    assert side.codes[2] == garage.codes[30] == patio.codes[2] == CODE
    subentry_id = _subentry_id(init_integration, "Kim")
    assert hass.config_entries.async_remove_subentry(init_integration, subentry_id)
    await wait_for(hass, lambda: 4 not in hub.panel.users)
    await wait_for(hass, lambda: side.codes == OUTSIDE[SIDE])
    for entity_id, lock in stacks.locks.items():
        assert lock.codes == OUTSIDE[entity_id]
    assert init_integration.runtime_data.household.users.get(4, {}) == {}


async def test_a_household_lock_taken_away_while_armed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    side: FakeLock,
    garage: FakeLock,
) -> None:
    """Only household locks change: allowed while armed, like the actions;
    anything that touches the panel is still refused, naming the partition."""
    await action(
        hass,
        "add_user",
        init_integration.entry_id,
        name="Kim",
        code=CODE,
        locks=[FRONT, SIDE, GARAGE],
    )
    hub.panel.arm("1", ArmMode.AWAY)
    await settle(hass)
    for data in (
        {"name": "Kimberly", "locks": [FRONT, SIDE, GARAGE]},  # the panel
        {"name": "Kim", "locks": [SIDE, GARAGE]},  # the hub's own lock
    ):
        result = await _reconfigure(hass, init_integration, "Kim")
        result = await _configure(hass, result["flow_id"], {"code_length": 6, **data})
        assert result["errors"] == {"base": "system_armed"}
        assert result["description_placeholders"] == {"partition": "House"}
    assert garage.codes[30] == CODE
    result = await _reconfigure(hass, init_integration, "Kim")
    result = await _configure(
        hass,
        result["flow_id"],
        {"name": "Kim", "code_length": 6, "locks": [FRONT, SIDE]},
    )
    assert result["reason"] == "reconfigure_successful"
    assert garage.codes == OUTSIDE[GARAGE]
    assert side.codes[2] == CODE
    assert door_locks(hub).locks["1"].accepts(CODE)


async def test_a_user_deleted_at_the_keypad_leaves_household_locks(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    stacks: Stacks,
    side: FakeLock,
    patio: FakeLock,
) -> None:
    """Someone removed from the alarm at the hub no longer opens the side door."""
    await _add(
        hass,
        init_integration,
        {"name": "Kim", "code": CODE, "code_length": 6, "locks": [SIDE, PATIO]},
    )
    assert side.codes[2] == patio.codes[2] == CODE
    await hub.commands["delete_user"]({"slot": 4})  # at the hub, not through HA
    await wait_for(hass, lambda: "Kim" not in _titles(init_integration))
    await wait_for(hass, lambda: side.codes == OUTSIDE[SIDE])
    await wait_for(hass, lambda: patio.codes == OUTSIDE[PATIO])
    for entity_id, lock in stacks.locks.items():
        assert lock.codes == OUTSIDE[entity_id]
    assert init_integration.runtime_data.household.users.get(4, {}) == {}


def _titles(entry: MockConfigEntry) -> list[str]:
    return [s.title for s in entry.subentries.values()]
