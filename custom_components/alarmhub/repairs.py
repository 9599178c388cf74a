"""Repairs: a serial hub whose port is gone, fixed by choosing its new port.

USB serial adapters move: unplugged and plugged back, or after a reboot,
``/dev/ttyUSB0`` may come back as ``/dev/ttyUSB1``. Set-up then fails on
every retry. When it does and the configured port no longer exists, a
repair issue says so, and its fix flow lists the serial ports, checks that
the chosen one leads to the same hub, saves it and reloads the hub. The
issue goes away by itself once the hub is set up again (by any means).
"""

from __future__ import annotations

import os
from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.selector import SerialPortSelector
import probatio as vol

from .connection import async_try_connect
from .const import CONF_SERIAL_PORT, CONF_TRANSPORT, DOMAIN, TRANSPORT_SERIAL

ISSUE_SERIAL_PORT_MISSING = "serial_port_missing"
ISSUE_CERTIFICATE_CHANGED = "certificate_changed"
ATTR_ENTRY_ID = "entry_id"


def _issue_id(entry: ConfigEntry[Any]) -> str:
    return f"{ISSUE_SERIAL_PORT_MISSING}_{entry.entry_id}"


def _local_port(port: str) -> bool:
    """Return True for a device path (not a socket:// or rfc2217:// URL)."""
    return "://" not in port


async def async_check_serial_port(hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
    """After a failed connection: raise the repair if the serial port is gone."""
    if entry.data.get(CONF_TRANSPORT) != TRANSPORT_SERIAL:
        return
    port = str(entry.data[CONF_SERIAL_PORT])
    if not _local_port(port) or await hass.async_add_executor_job(os.path.exists, port):
        return  # the port is there: the hub may be off; retrying is right
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(entry),
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=ISSUE_SERIAL_PORT_MISSING,
        translation_placeholders={"name": entry.title, "port": port},
        data={ATTR_ENTRY_ID: entry.entry_id},
    )


@callback
def async_certificate_changed(hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
    """Say that the hub's certificate is not the one trusted at set-up.

    Not fixable here: only the user can tell a replaced hub from an impostor;
    reconfiguring the hub trusts its new certificate.
    """
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"{ISSUE_CERTIFICATE_CHANGED}_{entry.entry_id}",
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=ISSUE_CERTIFICATE_CHANGED,
        translation_placeholders={"name": entry.title},
    )


@callback
def async_clear_issues(hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
    """Remove the hub's repair issues (it is set up, or removed)."""
    ir.async_delete_issue(hass, DOMAIN, _issue_id(entry))
    ir.async_delete_issue(hass, DOMAIN, f"{ISSUE_CERTIFICATE_CHANGED}_{entry.entry_id}")


class SerialPortRepairFlow(RepairsFlow):
    """Choose the serial port the hub is on now."""

    def __init__(self, entry: ConfigEntry[Any]) -> None:
        """Fix one config entry."""
        self.entry = entry

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Start with the port to choose."""
        return await self.async_step_choose_port()

    async def async_step_choose_port(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show the serial ports; check the chosen one; save it and reload."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**self.entry.data, CONF_SERIAL_PORT: user_input[CONF_SERIAL_PORT]}
            info = await async_try_connect(self.hass, data, errors)
            if info is not None and info.serial != self.entry.unique_id:
                errors["base"] = "wrong_hub"
            elif info is not None:
                self.hass.config_entries.async_update_entry(self.entry, data=data)
                self.hass.config_entries.async_schedule_reload(self.entry.entry_id)
                return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="choose_port",
            data_schema=vol.Schema(
                {vol.Required(CONF_SERIAL_PORT): SerialPortSelector()}
            ),
            description_placeholders={
                "name": self.entry.title,
                "port": str(self.entry.data[CONF_SERIAL_PORT]),
            },
            errors=errors,
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Return the fix flow of an AlarmHub repair issue."""
    entry = hass.config_entries.async_get_entry(str((data or {})[ATTR_ENTRY_ID]))
    if entry is None:
        raise ValueError(f"no config entry for {issue_id}")
    return SerialPortRepairFlow(entry)
