"""Options: default arming options per mode; an AlarmDecoder panel's zones.

A keypad bus does not say what a zone is, so an AlarmDecoder entry's options
also hold its zones, by number, each with a name and a sensor type. Zones
nobody described yet appear as they fault (as "Zone NN", type *other*); the
zone form offers them first.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import probatio as vol

from .connection import is_alarmdecoder
from .const import ARM_OPTIONS_KEY, CONF_ZONES
from .panels.models import ArmMode, ArmOption, ZoneType

#: Zone numbers a Vista or DSC keypad shows (Vista-128BPT goes to 128).
MAX_ZONE = 128

ARM_OPTIONS_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[option.value for option in ArmOption],
        multiple=True,
        mode=SelectSelectorMode.LIST,
        translation_key="arm_option",
    )
)
ZONE_TYPE_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[zone_type.value for zone_type in ZoneType],
        mode=SelectSelectorMode.DROPDOWN,
        translation_key="zone_type",
    )
)
ZONE_NUMBER_SELECTOR = NumberSelector(
    NumberSelectorConfig(min=1, max=MAX_ZONE, step=1, mode=NumberSelectorMode.BOX)
)

ARMING_SCHEMA = vol.Schema(
    {
        vol.Optional(
            ARM_OPTIONS_KEY.format(mode=mode.value), default=[]
        ): ARM_OPTIONS_SELECTOR
        for mode in ArmMode
    }
)


class AlarmHubOptionsFlow(OptionsFlow):
    """Arming defaults; for an AlarmDecoder panel, its zones too."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Arming options for a hub; a menu for an AlarmDecoder panel."""
        if is_alarmdecoder(self.config_entry.data):
            return self.async_show_menu(
                step_id="init", menu_options=["arming", "zone", "zone_remove"]
            )
        return await self.async_step_arming(user_input, step_id="init")

    async def async_step_arming(
        self, user_input: dict[str, Any] | None = None, *, step_id: str = "arming"
    ) -> ConfigFlowResult:
        """Choose which options apply when arming stay, away or night."""
        if user_input is not None:
            return self._save(user_input)
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                ARMING_SCHEMA, self.config_entry.options
            ),
        )

    def _zones(self) -> dict[str, dict[str, str]]:
        zones: dict[str, dict[str, str]] = self.config_entry.options.get(CONF_ZONES, {})
        return {number: dict(zone) for number, zone in zones.items()}

    def _save(self, changes: dict[str, Any]) -> ConfigFlowResult:
        return self.async_create_entry(data={**self.config_entry.options, **changes})

    async def async_step_zone(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Name and type a zone (a new one, or one already described)."""
        zones = self._zones()
        if user_input is not None:
            number = str(int(user_input["zone"]))
            zones[number] = {
                "name": user_input["name"].strip(),
                "type": user_input["type"],
            }
            return self._save({CONF_ZONES: zones})
        suggested: dict[str, Any] = {"type": ZoneType.DOOR.value}
        if (unnamed := self._first_unnamed(zones)) is not None:
            suggested = {"zone": unnamed, "type": ZoneType.OTHER.value}
        schema = vol.Schema(
            {
                vol.Required("zone"): ZONE_NUMBER_SELECTOR,
                vol.Required("name"): vol.All(str, vol.Length(min=1, max=64)),
                vol.Required("type"): ZONE_TYPE_SELECTOR,
            }
        )
        return self.async_show_form(
            step_id="zone",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            description_placeholders={"zones": _describe(zones) or "-"},
        )

    def _first_unnamed(self, zones: dict[str, dict[str, str]]) -> int | None:
        """Return the lowest zone the panel showed that nobody described."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return None
        state = self.config_entry.runtime_data.data
        seen = sorted(int(z) for z in state.zones if z.isdigit())
        return next((z for z in seen if str(z) not in zones), None)

    async def async_step_zone_remove(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Forget zones (they come back as "Zone NN" if they fault again)."""
        zones = self._zones()
        if not zones:
            return self.async_abort(reason="no_zones")
        if user_input is not None:
            for number in user_input["zones"]:
                zones.pop(number, None)
            return self._save({CONF_ZONES: zones})
        options = [
            SelectOptionDict(value=number, label=f"{int(number):02d} {zone['name']}")
            for number, zone in sorted(zones.items(), key=lambda item: int(item[0]))
        ]
        return self.async_show_form(
            step_id="zone_remove",
            data_schema=vol.Schema(
                {
                    vol.Required("zones"): SelectSelector(
                        SelectSelectorConfig(
                            options=options,
                            multiple=True,
                            mode=SelectSelectorMode.LIST,
                        )
                    )
                }
            ),
        )


def _describe(zones: dict[str, dict[str, str]]) -> str:
    return ", ".join(
        f"{int(number):02d} {zone['name']}"
        for number, zone in sorted(zones.items(), key=lambda item: int(item[0]))
    )
