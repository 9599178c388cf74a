"""Send a code at the moment an action sets it (``add_user``, ``update_user``).

Given a notify target (``notify_entity`` or ``notify_service``, as the add-user
flow's share step), ``add_user`` and ``update_user`` send the code they set or
drew right there, through ``share.async_send_code`` (quietly: nothing on the
event bus), and leave it out of their response: a random code then never
leaves Home Assistant except in the message. If the message cannot be sent,
the response says why (``share_error``) and still holds no code: the person
sends a new one with ``share_code`` (without a code).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.components.notify.const import DOMAIN as NOTIFY_DOMAIN
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.template import Template
import probatio as vol

from .const import DOMAIN
from .coordinator import AlarmHubCoordinator
from .panels.hub import CodeStatus, User
from .share import (
    ATTR_NOTIFY_ENTITY,
    ATTR_NOTIFY_SERVICE,
    DEFAULT_MESSAGE,
    DEFAULT_TITLE,
    async_send_code,
    notify_target,
)

ATTR_SHARED: Final = "shared"
ATTR_SHARE_ERROR: Final = "share_error"

#: The target fields ``add_user`` and ``update_user`` take.
NOTIFY_FIELDS: Final[dict[Any, Any]] = {
    vol.Exclusive(ATTR_NOTIFY_ENTITY, "target"): cv.entity_domain(NOTIFY_DOMAIN),
    vol.Exclusive(ATTR_NOTIFY_SERVICE, "target"): cv.string,
}


def wants_delivery(data: Mapping[str, Any]) -> bool:
    """Return whether the call names a notify target."""
    return bool(data.get(ATTR_NOTIFY_ENTITY) or data.get(ATTR_NOTIFY_SERVICE))


async def async_deliver(
    hass: HomeAssistant,
    coordinator: AlarmHubCoordinator,
    call: ServiceCall,
    response: dict[str, Any],
    code: str | None,
    *,
    name: str,
) -> dict[str, Any]:
    """Send ``code`` to the call's target, if any; answer without the code."""
    data = call.data
    if code is None or not wants_delivery(data):
        return response
    response.pop("code", None)
    slot = response.get("slot")
    user = coordinator.data.users.get(str(slot)) if slot is not None else None
    if user is None:  # not on the panel yet (queued): its name is enough
        user = User(slot=int(slot or 0), name=name, status=CodeStatus.PENDING)
    try:
        await async_send_code(
            hass,
            coordinator.data,
            user,
            code,
            target=notify_target(dict(data)),
            template=Template(DEFAULT_MESSAGE, hass),
            title=DEFAULT_TITLE,
            context=call.context,
        )
    except HomeAssistantError as err:
        ours = err.translation_domain == DOMAIN and err.translation_key
        return response | {
            ATTR_SHARED: False,
            ATTR_SHARE_ERROR: err.translation_key if ours else "share_failed",
        }
    return response | {ATTR_SHARED: True}
