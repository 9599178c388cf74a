"""User codes on a Vista by keypad programming, through the AlarmHub actions.

add_user, update_user and delete_user key master code + 8 + user number +
code (or #0) into the emulated panel; the panel's own rules decide, and the
tests check what the panel then accepts. HA keeps the user list (numbers and
names, never codes) in its storage.
"""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.components.alarm_control_panel import DOMAIN as PANEL_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub import pending
from custom_components.alarmhub.const import DOMAIN
from simulator.ad2 import AD2Server
from simulator.ad2.device import Line
from simulator.ad2.modes import Mode
from simulator.clock import ManualClock

from ..common import shows_code
from .conftest import ALEX, PANEL
from .helpers import wait_for, wait_state

#: HA knows both users the panel has, so a new user takes number 05.
KNOWN = {3: "Alex", 4: "Sam"}
pytestmark = pytest.mark.parametrize("known_users", [KNOWN])


async def _action(
    hass: HomeAssistant, entry: MockConfigEntry, service: str, **data: Any
) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        service,
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def _panel(hass: HomeAssistant, service: str, **data: object) -> None:
    await hass.services.async_call(
        PANEL_DOMAIN, service, {"entity_id": PANEL, **data}, blocking=True
    )


async def _arm_away(hass: HomeAssistant, ad2_clock: ManualClock) -> None:
    await _panel(hass, "alarm_arm_away")
    ad2_clock.advance(61)
    await wait_state(hass, PANEL, "armed_away")


async def test_add_user_with_a_random_code_the_panel_accepts(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """A random 4-digit code, returned once, programmed as user 05; it disarms."""
    response = await _action(hass, setup_ad2, "add_user", name="Jo")
    code = response["code"]
    assert response["status"] == "done"
    assert response["slot"] == 5
    assert response["name"] == "Jo"
    assert len(code) == 4
    assert code.isdigit()
    assert ad2.panel.user_of(code) == 5
    assert setup_ad2.runtime_data.data.users["5"].name == "Jo"

    await _arm_away(hass, ad2_clock)
    await _panel(hass, "alarm_disarm", code=code)
    await wait_for(hass, PANEL, lambda s: s.attributes.get("changed_by") == "Jo")
    assert ad2.panel.mode is Mode.DISARMED
    # The code is in the response only: not in any state or attribute.
    for state in hass.states.async_all():
        assert not shows_code(code, str(state.as_dict()))


async def test_add_user_with_a_chosen_code(
    hass: HomeAssistant, setup_ad2: MockConfigEntry, ad2: AD2Server
) -> None:
    """A chosen code is programmed, and not returned."""
    response = await _action(hass, setup_ad2, "add_user", name="Kim", code="3917")
    assert "code" not in response
    assert ad2.panel.user_of("3917") == 5


async def test_update_user_changes_the_code_on_the_panel(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """Alex's new code works; the old one is refused by the panel."""
    response = await _action(
        hass, setup_ad2, "update_user", slot=3, random_code=True, name="Alex B"
    )
    new = response["code"]
    assert response["status"] == "done"
    assert ad2.panel.user_of(new) == 3
    assert ad2.panel.user_of(ALEX) is None
    assert setup_ad2.runtime_data.data.users["3"].name == "Alex B"

    await _arm_away(hass, ad2_clock)
    with pytest.raises(ServiceValidationError) as err:
        await _panel(hass, "alarm_disarm", code=ALEX)
    assert err.value.translation_key == "invalid_code"
    assert ad2.panel.mode is Mode.AWAY
    await _panel(hass, "alarm_disarm", code=new)
    await wait_state(hass, PANEL, "disarmed")


async def test_rename_only_keys_nothing(
    hass: HomeAssistant, setup_ad2: MockConfigEntry, ad2: AD2Server
) -> None:
    """A new name alone changes HA's list; the panel keeps Alex's code."""
    before = ad2.device.received
    response = await _action(hass, setup_ad2, "update_user", slot=3, name="Alexa")
    assert response["name"] == "Alexa"
    assert ad2.device.received == before
    assert ad2.panel.user_of(ALEX) == 3


async def test_delete_user_the_panel_then_refuses_the_code(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """Deleting Alex (+#0): the panel forgets the code; HA forgets the user."""
    response = await _action(hass, setup_ad2, "delete_user", slot=3)
    assert response["status"] == "done"
    assert 3 not in ad2.panel.codes
    assert "3" not in setup_ad2.runtime_data.data.users
    await _arm_away(hass, ad2_clock)
    with pytest.raises(ServiceValidationError):
        await _panel(hass, "alarm_disarm", code=ALEX)
    assert ad2.panel.mode is Mode.AWAY


async def test_refused_while_armed(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """Armed: every user action is refused, naming the partition; nothing changes."""
    await _arm_away(hass, ad2_clock)
    codes = dict(ad2.panel.codes)
    before = ad2.device.received
    partition = setup_ad2.runtime_data.data.partitions["1"].name
    for service, data in (
        ("add_user", {"name": "Jo"}),
        ("update_user", {"slot": 3, "code": "1111"}),
        ("delete_user", {"slot": 3}),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await _action(hass, setup_ad2, service, **data)
        assert err.value.translation_key == "system_armed"
        assert err.value.translation_placeholders == {"partition": partition}
        assert partition in str(err.value)
    assert ad2.panel.codes == codes
    assert ad2.device.received == before
    assert set(setup_ad2.runtime_data.data.users) == {"3", "4"}


async def test_a_code_the_panel_refuses(
    hass: HomeAssistant, setup_ad2: MockConfigEntry, ad2: AD2Server
) -> None:
    """A code of the wrong length never reaches the panel: translated error."""
    with pytest.raises(ServiceValidationError) as err:
        await _action(hass, setup_ad2, "add_user", name="Jo", code="12345")
    assert err.value.translation_key in {"code_rejected", "code_length_hub"}
    assert set(ad2.panel.codes) == {1, 2, 3, 4}


async def test_the_user_list_survives_a_reload(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
) -> None:
    """Added, then reloaded at once: HA still knows Jo as user 05 (not the code)."""
    response = await _action(hass, setup_ad2, "add_user", name="Jo")
    assert await hass.config_entries.async_reload(setup_ad2.entry_id)
    await hass.async_block_till_done()
    users = setup_ad2.runtime_data.data.users
    assert {n: u.name for n, u in users.items()} == {"3": "Alex", "4": "Sam", "5": "Jo"}
    stored = hass_storage[f"{DOMAIN}.users.{setup_ad2.entry_id}"]["data"]
    assert stored == {"users": {"3": "Alex", "4": "Sam", "5": "Jo"}}
    assert not shows_code(response["code"], str(hass_storage))


async def test_a_panel_that_does_not_confirm(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The panel ignores the keys: after the timeout the change waits (queued).

    It is kept and keyed in again; once the panel listens, it lands.
    """
    panel = setup_ad2.runtime_data.client
    panel.command_timeout = 0.2  # never confirmed: no need to wait 10 s
    monkeypatch.setattr(pending, "HUB_RETRY_SECONDS", 0)
    ad2.device.line = Line.DEAF
    landed = asyncio.Event()
    remove = panel.subscribe(
        lambda event, _gap: landed.set() if event.event == "user" else None
    )
    response = await _action(hass, setup_ad2, "add_user", name="Jo", code="3917")
    assert response["status"] == "queued"
    assert ad2.panel.user_of("3917") is None
    assert "5" not in setup_ad2.runtime_data.data.users
    panel.command_timeout = 10.0
    ad2.device.line = Line.NORMAL
    async with asyncio.timeout(30):
        await landed.wait()
    remove()
    assert ad2.panel.user_of("3917") == 5


async def test_removing_the_entry_forgets_the_users(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    setup_ad2: MockConfigEntry,
) -> None:
    """The stored user list goes with the entry."""
    key = f"{DOMAIN}.users.{setup_ad2.entry_id}"
    assert key in hass_storage
    await hass.config_entries.async_remove(setup_ad2.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


async def test_new_code_keeps_the_name(
    hass: HomeAssistant, setup_ad2: MockConfigEntry, ad2: AD2Server
) -> None:
    """A new code alone: the panel takes it; Sam keeps the name HA knows."""
    response = await _action(hass, setup_ad2, "update_user", slot=4, code="3917")
    assert response["name"] == "Sam"
    assert ad2.panel.user_of("3917") == 4
    assert await hass.config_entries.async_reload(setup_ad2.entry_id)
    await hass.async_block_till_done()
    assert setup_ad2.runtime_data.data.users["4"].name == "Sam"
