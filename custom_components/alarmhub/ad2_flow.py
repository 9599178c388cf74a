"""Set-up fields of an AlarmDecoder panel (Honeywell/Resideo Vista or DSC).

The master code is a secret like the hub's token: a password field, never
shown again (reconfigure keeps it unless a new one is typed), never logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    SerialPortSelector,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol

from .const import (
    CONF_BAUDRATE,
    CONF_KEYPAD_ADDRESS,
    CONF_MASTER_CODE,
    CONF_PANEL,
    CONF_PANEL_TYPE,
    CONF_SERIAL_PORT,
    CONF_TRANSPORT,
    DEFAULT_AD2_PORT,
    DEFAULT_BAUDRATE,
    PANEL_ALARMDECODER,
    TRANSPORT_SERIAL,
)
from .panels.alarmdecoder import PanelType

PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
PANEL_TYPE_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[panel_type.value for panel_type in PanelType],
        mode=SelectSelectorMode.LIST,
        translation_key="panel_type",
    )
)
#: Keypad addresses an AD2 can take on a Vista (16-31); a DSC has none.
KEYPAD_ADDRESSES: Final = range(16, 32)
#: Master code lengths each panel family uses.
CODE_LENGTHS: Final = {PanelType.VISTA: (4,), PanelType.DSC: (4, 6)}


def ad2_schema(
    transport: str, defaults: Mapping[str, Any], *, reconfigure: bool = False
) -> vol.Schema:
    """Return the form of an AlarmDecoder on ``transport``."""
    fields: dict[Any, Any]
    if transport == TRANSPORT_SERIAL:
        fields = {
            vol.Required(
                CONF_SERIAL_PORT, default=defaults.get(CONF_SERIAL_PORT, vol.UNDEFINED)
            ): SerialPortSelector(),
            vol.Required(
                CONF_BAUDRATE, default=defaults.get(CONF_BAUDRATE, DEFAULT_BAUDRATE)
            ): vol.All(vol.Coerce(int), vol.In([9600, 19200, 38400, 57600, 115200])),
        }
    else:
        fields = {
            vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, "")): str,
            vol.Required(
                CONF_PORT, default=defaults.get(CONF_PORT, DEFAULT_AD2_PORT)
            ): vol.All(vol.Coerce(int), vol.Range(min=1, max=65535)),
        }
    fields[
        vol.Required(
            CONF_PANEL_TYPE,
            default=defaults.get(CONF_PANEL_TYPE, PanelType.VISTA.value),
        )
    ] = PANEL_TYPE_SELECTOR
    address = defaults.get(CONF_KEYPAD_ADDRESS)
    fields[
        vol.Optional(
            CONF_KEYPAD_ADDRESS,
            description={"suggested_value": address} if address else None,
        )
    ] = vol.All(vol.Coerce(int), vol.In(KEYPAD_ADDRESSES))
    # The master code is never sent back to the browser.
    key = vol.Optional if reconfigure else vol.Required
    fields[key(CONF_MASTER_CODE)] = PASSWORD
    return vol.Schema(fields)


def ad2_entry_data(
    transport: str,
    user_input: Mapping[str, Any],
    errors: dict[str, str],
    *,
    previous: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return entry data for the form's input; fill ``errors`` if it cannot be."""
    data: dict[str, Any] = {
        **(previous or {}),
        **user_input,
        CONF_PANEL: PANEL_ALARMDECODER,
        CONF_TRANSPORT: transport,
    }
    if not user_input.get(CONF_MASTER_CODE) and previous is not None:
        data[CONF_MASTER_CODE] = previous[CONF_MASTER_CODE]
    panel_type = PanelType(data[CONF_PANEL_TYPE])
    code = str(data.get(CONF_MASTER_CODE, ""))
    if not (
        code.isascii() and code.isdigit() and len(code) in CODE_LENGTHS[panel_type]
    ):
        errors[CONF_MASTER_CODE] = "invalid_master_code"
    if panel_type is PanelType.DSC:
        data.pop(CONF_KEYPAD_ADDRESS, None)  # a DSC keybus has no addresses
    return data
