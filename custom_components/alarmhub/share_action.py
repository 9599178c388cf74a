"""The ``share_code`` action: send a user a code by text or email.

Without ``code`` ("send a new code"), the action draws a new random code for
the user (``code_length`` digits, within the panel's and the locks' limits),
sets it on the panel and on every lock that has the user's code, like
``update_user`` with ``random_code`` (refused while a partition is armed),
and sends it. The code then never leaves Home Assistant but in the message:
not in the action's data, not in its response.

With ``code`` the action sends that code, as it always did, for existing
automations. The docs advise against it: Home Assistant records every
action's data (a ``call_service`` event, in the recorder's database and in
``homeassistant.core``'s debug log), so a code passed that way is stored
whatever this integration does.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.components.notify.const import (
    ATTR_MESSAGE,
    ATTR_TITLE,
    DOMAIN as NOTIFY_DOMAIN,
)
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service import async_register_admin_service
import probatio as vol

from .const import DOMAIN
from .coordinator import AlarmHubCoordinator
from .locks.actions import split_locks
from .panels.hub import LockSyncState, User
from .pending import Change, Kind
from .services import ATTR_CONFIG_ENTRY_ID, coordinator_for_call
from .share import (
    ATTR_CODE,
    ATTR_NOTIFY_ENTITY,
    ATTR_NOTIFY_SERVICE,
    ATTR_SLOT,
    DEFAULT_MESSAGE,
    DEFAULT_TITLE,
    async_send_code,
    notify_target,
)
from .users import (
    ATTR_CODE_LENGTH,
    CODE_LENGTH,
    new_code,
    require_disarmed,
    submit_user_change,
)

ATTR_NEW_CODE: Final = "new_code"

SHARE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_SLOT): vol.All(vol.Coerce(int), vol.Range(min=1)),
        vol.Optional(ATTR_CODE): cv.string,
        vol.Optional(ATTR_CODE_LENGTH): CODE_LENGTH,
        vol.Exclusive(ATTR_NOTIFY_ENTITY, "target"): cv.entity_domain(NOTIFY_DOMAIN),
        vol.Exclusive(ATTR_NOTIFY_SERVICE, "target"): cv.string,
        vol.Optional(ATTR_MESSAGE, default=DEFAULT_MESSAGE): cv.template,
        vol.Optional(ATTR_TITLE, default=DEFAULT_TITLE): cv.string,
    }
)


async def _set_new_code(
    hass: HomeAssistant,
    coordinator: AlarmHubCoordinator,
    user: User,
    data: dict[str, Any],
) -> tuple[str, dict[str, Any]]:
    """Give ``user`` a new random code everywhere; return it and the outcome."""
    require_disarmed(coordinator)
    lock_ids = [
        lock
        for lock, state in user.locks.items()
        if state != LockSyncState.REMOVING and lock in coordinator.data.locks
    ]
    length = (
        {ATTR_CODE_LENGTH: data[ATTR_CODE_LENGTH]} if ATTR_CODE_LENGTH in data else {}
    )
    code, _ = new_code(
        coordinator, length, [coordinator.data.locks[lock] for lock in lock_ids]
    )
    split = split_locks(hass, coordinator.household, [], user=user.slot)
    change = Change(
        kind=Kind.UPDATE_USER,
        slot=user.slot,
        code=code,
        drawn=True,
        then_locks=lock_ids,
    )
    response = await submit_user_change(
        hass, coordinator, coordinator.changes, change, split
    )
    code = response.pop(ATTR_CODE, code)  # drawn again if the hub had it
    return code, response


@callback
def async_setup_share_service(hass: HomeAssistant) -> None:
    """Register ``share_code``."""

    async def share_code(call: ServiceCall) -> ServiceResponse:
        coordinator = coordinator_for_call(hass, call)
        slot = call.data[ATTR_SLOT]
        if (user := coordinator.data.users.get(str(slot))) is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_user",
                translation_placeholders={"slot": str(slot)},
            )
        target = notify_target(dict(call.data))
        outcome: dict[str, Any] = {}
        if (code := call.data.get(ATTR_CODE)) is None:
            code, outcome = await _set_new_code(
                hass, coordinator, user, dict(call.data)
            )
            user = coordinator.data.users.get(str(slot), user)
        await async_send_code(
            hass,
            coordinator.data,
            user,
            code,
            target=target,
            template=call.data[ATTR_MESSAGE],
            title=call.data[ATTR_TITLE],
            context=call.context,
        )
        response: dict[str, Any] = {"sent": True, "name": user.name}
        if outcome:
            response |= {ATTR_NEW_CODE: True, **outcome}
        return response

    async_register_admin_service(
        hass,
        DOMAIN,
        "share_code",
        share_code,
        schema=SHARE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
