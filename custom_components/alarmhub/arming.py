"""The ``alarmhub.arm`` action: arm a panel with chosen arming options.

The panel's own arm actions (``alarm_control_panel.alarm_arm_*``) use the
defaults set in the options flow; this one takes the options per call and
answers with the zones the hub bypassed by force.
"""

from __future__ import annotations

from homeassistant.const import ATTR_CODE, Platform
from homeassistant.core import HomeAssistant, SupportsResponse, callback
from homeassistant.helpers import config_validation as cv, service
from homeassistant.helpers.typing import VolDictType
import probatio as vol

from .const import DOMAIN
from .panels.hub import ArmMode, ArmOption

SERVICE_ARM = "arm"
ATTR_MODE = "mode"
ATTR_OPTIONS = "options"

ARM_SCHEMA: VolDictType = {
    vol.Required(ATTR_MODE): vol.In([mode.value for mode in ArmMode]),
    vol.Optional(ATTR_OPTIONS, default=list): vol.All(
        cv.ensure_list, [vol.In([option.value for option in ArmOption])]
    ),
    vol.Optional(ATTR_CODE): cv.string,
}


@callback
def async_setup_arm_service(hass: HomeAssistant) -> None:
    """Register ``alarmhub.arm`` on AlarmHub's alarm panels."""
    service.async_register_platform_entity_service(
        hass,
        DOMAIN,
        SERVICE_ARM,
        entity_domain=Platform.ALARM_CONTROL_PANEL,
        schema=ARM_SCHEMA,
        func="async_arm_service",
        supports_response=SupportsResponse.OPTIONAL,
    )
