"""User codes by keypad programming, through HA, over ser2sock and serial."""

from __future__ import annotations

import asyncio
import logging

from homeassistant.components.alarm_control_panel import DOMAIN as PANEL_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import DOMAIN
from simulator.ad2 import AD2Server
from simulator.clock import ManualClock

from ..test_share import Mailbox, mailbox, notify_entity, smtp_entry, text_of
from .conftest import MASTER, PANEL
from .helpers import wait_state

__all__ = ["mailbox", "smtp_entry"]


async def _users(hass: HomeAssistant, service: str, **data: object) -> dict:
    result = await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=True
    )
    assert result is not None
    return dict(result)


async def test_add_update_delete_user_by_keypad_programming(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Add with a random 4-digit code, change it, delete: the panel follows."""
    caplog.set_level(logging.DEBUG)
    entry_id = setup_ad2.entry_id
    added = await _users(hass, "add_user", config_entry_id=entry_id, name="Sam")
    code = added["code"]
    assert len(code) == 4 and code.isdigit()
    slot = int(added["slot"])
    assert 4 <= slot <= 49  # Alex has 3
    assert ad2.panel.codes[slot] == code
    updated = await _users(
        hass, "update_user", config_entry_id=entry_id, slot=slot, random_code=True
    )
    new = updated["code"]
    assert ad2.panel.codes[slot] == new
    await _users(hass, "delete_user", config_entry_id=entry_id, slot=slot)
    assert slot not in ad2.panel.codes
    # The harness's own storage stand-in logs what it writes; HA's does not.
    logged = "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name != "pytest_homeassistant_custom_component.common"
    )
    for secret in (MASTER, code, new):
        assert secret not in logged


async def test_delete_user_refused_while_armed(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """Armed away: deleting Alex is refused naming the partition; he stays."""
    await hass.services.async_call(
        PANEL_DOMAIN, "alarm_arm_away", {"entity_id": PANEL}, blocking=True
    )
    ad2_clock.advance(61)
    await wait_state(hass, PANEL, "armed_away")
    with pytest.raises(ServiceValidationError) as err:
        await _users(hass, "delete_user", config_entry_id=setup_ad2.entry_id, slot=3)
    assert err.value.translation_key == "system_armed"
    assert err.value.translation_placeholders == {"partition": "Alarm"}
    assert 3 in ad2.panel.codes


async def test_a_deaf_panel_does_not_confirm(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
) -> None:
    """The AD2 takes the keys, the panel ignores them: the change waits.

    After the command timeout the change is kept queued (to be retried), the
    panel holds no new code and HA shows no user Kim.
    """
    from simulator.ad2.device import Line

    ad2.device.line = Line.DEAF
    before = dict(ad2.panel.codes)
    result = await _users(
        hass, "add_user", config_entry_id=setup_ad2.entry_id, name="Kim"
    )
    assert result["status"] == "queued"
    assert ad2.panel.codes == before
    assert "Kim" not in str(hass.states.async_all())


async def test_share_a_random_code_by_email(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    smtp_entry: MockConfigEntry,
    mailbox: tuple[Mailbox, int],
) -> None:
    """The README's path: add a user with a random code, mail it to them."""
    box, _ = mailbox
    entry_id = setup_ad2.entry_id
    added = await _users(hass, "add_user", config_entry_id=entry_id, name="Kim")
    code = added["code"]
    assert ad2.panel.codes[int(added["slot"])] == code
    response = await _users(
        hass,
        "share_code",
        config_entry_id=entry_id,
        slot=added["slot"],
        code=code,
        notify_entity=notify_entity(hass, smtp_entry),
    )
    assert response == {"sent": True, "name": "Kim"}
    async with asyncio.timeout(10):
        await box.received.wait()
    (mail,) = box.messages
    assert code in text_of(mail)
