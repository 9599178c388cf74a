"""One person, one code: on the panel, the hub's locks and the household's."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator.hub import Hub
from simulator.locks import door_locks

from ..codes_helpers import BACK, FRONT, action
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
