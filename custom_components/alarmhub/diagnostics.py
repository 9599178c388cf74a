"""Diagnostics for AlarmHub: the hub's state, with personal data redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST, CONF_TOKEN
from homeassistant.core import HomeAssistant

from .const import CONF_FINGERPRINT, CONF_SERIAL_PORT
from .coordinator import AlarmHubConfigEntry
from .pending import changes_for

TO_REDACT = {
    CONF_TOKEN,
    CONF_HOST,
    CONF_SERIAL_PORT,
    CONF_FINGERPRINT,
    "code",
    "codes",
    "pin",
    "phone",
    "email",
    "recipients",
    "serial",
    "serial_number",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: AlarmHubConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a config entry."""
    coordinator = entry.runtime_data
    state = coordinator.data
    return async_redact_data(
        {
            "entry": {"data": dict(entry.data), "options": dict(entry.options)},
            "hub": asdict(coordinator.info),
            "connection": coordinator.diagnostics(),
            "state": asdict(state) if state is not None else None,
            "changes": changes_for(hass, entry).diagnostics(),
        },
        TO_REDACT,
    )
