"""The README's path on a Vista: a random code, mailed to its new owner."""

from __future__ import annotations

import asyncio

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import DOMAIN
from simulator.ad2 import AD2Server

from ..test_share import Mailbox, mailbox, notify_entity, smtp_entry, text_of

__all__ = ["mailbox", "smtp_entry"]


async def _users(hass: HomeAssistant, service: str, **data: object) -> dict:
    result = await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=True
    )
    assert result is not None
    return dict(result)


async def test_share_a_random_code_by_email(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    smtp_entry: MockConfigEntry,
    mailbox: tuple[Mailbox, int],
) -> None:
    """Add a user with a random code (programmed by keypad), mail it to them."""
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
    async with asyncio.timeout(60):  # a hang guard only
        await box.received.wait()
    (mail,) = box.messages
    assert code in text_of(mail)
