"""Actions that manage users, their codes and the codes on door locks.

``add_user``, ``update_user``, ``delete_user``, ``add_code_to_locks`` and
``remove_code_from_locks`` (``share_code`` lives in ``share.py``). Each one:

1. refuses while any partition is not disarmed (``system_armed``, naming the
   partition); the hub enforces the same rule, and its refusal maps to the
   same error if the state changed in between. Putting a code on, or taking
   it off, the household's own locks only (ZHA, Z-Wave JS, Matter: see
   ``locks/``) does not touch the panel and is allowed while armed;
2. checks what it can locally (the code policy, the locks' PIN lengths);
3. hands its changes to the entry's :class:`ChangeQueue`, which persists them
   before sending and replays them once if the answer is lost;
4. answers with what happened: ``status`` is ``done`` when the hub took the
   change, ``queued`` when it will be sent once the hub is back, and each
   lock's sync state (``in_sync``, ``removed``, ``failed``, ``retrying``,
   ``queued``) with ``lock_errors`` for the lock's reasons.

A random code is drawn here (``hub/codes.generate_code``, within the hub's and
the locks' limits), so it is known even when the change has to wait; the hub
still checks it against every other code. It is returned in the response and
nowhere else, or, given a notify target, sent and not returned at all
(``code_delivery.py``). A chosen code is never returned.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

from homeassistant.const import Platform
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.helpers.service import async_register_admin_service
import probatio as vol

from .code_delivery import NOTIFY_FIELDS, async_deliver
from .const import DOMAIN
from .coordinator import AlarmHubCoordinator
from .helpers import translate_error
from .locks.actions import LockSplit, split_locks
from .panels.hub import Lock, LockSyncState, PartitionState, User
from .panels.hub.codes import (
    DEFAULT_CODE_LENGTH,
    CodeRejected,
    check_code,
    generate_code,
)
from .pending import Change, ChangeQueue, Kind, Outcome, Status
from .services import ATTR_CONFIG_ENTRY_ID, coordinator_for_call

ATTR_SLOT: Final = "slot"
ATTR_NAME: Final = "name"
ATTR_CODE: Final = "code"
ATTR_RANDOM_CODE: Final = "random_code"
ATTR_CODE_LENGTH: Final = "code_length"
ATTR_LOCKS: Final = "locks"

SLOT = vol.All(vol.Coerce(int), vol.Range(min=1, max=0xFFFF))
NAME = vol.All(cv.string, vol.Length(min=1, max=32))
CODE_LENGTH = vol.All(vol.Coerce(int), vol.Range(min=4, max=8))
# The code is checked in the action, not by the schema: HA logs the data of a
# call its schema refuses.
CODE = cv.string

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


def require_disarmed(coordinator: AlarmHubCoordinator) -> None:
    """Refuse, naming the partition, unless every partition is disarmed."""
    for partition in coordinator.data.partitions.values():
        if partition.state is not PartitionState.DISARMED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="system_armed",
                translation_placeholders={"partition": partition.name},
            )


def hub_user(coordinator: AlarmHubCoordinator, slot: int) -> User:
    """Return the user in ``slot`` or say there is none."""
    if (user := coordinator.data.users.get(str(slot))) is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_user",
            translation_placeholders={"slot": str(slot)},
        )
    return user


def lock_entity_id(
    hass: HomeAssistant, coordinator: AlarmHubCoordinator, lock: str
) -> str:
    """Return the entity id of a lock (its hub id if it has no entity)."""
    unique_id = f"{coordinator.info.serial}_lock_{lock}"
    entity_id = er.async_get(hass).async_get_entity_id(Platform.LOCK, DOMAIN, unique_id)
    return entity_id or lock


def hub_locks(
    hass: HomeAssistant, coordinator: AlarmHubCoordinator, entity_ids: list[str]
) -> list[Lock]:
    """Return the hub's locks behind lock entities of this hub."""
    registry = er.async_get(hass)
    prefix = f"{coordinator.info.serial}_lock_"
    locks = []
    for entity_id in entity_ids:
        entry = registry.async_get(entity_id)
        lock = None
        if (
            entry is not None
            and entry.platform == DOMAIN
            and entry.config_entry_id == coordinator.config_entry.entry_id
            and entry.unique_id.startswith(prefix)
        ):
            lock = coordinator.data.locks.get(entry.unique_id.removeprefix(prefix))
        if lock is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_lock",
                translation_placeholders={"entity_id": entity_id},
            )
        locks.append(lock)
    return locks


def _check_length(length: int, locks: list[Lock]) -> None:
    for lock in locks:
        if not lock.min_pin_length <= length <= lock.max_pin_length:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="code_length_lock",
                translation_placeholders={
                    "lock": lock.name,
                    "min": str(lock.min_pin_length),
                    "max": str(lock.max_pin_length),
                },
            )


def check_chosen_code(
    coordinator: AlarmHubCoordinator, code: str, locks: list[Lock]
) -> None:
    """Refuse a code that breaks the policy or does not fit a lock."""
    info = coordinator.info
    try:
        check_code(
            code, min_length=info.min_code_length, max_length=info.max_code_length
        )
    except CodeRejected as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="code_rejected",
            translation_placeholders={"reason": str(err)},
        ) from None
    _check_length(len(code), locks)


def new_code(
    coordinator: AlarmHubCoordinator, data: dict[str, Any], locks: list[Lock]
) -> tuple[str, bool]:
    """Return the chosen code, checked, or draw one; say whether it was drawn."""
    if (code := data.get(ATTR_CODE)) is not None:
        check_chosen_code(coordinator, code, locks)
        return code, False
    info = coordinator.info
    # The default length, within what the panel takes (a Vista: 4 digits only).
    default = max(info.min_code_length, min(DEFAULT_CODE_LENGTH, info.max_code_length))
    length = data.get(ATTR_CODE_LENGTH, default)
    if not info.min_code_length <= length <= info.max_code_length:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="code_length_hub",
            translation_placeholders={
                "min": str(info.min_code_length),
                "max": str(info.max_code_length),
            },
        )
    _check_length(length, locks)
    return generate_code(length), True


def raise_failure(outcome: Outcome) -> None:
    """Raise the translated error of a change the hub refused."""
    if outcome.status is Status.FAILED and outcome.error is not None:
        raise translate_error(outcome.error) from outcome.error


async def lock_results(
    hass: HomeAssistant,
    coordinator: AlarmHubCoordinator,
    changes: list[Change],
    futures: list[asyncio.Future[Outcome]],
) -> dict[str, Any]:
    """Wait for lock changes; return each lock's state and reasons."""
    states: dict[str, str] = {}
    errors: dict[str, str] = {}
    for change, future in zip(changes, futures, strict=True):
        assert change.lock is not None
        entity_id = lock_entity_id(hass, coordinator, change.lock)
        outcome = await future
        if outcome.status is not Status.DONE:
            states[entity_id] = outcome.status.value
            if outcome.error is not None:
                errors[entity_id] = getattr(outcome.error, "code", "unknown_error")
            continue
        status = str(outcome.result.get("lock_status"))
        if status != "success":
            states[entity_id] = LockSyncState.FAILED.value
            errors[entity_id] = status
        elif change.kind is Kind.SET_PIN:
            states[entity_id] = LockSyncState.IN_SYNC.value
        else:
            states[entity_id] = "removed"
    return {"locks": states, "lock_errors": errors}


async def _followups(
    hass: HomeAssistant,
    coordinator: AlarmHubCoordinator,
    change: Change,
    outcome: Outcome,
) -> dict[str, Any]:
    """Report the locks a user change put its new code on."""
    if outcome.status is not Status.DONE:
        return {
            "locks": {
                lock_entity_id(hass, coordinator, lock): outcome.status.value
                for lock in change.then_locks
            },
            "lock_errors": {},
        }
    pushed = [
        Change(kind=Kind.SET_PIN, slot=change.slot, lock=lock)
        for lock in change.then_locks
    ]
    return await lock_results(hass, coordinator, pushed, outcome.followups)


def _context(
    hass: HomeAssistant, call: ServiceCall
) -> tuple[AlarmHubCoordinator, ChangeQueue]:
    coordinator = coordinator_for_call(hass, call)
    require_disarmed(coordinator)
    return coordinator, coordinator.changes


async def submit_user_change(
    hass: HomeAssistant,
    coordinator: AlarmHubCoordinator,
    queue: ChangeQueue,
    change: Change,
    household: LockSplit | None = None,
) -> dict[str, Any]:
    """Send an add or update (actions and flow); answer with the user, locks.

    A new code is checked on the ``household`` locks first, put on after.
    """
    if household is not None and change.code is not None:
        await household.check(change.code)
    (future,) = await queue.submit([change])
    outcome = await future
    raise_failure(outcome)
    response: dict[str, Any] = {"status": outcome.status.value}
    if isinstance(user := outcome.result.get("user"), dict):
        response.update(
            slot=user.get("slot"), name=user.get("name"), code_status=user.get("status")
        )
    if change.drawn:
        response[ATTR_CODE] = change.code
    response.update(await _followups(hass, coordinator, change, outcome))
    if household is not None:
        await household.put(response, response.get("slot"), change.code)
    return response


@callback
def async_setup_user_services(hass: HomeAssistant) -> None:
    """Register the user and lock-code actions (and ``share_code``)."""

    async def add_user(call: ServiceCall) -> ServiceResponse:
        coordinator, queue = _context(hass, call)
        split = split_locks(hass, coordinator.household, call.data.get(ATTR_LOCKS, []))
        locks = hub_locks(hass, coordinator, split.hub)
        code, drawn = new_code(coordinator, dict(call.data), locks)
        change = Change(
            kind=Kind.ADD_USER,
            name=call.data[ATTR_NAME],
            code=code,
            drawn=drawn,
            then_locks=[lock.id for lock in locks],
        )
        response = await submit_user_change(hass, coordinator, queue, change, split)
        name = call.data[ATTR_NAME]
        return await async_deliver(hass, coordinator, call, response, code, name=name)

    async def update_user(call: ServiceCall) -> ServiceResponse:
        coordinator, queue = _context(hass, call)
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
        split = split_locks(hass, coordinator.household, [], user=user.slot)
        change = Change(
            kind=Kind.UPDATE_USER,
            slot=user.slot,
            name=call.data.get(ATTR_NAME),
            code=code,
            drawn=drawn,
            then_locks=lock_ids if wants_code else [],
        )
        response = await submit_user_change(hass, coordinator, queue, change, split)
        name = call.data.get(ATTR_NAME, user.name)
        return await async_deliver(hass, coordinator, call, response, code, name=name)

    async def delete_user(call: ServiceCall) -> ServiceResponse:
        coordinator, queue = _context(hass, call)
        user = hub_user(coordinator, call.data[ATTR_SLOT])
        clears = [
            Change(kind=Kind.CLEAR_PIN, slot=user.slot, lock=lock)
            for lock in user.locks
            if lock in coordinator.data.locks
        ]
        delete = Change(kind=Kind.DELETE_USER, slot=user.slot)
        *cleared, deleted = await queue.submit([*clears, delete])
        outcome = await deleted
        raise_failure(outcome)
        response = {
            "status": outcome.status.value,
            **await lock_results(hass, coordinator, clears, cleared),
        }
        await split_locks(hass, coordinator.household, [], user=user.slot).take_off(
            response, user.slot
        )
        return response

    async def lock_codes(call: ServiceCall, code: str | None) -> ServiceResponse:
        # Household locks only: allowed while armed (the panel is not touched).
        coordinator = coordinator_for_call(hass, call)
        queue = coordinator.changes
        split = split_locks(hass, coordinator.household, call.data[ATTR_LOCKS])
        if split.hub:
            require_disarmed(coordinator)
        user = hub_user(coordinator, call.data[ATTR_SLOT])
        locks = hub_locks(hass, coordinator, split.hub)
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
        response = await lock_results(hass, coordinator, changes, futures)
        if code is None:
            await split.take_off(response, user.slot)
        else:
            await split.put(response, user.slot, code)
        return response

    async def add_code_to_locks(call: ServiceCall) -> ServiceResponse:
        return await lock_codes(call, call.data[ATTR_CODE])

    async def remove_code_from_locks(call: ServiceCall) -> ServiceResponse:
        return await lock_codes(call, None)

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
