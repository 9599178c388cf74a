"""Add and change a Vista's users in Home Assistant's UI, with temporary codes.

A Vista through the AD2 keeps no schedules: it takes a code or deletes it.
So its users' flow (the same subentry type as a hub's, ``user``) offers a
temporary code only: an optional end, in Home Assistant's time zone, which
Home Assistant applies (``temporary_codes.py``) by deleting the code on the
panel at the first moment the system is disarmed at or after the end. The
form says so, since until that moment the code still works. Deleting the
code on a Vista deletes the user, so an expired user is always removed.

Add and reconfigure program the panel by keypad (master code + 8 + user
number + code), as the actions do; deleting the subentry deletes the user
(``user_subentries.py``). The share step is the hub flow's.
"""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, cast

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigSubentry,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import selector
from homeassistant.util import dt as dt_util
import probatio as vol

from . import temporary_codes
from .connection import is_alarmdecoder
from .const import CONF_PANEL_TYPE, DOMAIN
from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator
from .panels.alarmdecoder import PanelType
from .panels.hub import User
from .pending import Change, Kind
from .temporary_codes import DATA_VALID_UNTIL, valid_until
from .user_flow import ATTR_RANDOM, UserSubentryFlow, user_subentry_types
from .user_schedules import DATA_REMOVE_WHEN_EXPIRED
from .user_subentries import DATA_SLOT, DATA_UID, SUBENTRY_USER, user_subentries
from .users import ATTR_CODE, ATTR_NAME, new_code, require_disarmed, submit_user_change

ATTR_VALID_UNTIL: Final = "valid_until"

_PASSWORD = selector.TextSelector(
    selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
)
_BOOLEAN = selector.BooleanSelector()


def subentry_types(entry: ConfigEntry) -> dict[str, type[ConfigSubentryFlow]]:
    """Return the subentry flows of an entry: users, on a hub or a Vista."""
    if not is_alarmdecoder(entry.data):
        return user_subentry_types(entry)
    if entry.data.get(CONF_PANEL_TYPE) == PanelType.DSC:
        return {}  # a DSC's codes are not programmed yet
    return {SUBENTRY_USER: VistaUserSubentryFlow}


def read_end(form: dict[str, Any], time_zone: str) -> str | None:
    """Return the form's end as an aware ISO time (None: no end)."""
    if not (raw := form.get(ATTR_VALID_UNTIL)):
        return None
    # The form's date-time selector has checked it already.
    local = dt_util.parse_datetime(str(raw), raise_on_error=True)
    if local.tzinfo is None:
        local = local.replace(tzinfo=dt_util.get_time_zone(time_zone))
    end = dt_util.as_utc(local)
    if end <= temporary_codes.NOW():
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="temporary_end_past"
        )
    return end.isoformat()


def _local(end: datetime | None) -> str | None:
    """Return an end as the form shows it (local time)."""
    return None if end is None else dt_util.as_local(end).strftime("%Y-%m-%d %H:%M:%S")


class VistaUserSubentryFlow(UserSubentryFlow):
    """Add a user to a Vista (a temporary code, if an end is given), or change one."""

    def __init__(self) -> None:
        """Start with nothing done."""
        super().__init__()
        self._end: str | None = None
        self._user_now: User | None = None

    # ----- add ---------------------------------------------------------

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask for the name, the code (or a random one) and an optional end."""
        if (coordinator := self._coordinator()) is None:
            return self.async_abort(reason="not_loaded")
        schema = vol.Schema(
            {
                vol.Required(ATTR_NAME): selector.TextSelector(),
                vol.Optional(ATTR_CODE): _PASSWORD,
                vol.Optional(ATTR_VALID_UNTIL): selector.DateTimeSelector(),
            }
        )
        if user_input is None:
            return self.async_show_form(step_id="vista", data_schema=schema)

        async def add() -> None:
            require_disarmed(coordinator)
            end = read_end(user_input, self.hass.config.time_zone)
            if end is not None and not coordinator.client.connected:
                # A queued add would reach the panel without its end.
                raise HomeAssistantError(
                    translation_domain=DOMAIN, translation_key="communication_error"
                )
            chosen = user_input.get(ATTR_CODE)
            code, drawn = new_code(
                coordinator, {ATTR_CODE: chosen} if chosen else {}, []
            )
            change = Change(
                kind=Kind.ADD_USER, name=user_input[ATTR_NAME], code=code, drawn=drawn
            )
            response = await submit_user_change(
                self.hass, coordinator, coordinator.changes, change
            )
            self._name = user_input[ATTR_NAME]
            self._slot = response.get("slot")
            self._code, self._drawn, self._end = code, drawn, end

        if (form := await self._guarded("vista", schema, add, user_input)) is not None:
            return form
        return await self.async_step_done()

    async def async_step_vista(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Take the add form."""
        return await self.async_step_user(user_input)

    def _finish(self) -> SubentryFlowResult:
        """Keep the end in the user's subentry (made here if not yet); end."""
        self._code = None
        entry = cast("AlarmHubConfigEntry", self._get_entry())
        end: dict[str, Any] = (
            {DATA_VALID_UNTIL: self._end, DATA_REMOVE_WHEN_EXPIRED: True}
            if self._end
            else {}
        )
        if self.source == "reconfigure":
            subentry = self._get_reconfigure_subentry()
            data = {
                k: v
                for k, v in subentry.data.items()
                if k not in (DATA_VALID_UNTIL, DATA_REMOVE_WHEN_EXPIRED)
            }
            return self.async_update_and_abort(
                entry, subentry, title=self._name, data=data | end
            )
        coordinator = self._coordinator()
        user = self._user(coordinator) if coordinator is not None else None
        if user is None:
            return self.async_abort(
                reason="user_queued", description_placeholders={"name": self._name}
            )
        if (made := user_subentries(entry).get(user.uid)) is None:
            self.hass.config_entries.async_add_subentry(
                entry,
                ConfigSubentry(
                    data=MappingProxyType(
                        {DATA_SLOT: user.slot, DATA_UID: user.uid} | end
                    ),
                    subentry_type=SUBENTRY_USER,
                    title=user.name,
                    unique_id=user.uid,
                ),
            )
        elif end:
            self.hass.config_entries.async_update_subentry(
                entry, made, data=made.data | end
            )
        return self.async_abort(
            reason="user_added", description_placeholders={"name": user.name}
        )

    # ----- reconfigure -------------------------------------------------

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change the name, the code, or the end."""
        if (coordinator := self._coordinator()) is None:
            return self.async_abort(reason="not_loaded")
        if (found := self._reconfigured_user(coordinator)) is None:
            return self.async_abort(reason="user_gone")
        subentry, user = found
        self._slot, self._name = user.slot, user.name
        schema = self.add_suggested_values_to_schema(
            vol.Schema(
                {
                    vol.Required(ATTR_NAME): selector.TextSelector(),
                    vol.Optional(ATTR_CODE): _PASSWORD,
                    vol.Optional(ATTR_RANDOM, default=False): _BOOLEAN,
                    vol.Optional(ATTR_VALID_UNTIL): selector.DateTimeSelector(),
                }
            ),
            {ATTR_NAME: user.name, ATTR_VALID_UNTIL: _local(valid_until(subentry))},
        )
        if user_input is None:
            return self.async_show_form(
                step_id="vista_reconfigure",
                data_schema=schema,
                description_placeholders={"name": user.name},
            )

        async def change() -> None:
            await self._reconfigure_vista(coordinator, user, user_input)

        if (
            form := await self._guarded("vista_reconfigure", schema, change, user_input)
        ) is not None:
            return form
        if self._code is not None:
            return await self.async_step_done()
        return self._finish()

    async def async_step_vista_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Take the reconfigure form."""
        return await self.async_step_reconfigure(user_input)

    async def _reconfigure_vista(
        self, coordinator: AlarmHubCoordinator, user: User, user_input: dict[str, Any]
    ) -> None:
        chosen = user_input.get(ATTR_CODE) or None
        if chosen and user_input.get(ATTR_RANDOM):
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="code_and_random_code"
            )
        end = read_end(user_input, self.hass.config.time_zone)
        name = user_input[ATTR_NAME].strip()
        wants_code = chosen is not None or bool(user_input.get(ATTR_RANDOM))
        code: str | None = None
        drawn = False
        if name != user.name or wants_code:
            require_disarmed(coordinator)  # the panel is programmed
            if wants_code:
                data = {ATTR_CODE: chosen} if chosen is not None else {}
                code, drawn = new_code(coordinator, data, [])
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
                ),
            )
        self._name = name
        self._code, self._drawn, self._end = code, drawn, end
