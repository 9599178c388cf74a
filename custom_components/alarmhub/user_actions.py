"""The user and lock-code actions: their schemas and handlers.

``add_user``, ``update_user``, ``delete_user``, ``add_code_to_locks`` and
``remove_code_from_locks`` (``share_code`` is in ``share_action.py``). What
they share with the user flows (the rules, the change path, the answers) is
in ``users.py``; this module only reads the calls and answers them.
"""

from __future__ import annotations

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

from .code_delivery import NOTIFY_FIELDS, async_deliver
from .const import DOMAIN
from .coordinator import AlarmHubCoordinator
from .locks.actions import split_locks
from .panels.hub import LockSyncState
from .pending import Change, ChangeQueue, Kind
from .services import ATTR_CONFIG_ENTRY_ID, coordinator_for_call
from .users import (
    ATTR_CODE,
    ATTR_CODE_LENGTH,
    ATTR_LOCKS,
    ATTR_NAME,
    ATTR_RANDOM_CODE,
    ATTR_SLOT,
    CODE,
    CODE_LENGTH,
    NAME,
    SLOT,
    check_chosen_code,
    hub_locks,
    hub_user,
    lock_results,
    new_code,
    raise_failure,
    require_disarmed,
    submit_user_change,
)

ADD_USER_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_NAME): NAME,
        vol.Optional(ATTR_CODE): CODE,
        vol.Optional(ATTR_CODE_LENGTH): CODE_LENGTH,
        vol.Optional(ATTR_LOCKS): cv.entity_ids,
        **NOTIFY_FIELDS,
    }
)
UPDATE_USER_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_SLOT): SLOT,
        vol.Optional(ATTR_NAME): NAME,
        vol.Optional(ATTR_CODE): CODE,
        vol.Optional(ATTR_RANDOM_CODE, default=False): cv.boolean,
        vol.Optional(ATTR_CODE_LENGTH): CODE_LENGTH,
        **NOTIFY_FIELDS,
    }
)
DELETE_USER_SCHEMA = vol.Schema(
    {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string, vol.Required(ATTR_SLOT): SLOT}
)
ADD_CODE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_SLOT): SLOT,
        vol.Required(ATTR_CODE): CODE,
        vol.Required(ATTR_LOCKS): cv.entity_ids,
    }
)
REMOVE_CODE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_SLOT): SLOT,
        vol.Required(ATTR_LOCKS): cv.entity_ids,
    }
)


def _context(call: ServiceCall) -> tuple[AlarmHubCoordinator, ChangeQueue]:
    coordinator = coordinator_for_call(call.hass, call)
    require_disarmed(coordinator)
    return coordinator, coordinator.changes


async def add_user(call: ServiceCall) -> ServiceResponse:
    """Add a user with a chosen or random code, on the locks asked for."""
    coordinator, queue = _context(call)
    split = split_locks(call.hass, coordinator.household, call.data.get(ATTR_LOCKS, []))
    locks = hub_locks(call.hass, coordinator, split.hub)
    code, drawn = new_code(coordinator, dict(call.data), locks)
    change = Change(
        kind=Kind.ADD_USER,
        name=call.data[ATTR_NAME],
        code=code,
        drawn=drawn,
        then_locks=[lock.id for lock in locks],
    )
    response = await submit_user_change(call.hass, coordinator, queue, change, split)
    name = call.data[ATTR_NAME]
    return await async_deliver(call.hass, coordinator, call, response, code, name=name)


async def update_user(call: ServiceCall) -> ServiceResponse:
    """Rename a user or give them a new code (onto every lock they have)."""
    coordinator, queue = _context(call)
    user = hub_user(coordinator, call.data[ATTR_SLOT])
    wants_code = ATTR_CODE in call.data or call.data[ATTR_RANDOM_CODE]
    if ATTR_CODE in call.data and call.data[ATTR_RANDOM_CODE]:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="code_and_random_code"
        )
    if not wants_code and ATTR_NAME not in call.data:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="nothing_to_change"
        )
    # A new code goes to every lock that has (or is getting) the old one.
    lock_ids = [
        lock
        for lock, state in user.locks.items()
        if state != LockSyncState.REMOVING and lock in coordinator.data.locks
    ]
    code, drawn = (
        new_code(
            coordinator,
            dict(call.data),
            [coordinator.data.locks[lock] for lock in lock_ids],
        )
        if wants_code
        else (None, False)
    )
    split = split_locks(call.hass, coordinator.household, [], user=user.slot)
    change = Change(
        kind=Kind.UPDATE_USER,
        slot=user.slot,
        name=call.data.get(ATTR_NAME),
        code=code,
        drawn=drawn,
        then_locks=lock_ids if wants_code else [],
    )
    response = await submit_user_change(call.hass, coordinator, queue, change, split)
    name = call.data.get(ATTR_NAME, user.name)
    return await async_deliver(call.hass, coordinator, call, response, code, name=name)


async def delete_user(call: ServiceCall) -> ServiceResponse:
    """Delete a user, their code off every lock first."""
    coordinator, queue = _context(call)
    user = hub_user(coordinator, call.data[ATTR_SLOT])
    clears = [
        Change(kind=Kind.CLEAR_PIN, slot=user.slot, lock=lock)
        for lock in user.locks
        if lock in coordinator.data.locks
    ]
    # The user's household locks, known before the panel forgets the user.
    household = split_locks(call.hass, coordinator.household, [], user=user.slot)
    delete = Change(kind=Kind.DELETE_USER, slot=user.slot)
    *cleared, deleted = await queue.submit([*clears, delete])
    outcome = await deleted
    raise_failure(outcome)
    response = {
        "status": outcome.status.value,
        **await lock_results(call.hass, coordinator, clears, cleared),
    }
    await household.take_off(response, user.slot)
    return response


async def _lock_codes(call: ServiceCall, code: str | None) -> ServiceResponse:
    # Household locks only: allowed while armed (the panel is not touched).
    coordinator = coordinator_for_call(call.hass, call)
    queue = coordinator.changes
    split = split_locks(call.hass, coordinator.household, call.data[ATTR_LOCKS])
    if split.hub:
        require_disarmed(coordinator)
    user = hub_user(coordinator, call.data[ATTR_SLOT])
    locks = hub_locks(call.hass, coordinator, split.hub)
    if code is not None:
        check_chosen_code(coordinator, code, locks)
        await split.check(code)
    kind = Kind.CLEAR_PIN if code is None else Kind.SET_PIN
    changes = [
        Change(kind=kind, slot=user.slot, lock=lock.id, code=code) for lock in locks
    ]
    futures = await queue.submit(changes) if changes else []
    for future in futures:
        raise_failure(await future)
    response = await lock_results(call.hass, coordinator, changes, futures)
    if code is None:
        await split.take_off(response, user.slot)
    else:
        await split.put(response, user.slot, code)
    return response


async def add_code_to_locks(call: ServiceCall) -> ServiceResponse:
    """Put a user's code on more locks."""
    return await _lock_codes(call, call.data[ATTR_CODE])


async def remove_code_from_locks(call: ServiceCall) -> ServiceResponse:
    """Take a user's code off locks."""
    return await _lock_codes(call, None)


@callback
def async_setup_user_services(hass: HomeAssistant) -> None:
    """Register the user and lock-code actions."""
    for name, handler, schema in (
        ("add_user", add_user, ADD_USER_SCHEMA),
        ("update_user", update_user, UPDATE_USER_SCHEMA),
        ("delete_user", delete_user, DELETE_USER_SCHEMA),
        ("add_code_to_locks", add_code_to_locks, ADD_CODE_SCHEMA),
        ("remove_code_from_locks", remove_code_from_locks, REMOVE_CODE_SCHEMA),
    ):
        async_register_admin_service(
            hass,
            DOMAIN,
            name,
            handler,
            schema=schema,
            supports_response=SupportsResponse.OPTIONAL,
        )
