"""Add and reconfigure a user in Home Assistant's UI (a config subentry flow).

*Add user* asks for the name, a code (a password field; left empty, the hub's
code rules draw a random one of the chosen length) and the door locks to put
it on. A random code is shown once, on the flow's last step, with a way to
share it right there (a notify entity, e.g. an email recipient, or a notify
action such as an SMS gateway's); the code is never stored in the subentry.

*Reconfigure* renames the user, gives a new (chosen or random) code, and puts
the code on more locks or takes it off some. The hub never gives a code back,
so a lock can only be added together with a new code.

A change the panel refuses (a partition is armed, a code against the rules,
a lock's PIN length) is an error on the form, naming the partition or rule,
and changes nothing. Changes go through the entry's change queue, like the
actions (``users.py``), so they survive a hub that is briefly away.
"""

from __future__ import annotations

from typing import Any, Final, cast

from homeassistant.components.notify.const import DOMAIN as NOTIFY_DOMAIN
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigSubentry,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.core import Context
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import selector
from homeassistant.helpers.template import Template
import probatio as vol

from .connection import is_alarmdecoder
from .const import DOMAIN
from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator
from .locks.actions import split_locks
from .panels.hub import User
from .pending import Change, Kind
from .schedule_form import (
    REMOVE_WHEN_EXPIRED,
    SECTION,
    read_schedule,
    remove_when_expired,
    schedule_defaults,
    schedule_section,
)
from .share import DEFAULT_MESSAGE, DEFAULT_TITLE, async_send_code, notify_target
from .user_locks import LOCKS_SELECTOR, async_take_off, current_locks, plan_locks
from .user_schedules import DATA_REMOVE_WHEN_EXPIRED
from .user_subentries import DATA_UID, SUBENTRY_USER, user_subentries
from .users import (
    ATTR_CODE,
    ATTR_CODE_LENGTH,
    ATTR_LOCKS,
    ATTR_NAME,
    hub_locks,
    new_code,
    raise_failure,
    require_disarmed,
    submit_user_change,
)

ATTR_RANDOM: Final = "random_code"
ATTR_NOTIFY_ENTITY: Final = "notify_entity"
ATTR_NOTIFY_SERVICE: Final = "notify_service"
DEFAULT_LENGTH: Final = 6

_PASSWORD = selector.TextSelector(
    selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
)
_LENGTH = selector.NumberSelector(
    selector.NumberSelectorConfig(
        min=4, max=8, step=1, mode=selector.NumberSelectorMode.BOX
    )
)
_BOOLEAN = selector.BooleanSelector()
SHARE_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_NOTIFY_ENTITY): selector.EntitySelector(
            selector.EntitySelectorConfig(domain=NOTIFY_DOMAIN)
        ),
        vol.Optional(ATTR_NOTIFY_SERVICE): selector.TextSelector(),
    }
)


def user_subentry_types(entry: ConfigEntry) -> dict[str, type[ConfigSubentryFlow]]:
    """Return the subentry flows of an entry: users, on a hub."""
    if is_alarmdecoder(entry.data):
        return {}  # a Vista's flow: vista_user_flow.py
    return {SUBENTRY_USER: UserSubentryFlow}


class UserSubentryFlow(ConfigSubentryFlow):
    """Add a user to the panel, or change one."""

    def __init__(self) -> None:
        """Start with nothing done."""
        self._name = ""
        self._slot: int | None = None
        self._code: str | None = None
        self._drawn = False
        self._placeholders: dict[str, str] = {}
        self._remove_when_expired = False

    # ----- helpers -----------------------------------------------------

    def _coordinator(self) -> AlarmHubCoordinator | None:
        entry = cast("AlarmHubConfigEntry", self._get_entry())
        if entry.state is not ConfigEntryState.LOADED:
            return None
        return entry.runtime_data

    def _user(self, coordinator: AlarmHubCoordinator) -> User | None:
        if self._slot is None:
            return None
        return coordinator.data.users.get(str(self._slot))

    def _reconfigured_user(
        self, coordinator: AlarmHubCoordinator
    ) -> tuple[ConfigSubentry, User] | None:
        """Return the subentry being reconfigured and the panel's user of it."""
        entry = cast("AlarmHubConfigEntry", self._get_entry())
        subentry = entry.subentries.get(self._reconfigure_subentry_id)
        if subentry is None:
            return None
        user = coordinator.data.user_by_uid(str(subentry.data.get(DATA_UID)))
        return None if user is None else (subentry, user)

    async def _guarded(
        self,
        step_id: str,
        schema: vol.Schema,
        run: Any,
        user_input: dict[str, Any],
    ) -> SubentryFlowResult | None:
        """Run a change; on a refusal show the form again with the reason."""
        try:
            await run()
        except HomeAssistantError as err:
            key = err.translation_key or "unknown_error"
            return self.async_show_form(
                step_id=step_id,
                data_schema=self.add_suggested_values_to_schema(
                    schema, {k: v for k, v in user_input.items() if k != ATTR_CODE}
                ),
                errors={"base": key},
                description_placeholders=dict(err.translation_placeholders or {}),
            )
        return None

    async def _set_schedule(
        self,
        coordinator: AlarmHubCoordinator,
        slot: int,
        schedule: dict[str, Any] | None,
    ) -> None:
        """Give the user's schedule to the hub, which enforces it."""
        change = Change(kind=Kind.SET_SCHEDULE, slot=slot, schedule=schedule)
        (future,) = await coordinator.changes.submit([change])
        raise_failure(await future)

    # ----- add ---------------------------------------------------------

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask for the name, the code (or a random one) and the locks."""
        if (coordinator := self._coordinator()) is None:
            return self.async_abort(reason="not_loaded")
        schema = vol.Schema(
            {
                vol.Required(ATTR_NAME): selector.TextSelector(),
                vol.Optional(ATTR_CODE): _PASSWORD,
                vol.Optional(ATTR_CODE_LENGTH, default=DEFAULT_LENGTH): _LENGTH,
                vol.Optional(ATTR_LOCKS): LOCKS_SELECTOR,
                **schedule_section(),
            }
        )
        if user_input is None:
            return self.async_show_form(step_id="user", data_schema=schema)

        async def add() -> None:
            require_disarmed(coordinator)
            split = split_locks(
                self.hass, coordinator.household, user_input.get(ATTR_LOCKS, [])
            )
            locks = hub_locks(self.hass, coordinator, split.hub)
            data = {ATTR_CODE_LENGTH: int(user_input[ATTR_CODE_LENGTH])}
            if user_input.get(ATTR_CODE):
                data[ATTR_CODE] = user_input[ATTR_CODE]
            code, drawn = new_code(coordinator, data, locks)
            schedule = read_schedule(self.hass, user_input)
            split.follow(schedule)
            change = Change(
                kind=Kind.ADD_USER,
                name=user_input[ATTR_NAME],
                code=code,
                drawn=drawn,
                then_locks=[lock.id for lock in locks],
                schedule=schedule,  # with the user, never a moment without
            )
            response = await submit_user_change(
                self.hass, coordinator, coordinator.changes, change, split
            )
            self._name = user_input[ATTR_NAME]
            self._slot = response.get("slot")
            self._code, self._drawn = code, drawn
            self._remove_when_expired = remove_when_expired(user_input)

        if (form := await self._guarded("user", schema, add, user_input)) is not None:
            return form
        return await self.async_step_done()

    async def async_step_done(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Show a random code once; offer to share the code; finish."""
        if user_input is None:
            return self._show_done()
        if error := await self._share(user_input):
            return self._show_done(error)
        return self._finish()

    def _show_done(self, error: str | None = None) -> SubentryFlowResult:
        return self.async_show_form(
            step_id="done" if self._drawn else "share",
            data_schema=SHARE_SCHEMA,
            description_placeholders=(
                {"name": self._name, "code": self._code or ""}
                if self._drawn  # shown once: the person could not know it
                else {"name": self._name}
            )
            | self._placeholders,
            errors={"base": error} if error else None,
            last_step=True,
        )

    async def async_step_share(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Offer to share a chosen code; finish."""
        return await self.async_step_done(user_input)

    async def _share(self, user_input: dict[str, Any]) -> str | None:
        """Send the code if a target was chosen; return an error key or None."""
        if not user_input.get(ATTR_NOTIFY_ENTITY) and not user_input.get(
            ATTR_NOTIFY_SERVICE
        ):
            return None
        coordinator = self._coordinator()
        if coordinator is None or (user := self._user(coordinator)) is None:
            return "user_not_yet_on_panel"
        assert self._code is not None
        try:
            target = notify_target(dict(user_input))
            await async_send_code(
                self.hass,
                coordinator.data,
                user,
                self._code,
                target=target,
                template=Template(DEFAULT_MESSAGE, self.hass),
                title=DEFAULT_TITLE,
                context=Context(),
            )
        except HomeAssistantError as err:
            if err.translation_domain == DOMAIN and err.translation_key:
                self._placeholders = dict(err.translation_placeholders or {})
                return err.translation_key
            return "share_failed"  # notify's own refusal, e.g. no such entity
        return None

    def _finish(self) -> SubentryFlowResult:
        """Make (or find) the user's subentry and end the flow."""
        self._code = None
        entry = cast("AlarmHubConfigEntry", self._get_entry())
        flag = {DATA_REMOVE_WHEN_EXPIRED: self._remove_when_expired}
        if self.source == "reconfigure":
            subentry = self._get_reconfigure_subentry()
            return self.async_update_and_abort(
                entry, subentry, title=self._name, data_updates=flag
            )
        coordinator = self._coordinator()
        user = self._user(coordinator) if coordinator is not None else None
        if user is None:  # the hub is away: the change waits in the queue
            return self.async_abort(
                reason="user_queued", description_placeholders={"name": self._name}
            )
        # The user's subentry is made by user_subentries.py as the panel
        # reports the user (usually before the person gets here).
        made = user_subentries(entry).get(user.uid)
        if made is not None and self._remove_when_expired:
            self.hass.config_entries.async_update_subentry(
                entry, made, data=made.data | flag
            )
        return self.async_abort(
            reason="user_added", description_placeholders={"name": user.name}
        )

    # ----- reconfigure -------------------------------------------------

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change the name, the code, or the locks the code is on."""
        if (coordinator := self._coordinator()) is None:
            return self.async_abort(reason="not_loaded")
        if (found := self._reconfigured_user(coordinator)) is None:
            return self.async_abort(reason="user_gone")
        subentry, user = found
        self._slot, self._name = user.slot, user.name
        current = current_locks(self.hass, coordinator, user)
        schema = self.add_suggested_values_to_schema(
            vol.Schema(
                {
                    vol.Required(ATTR_NAME): selector.TextSelector(),
                    vol.Optional(ATTR_CODE): _PASSWORD,
                    vol.Optional(ATTR_RANDOM, default=False): _BOOLEAN,
                    vol.Optional(ATTR_CODE_LENGTH, default=DEFAULT_LENGTH): _LENGTH,
                    vol.Optional(ATTR_LOCKS): LOCKS_SELECTOR,
                    **schedule_section(collapsed=not user.schedule),
                }
            ),
            {
                ATTR_NAME: user.name,
                ATTR_LOCKS: sorted(current),
                SECTION: schedule_defaults(
                    dict(user.schedule) if user.schedule else None
                )
                | {
                    REMOVE_WHEN_EXPIRED: bool(
                        subentry.data.get(DATA_REMOVE_WHEN_EXPIRED)
                    )
                },
            },
        )
        if user_input is None:
            return self.async_show_form(
                step_id="reconfigure",
                data_schema=schema,
                description_placeholders={"name": user.name},
            )

        async def change() -> None:
            await self._reconfigure(coordinator, user, current, user_input)

        if (
            form := await self._guarded("reconfigure", schema, change, user_input)
        ) is not None:
            return form
        if self._code is not None:
            return await self.async_step_done()
        return self._finish()

    async def _reconfigure(
        self,
        coordinator: AlarmHubCoordinator,
        user: User,
        current: set[str],
        user_input: dict[str, Any],
    ) -> None:
        plan = plan_locks(
            self.hass, coordinator, current, set(user_input.get(ATTR_LOCKS, []))
        )
        chosen = user_input.get(ATTR_CODE) or None
        if chosen and user_input.get(ATTR_RANDOM):
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="code_and_random_code"
            )
        wants_code = chosen is not None or bool(user_input.get(ATTR_RANDOM))
        if plan.adds and not wants_code:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="code_for_new_locks"
            )
        name = user_input[ATTR_NAME].strip()
        schedule = read_schedule(self.hass, user_input)
        code: str | None = None
        drawn = False
        if wants_code:
            data: dict[str, Any] = {ATTR_CODE_LENGTH: int(user_input[ATTR_CODE_LENGTH])}
            if chosen is not None:
                data[ATTR_CODE] = chosen
            code, drawn = new_code(coordinator, data, [*plan.kept, *plan.added])
        changed = schedule != (dict(user.schedule) if user.schedule else None)
        if name != user.name or wants_code or changed or plan.added or plan.removed:
            require_disarmed(coordinator)  # household locks alone: allowed armed
        if changed:
            plan.put.follow(schedule)
        if name != user.name or wants_code:
            await submit_user_change(
                self.hass,
                coordinator,
                coordinator.changes,
                Change(
                    kind=Kind.UPDATE_USER,
                    slot=user.slot,
                    name=name if name != user.name else None,
                    code=code,
                    drawn=drawn,
                    then_locks=[lock.id for lock in [*plan.kept, *plan.added]]
                    if code
                    else [],
                ),
                plan.put,
            )
        if changed:
            await self._set_schedule(coordinator, user.slot, schedule)
        await async_take_off(self.hass, coordinator, user.slot, plan)
        self._name = name
        self._code, self._drawn = code, drawn
        self._remove_when_expired = remove_when_expired(user_input)
