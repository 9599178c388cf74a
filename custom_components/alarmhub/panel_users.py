"""The user list of a panel that cannot report its users (an AlarmDecoder).

A keypad bus never reads codes or users back, so Home Assistant remembers
which user numbers the integration manages and their names. The panel client
starts from this list and reports every change as a ``user`` or
``user_removed`` event; this module keeps the list in HA storage. Codes are
never stored here: only numbers and names.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from .const import DOMAIN, LOGGER
from .coordinator import AlarmHubConfigEntry
from .panels.base import Event, Panel

STORAGE_VERSION: Final = 1
#: Writes of a burst of user changes are gathered into one.
SAVE_DELAY: Final = 1.0


class PanelUsers:
    """The names of the users one panel has, by user number."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Prepare the store; :meth:`async_load` reads it."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.users.{entry_id}"
        )
        self.users: dict[int, str] = {}
        #: A change waits for its delayed write.
        self._dirty = False

    async def async_load(self) -> dict[int, str]:
        """Return the users known from a previous run."""
        data = await self._store.async_load() or {}
        self.users = {int(k): str(v) for k, v in data.get("users", {}).items()}
        return dict(self.users)

    def _data(self) -> dict[str, Any]:
        return {"users": {str(k): v for k, v in sorted(self.users.items())}}

    @callback
    def handle_event(self, event: Event, gap: bool) -> None:
        """Follow the panel's user events."""
        slot = event.data.get("slot", event.data.get("id"))
        try:
            number = int(slot)  # type: ignore[arg-type]
        except TypeError, ValueError:
            return
        if event.event == "user" and isinstance(name := event.data.get("name"), str):
            if self.users.get(number) == name:
                return
            self.users[number] = name
        elif event.event == "user_removed" and number in self.users:
            del self.users[number]
        else:
            return
        LOGGER.debug("User %s changed; saving the user list", number)
        self._dirty = True
        self._store.async_delay_save(self._saved, SAVE_DELAY)

    def _saved(self) -> dict[str, Any]:
        self._dirty = False
        return self._data()

    async def async_flush(self) -> None:
        """Write a change still waiting (the entry unloads: a reload reads it)."""
        if self._dirty:
            await self._store.async_save(self._saved())

    async def async_remove(self) -> None:
        """Forget the list (the entry is deleted)."""
        await self._store.async_remove()


async def async_setup_panel_users(
    hass: HomeAssistant, entry: AlarmHubConfigEntry
) -> PanelUsers:
    """Load an entry's stored users (before its panel is made)."""
    users = PanelUsers(hass, entry.entry_id)
    await users.async_load()
    return users


def follow_users(entry: AlarmHubConfigEntry, users: PanelUsers, panel: Panel) -> None:
    """Keep ``users`` up to date with what ``panel`` reports, while loaded."""
    entry.async_on_unload(panel.subscribe(users.handle_event))
    entry.async_on_unload(users.async_flush)
