"""Send a user their code by text or email (``share_code``, the flows).

The message is a template that may use ``name`` (the user's name), ``code``
and ``locks`` (the names of the locks the code is in sync on). It goes out
through Home Assistant's notify: a notify entity (``notify.send_message``,
e.g. an SMTP recipient) or a legacy notify action such as ``notify.smtp`` or
an SMS gateway's.

The hub never gives a code back, so a code is sent where it is set: the
add-user flow's last step, ``add_user`` and ``update_user`` given a notify
target (``code_delivery.py``), or ``share_code`` without a code, which sets
a new random one and sends it (``share_action.py``).

The notify action is run without announcing its data on the event bus: Home
Assistant fires a ``call_service`` event with the data of every action it is
asked to call, which would put the rendered message (and so the code) on the
bus and in the recorder's database. ``quiet_call.py`` runs the action's own
handler instead; it is the integration's one use of HA internals, isolated
there with the reasons and a test that fails when HA changes them.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.components.notify.const import (
    ATTR_MESSAGE,
    ATTR_TITLE,
    DOMAIN as NOTIFY_DOMAIN,
    SERVICE_SEND_MESSAGE,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import (
    Context,
    HomeAssistant,
)
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    TemplateError,
)
from homeassistant.helpers.template import Template

from .const import DOMAIN, LOGGER
from .panels.hub import HubState, LockSyncState, User
from .quiet_call import async_call_quietly

ATTR_SLOT: Final = "slot"
ATTR_CODE: Final = "code"
ATTR_NOTIFY_ENTITY: Final = "notify_entity"
ATTR_NOTIFY_SERVICE: Final = "notify_service"

DEFAULT_MESSAGE: Final = (
    "Hello {{ name }}, your alarm code is {{ code }}."
    "{% if locks %} It also opens: {{ locks | join(', ') }}.{% endif %}"
)
DEFAULT_TITLE: Final = "Your alarm code"


def _notify_target(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return the notify action to run and the target part of its data."""
    if entity_id := data.get(ATTR_NOTIFY_ENTITY):
        return SERVICE_SEND_MESSAGE, {ATTR_ENTITY_ID: entity_id}
    if service := data.get(ATTR_NOTIFY_SERVICE):
        return str(service).removeprefix(f"{NOTIFY_DOMAIN}."), {}
    raise ServiceValidationError(
        translation_domain=DOMAIN, translation_key="notify_target_missing"
    )


def notify_target(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return the notify action and target for ``notify_entity``/``notify_service``."""
    return _notify_target(data)


async def async_send_code(
    hass: HomeAssistant,
    state: HubState,
    user: User,
    code: str,
    *,
    target: tuple[str, dict[str, Any]],
    template: Template,
    title: str,
    context: Context,
) -> None:
    """Send ``user`` their ``code`` through notify, without a trace on the bus."""
    service, target_data = target
    locks = state.locks
    template.hass = hass
    variables = {
        "name": user.name,
        "code": code,
        "locks": [
            locks[lock].name
            for lock, lock_state in user.locks.items()
            if lock_state == LockSyncState.IN_SYNC and lock in locks
        ],
    }
    try:
        message = template.async_render(variables, parse_result=False)
    except TemplateError:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="share_template"
        ) from None
    try:
        await async_call_quietly(
            hass,
            NOTIFY_DOMAIN,
            service,
            {**target_data, ATTR_MESSAGE: message, ATTR_TITLE: title},
            context,
        )
    except HomeAssistantError:
        raise
    except Exception as err:
        # The message holds the code: never let an error carry it on.
        LOGGER.debug("Sending a code failed: %s", type(err).__name__)
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="share_failed"
        ) from None
