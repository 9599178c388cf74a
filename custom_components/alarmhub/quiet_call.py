"""Run an action without announcing its data: the one use of HA internals.

Why: Home Assistant fires a ``call_service`` event with the data of every
action ``hass.services.async_call`` runs, the recorder stores that event, and
``homeassistant.core`` logs it at DEBUG. ``share_code`` sends a message that
holds a user's alarm code, so that path would put the code in the database
and the log.

No public API delivers a message without that event: ``notify.send_message``
is an action (same event); a notify entity's ``async_send_message`` can be
reached through ``entity_platform.async_get_platforms``, but it skips the
entity's last-notified state (kept by the entity's private, ``@final``
``_async_send_message``), and legacy notify actions (``notify.smtp``, SMS
gateways) have no entity at all.

So this module runs the action's own handler, with its own schema, exactly as
``ServiceRegistry.async_call`` would after firing the event. It relies on:
``ServiceRegistry.async_services_internal()`` (documented "only expected to be
called from the Home Assistant internals"), ``Service.job`` and
``Service.schema``, and ``ServiceCall(hass, domain, service, data,
context)``. ``tests/test_quiet_call.py`` checks each of these against the
installed HA and fails loudly when one changes; it also checks that the
public path still announces the data (when it stops doing so, use it).
The trade-off is recorded in ``quality_scale.yaml`` (strict-typing's comment
cannot cover it: it is a choice of privacy over the public API).
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import Context, HomeAssistant, ServiceCall
from homeassistant.exceptions import ServiceValidationError
import probatio as vol

from .const import DOMAIN


async def async_call_quietly(
    hass: HomeAssistant,
    domain: str,
    service: str,
    data: dict[str, Any],
    context: Context,
) -> None:
    """Run an action's handler without a ``call_service`` event on the bus."""
    handler = hass.services.async_services_internal().get(domain, {}).get(service)
    if handler is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="notify_not_found",
            translation_placeholders={"service": f"{domain}.{service}"},
        )
    try:
        checked = handler.schema(data) if handler.schema is not None else data
    except vol.Invalid:
        # The error would quote the data (the message, and so the code).
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="notify_not_found",
            translation_placeholders={"service": f"{domain}.{service}"},
        ) from None
    call = ServiceCall(hass, domain, service, checked, context)
    if (job := hass.async_run_hass_job(handler.job, call)) is not None:
        await job
