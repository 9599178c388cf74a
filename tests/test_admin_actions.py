"""Actions that change the account or spend its storage are for admins only.

``phone_swap`` rewrites the account's contacts (who is called in an alarm)
and ``export_clip`` writes footage into HA's media folder or spends the
account's cloud quota: a non-admin user is refused with HA's
``Unauthorized`` and nothing happens. Automations and scripts (no user) and
admins may call them (the other tests do).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import Unauthorized
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser

from custom_components.alarmhub.clips import SERVICE_EXPORT_CLIP
from custom_components.alarmhub.const import DOMAIN
from simulator.hub import Hub
from simulator.phone_swap import account_of
from tests.clip_helpers import DRIVEWAY, at, files, media_dir

__all__ = ["media_dir"]  # a fixture


@pytest.mark.usefixtures("init_integration")
async def test_phone_swap_refused_for_non_admin(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    hass_read_only_user: MockUser,
) -> None:
    before = account_of(hub).account.to_dict()
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            "phone_swap",
            {
                "config_entry_id": init_integration.entry_id,
                "old_number": "+15555550123",
                "new_number": "+15555550999",
            },
            blocking=True,
            return_response=True,
            context=Context(user_id=hass_read_only_user.id),
        )
    assert account_of(hub).account.to_dict() == before


@pytest.mark.usefixtures("init_integration")
async def test_export_clip_refused_for_non_admin(
    hass: HomeAssistant, hub: Hub, media_dir: Path, hass_read_only_user: MockUser
) -> None:
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            SERVICE_EXPORT_CLIP,
            {"camera": DRIVEWAY, "start": at(hub, 0).isoformat(), "length": "30"},
            blocking=True,
            return_response=True,
            context=Context(user_id=hass_read_only_user.id),
        )
    await hass.async_block_till_done()
    assert await asyncio.to_thread(files, media_dir) == []
