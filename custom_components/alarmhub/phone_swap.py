"""The ``alarmhub.phone_swap`` action: move the account to a new phone.

One call updates what the vendor's checklist lists: the primary contact's
phone, every notification rule's recipients, the geo-devices and two-factor
authentication. The hub plans and makes the changes (``dry_run`` only plans
them); the response lists them with every number masked to its last two
digits. Running it again after success changes nothing. When a change fails
part-way, the error says which changes were done and which were not, and
running the action again finishes the rest.
"""

from __future__ import annotations

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service import async_register_admin_service
from homeassistant.util.json import JsonValueType
import probatio as vol

from .const import DOMAIN
from .helpers import call_hub
from .panels.base import Capability
from .panels.hub.results import AccountChange
from .services import ATTR_CONFIG_ENTRY_ID, coordinator_for_call

SERVICE_PHONE_SWAP = "phone_swap"
ATTR_OLD_NUMBER = "old_number"
ATTR_NEW_NUMBER = "new_number"
ATTR_DRY_RUN = "dry_run"

PHONE_SWAP_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_OLD_NUMBER): cv.string,
        vol.Required(ATTR_NEW_NUMBER): cv.string,
        vol.Optional(ATTR_DRY_RUN, default=False): cv.boolean,
    }
)


def _summaries(changes: tuple[AccountChange, ...]) -> list[JsonValueType]:
    return [change.as_dict() for change in changes]


def _listed(changes: tuple[AccountChange, ...]) -> str:
    return "; ".join(
        change.description + (f" ({change.reason})" if change.reason else "")
        for change in changes
    )


async def _async_phone_swap(call: ServiceCall) -> ServiceResponse:
    """Plan or make a phone swap on one hub's account."""
    coordinator = coordinator_for_call(call.hass, call)
    dry_run: bool = call.data[ATTR_DRY_RUN]
    result = await call_hub(
        coordinator.hub_client(Capability.ACCOUNT).phone_swap(
            call.data[ATTR_OLD_NUMBER], call.data[ATTR_NEW_NUMBER], dry_run=dry_run
        )
    )
    if dry_run:
        return {"dry_run": True, "changes": _summaries(result.planned)}
    if result.partial:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="phone_swap_partial",
            translation_placeholders={
                "done": _listed(result.done) or "-",
                "not_done": _listed(result.not_done),
            },
        )
    return {
        "dry_run": False,
        "done": _summaries(result.done),
        "not_done": [],
    }


@callback
def async_setup_phone_swap_service(hass: HomeAssistant) -> None:
    """Register ``alarmhub.phone_swap``: admin only, it rewrites the contacts."""
    async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_PHONE_SWAP,
        _async_phone_swap,
        schema=PHONE_SWAP_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
