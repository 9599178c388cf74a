"""Diagnostics for AlarmHub: the hub's state, with personal data redacted."""

from __future__ import annotations

from dataclasses import asdict
import re
from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_HOST, CONF_TOKEN
from homeassistant.core import HomeAssistant
import msgspec

from .const import CONF_FINGERPRINT, CONF_MASTER_CODE, CONF_SERIAL_PORT
from .coordinator import AlarmHubConfigEntry
from .panels.models import COLLECTIONS, HubState

TO_REDACT = {
    CONF_TOKEN,
    CONF_HOST,
    CONF_SERIAL_PORT,
    CONF_FINGERPRINT,
    CONF_MASTER_CODE,
    "code",
    "codes",
    "pin",
    "phone",
    "email",
    "recipients",
    "serial",
    "serial_number",
}


#: Personal data that can hide in free text (a name the installer typed):
#: e-mail addresses, international (+...) and North American phone numbers.
PERSONAL = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\+[1-9][\d\s().-]{5,}\d"
    r"|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b"
)


def redact_personal(data: Any) -> Any:
    """Replace e-mail addresses and phone numbers in every string of ``data``."""
    if isinstance(data, str):
        return PERSONAL.sub(REDACTED, data)
    if isinstance(data, dict):
        return {key: redact_personal(value) for key, value in data.items()}
    if isinstance(data, set | frozenset):  # sorted: the same every time
        return sorted((redact_personal(value) for value in data), key=str)
    if isinstance(data, list | tuple):
        return [redact_personal(value) for value in data]
    return data


def _state(state: HubState) -> dict[str, Any]:
    """Return the hub's state as dicts (its objects are msgspec Structs)."""
    return {
        "seq": state.seq,
        **{
            collection: {
                key: msgspec.structs.asdict(obj)
                for key, obj in getattr(state, collection).items()
            }
            for collection, _ in COLLECTIONS.values()
        },
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: AlarmHubConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a config entry."""
    coordinator = entry.runtime_data
    state = coordinator.data
    redacted: dict[str, Any] = redact_personal(
        async_redact_data(
            {
                "entry": {"data": dict(entry.data), "options": dict(entry.options)},
                "hub": asdict(coordinator.info),
                "connection": coordinator.diagnostics(),
                "state": _state(state) if state is not None else None,
                "changes": coordinator.changes.diagnostics(),
            },
            TO_REDACT,
        )
    )
    return redacted
