"""Diagnostics of an AlarmDecoder entry: the master code is never in them."""

from __future__ import annotations

import json

from homeassistant.components.diagnostics import REDACTED
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.alarmhub.const import CONF_MASTER_CODE, CONF_PANEL_TYPE

from .conftest import ALEX, MASTER


async def test_master_code_is_redacted(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    setup_ad2: MockConfigEntry,
) -> None:
    """The entry's data shows the panel type; the master code is redacted."""
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_ad2)
    data = diagnostics["entry"]["data"]
    assert data[CONF_MASTER_CODE] == REDACTED
    assert data[CONF_PANEL_TYPE] == "vista"
    text = json.dumps(diagnostics)
    assert MASTER not in text
    assert ALEX not in text
    assert diagnostics["hub"]["model"] == "Vista (AD2)"
