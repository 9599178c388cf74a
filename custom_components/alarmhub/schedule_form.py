"""The schedule part of the user flows: a collapsed section, and its reading.

The section asks for an optional date range (a guest: valid from, valid
until) and an optional weekly window (the dog walker: days, from, to), read
in Home Assistant's time zone, and whether to delete the user once the range
has ended. Nothing entered: the code is valid at all times.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import selector
import probatio as vol

from .const import DOMAIN
from .panels.exceptions import ProtocolError
from .panels.hub.schedules import DAYS, Schedule

SECTION: Final = "schedule"
VALID_FROM: Final = "valid_from"
VALID_UNTIL: Final = "valid_until"
DAYS_FIELD: Final = "days"
WINDOW_FROM: Final = "window_from"
WINDOW_TO: Final = "window_to"
REMOVE_WHEN_EXPIRED: Final = "remove_when_expired"


def schedule_section(collapsed: bool = True) -> dict[vol.Optional, Any]:
    """Return the schema entry of the schedule section."""
    return {
        vol.Optional(SECTION): section(
            vol.Schema(
                {
                    vol.Optional(VALID_FROM): selector.DateTimeSelector(),
                    vol.Optional(VALID_UNTIL): selector.DateTimeSelector(),
                    vol.Optional(DAYS_FIELD): selector.SelectSelector(
                        selector.SelectSelectorConfig(
                            options=list(DAYS),
                            multiple=True,
                            translation_key="weekday",
                        )
                    ),
                    vol.Optional(WINDOW_FROM): selector.TimeSelector(),
                    vol.Optional(WINDOW_TO): selector.TimeSelector(),
                    vol.Optional(
                        REMOVE_WHEN_EXPIRED, default=False
                    ): selector.BooleanSelector(),
                }
            ),
            {"collapsed": collapsed},
        )
    }


def read_schedule(hass: HomeAssistant, form: dict[str, Any]) -> dict[str, Any] | None:
    """Return the schedule's wire form from the section (None: always valid)."""
    data = form.get(SECTION) or {}
    schedule: dict[str, Any] = {"time_zone": hass.config.time_zone}
    for field, key in ((VALID_FROM, "start"), (VALID_UNTIL, "end")):
        if data.get(field):
            schedule[key] = data[field]
    days, start, end = data.get(DAYS_FIELD), data.get(WINDOW_FROM), data.get(WINDOW_TO)
    if days or start or end:
        schedule["windows"] = [
            {"days": list(days or []), "from": start or "", "to": end or ""}
        ]
    if len(schedule) == 1:
        return None
    try:
        return Schedule.from_dict(schedule).to_dict()
    except ProtocolError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="schedule_invalid",
            translation_placeholders={"reason": str(err).removeprefix("schedule: ")},
        ) from None


def schedule_defaults(schedule: dict[str, Any] | None) -> dict[str, Any]:
    """Return the section's values for a schedule (to change it)."""
    if not schedule:
        return {}
    values: dict[str, Any] = {}
    for key, field in (("start", VALID_FROM), ("end", VALID_UNTIL)):
        if key in schedule:
            values[field] = schedule[key].replace("T", " ")
    if windows := schedule.get("windows"):
        window = windows[0]
        values.update(
            {
                DAYS_FIELD: window["days"],
                WINDOW_FROM: window["from"],
                WINDOW_TO: window["to"],
            }
        )
    return values


def remove_when_expired(form: dict[str, Any]) -> bool:
    """Return whether the person asked to delete the user once expired."""
    return bool((form.get(SECTION) or {}).get(REMOVE_WHEN_EXPIRED))
