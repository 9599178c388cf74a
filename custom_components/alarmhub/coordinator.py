"""The AlarmHub coordinator: one hub's state, pushed and polled."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Iterable
import contextlib
import json
from typing import TYPE_CHECKING, Any, Final, cast, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import (
    CALLBACK_TYPE,
    Event as HassEvent,
    HomeAssistant,
    callback,
)
from homeassistant.exceptions import ConfigEntryAuthFailed, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import DOMAIN, LOGGER, SCAN_INTERVAL
from .events import bus_event_data
from .panels.base import Capability, Event, Panel
from .panels.hub import (
    AlarmHubAuthError,
    AlarmHubClient,
    AlarmHubConnectionError,
    AlarmHubError,
    Backoff,
    HubInfo,
    HubState,
    User,
)
from .panels.models import COLLECTIONS
from .repairs import async_certificate_changed

if TYPE_CHECKING:
    from .clips import ClipExporter
    from .locks.manager import HouseholdLocks
    from .pending import ChangeQueue
    from .temporary_codes import TemporaryCodes
    from .user_schedules import ScheduleTracker

type AlarmHubConfigEntry = ConfigEntry[AlarmHubCoordinator]
#: Largest hub event (its data as JSON) forwarded to the HA bus, in bytes.
MAX_BUS_EVENT_DATA = 8192
#: First wait before a failed resync is tried again (doubling up to the poll).
RESYNC_RETRY = 1.0
type Topic = tuple[str, str]
"""One hub object, as its event kind and id: ``("zone", "5")``, ``("user", "12")``."""
#: The id of a :data:`Topic` that stands for every object of its kind.
ANY_ID: Final = "*"


def every(*kinds: str) -> frozenset[Topic]:
    """Return the topics that stand for every object of ``kinds``."""
    return frozenset((kind, ANY_ID) for kind in kinds)


#: Hub events that are not state, forwarded to the HA bus as ``alarmhub_<name>``.
BUS_EVENTS = frozenset(
    {
        "arm_refused",
        "alarm",
        "lockout",
        "duress",
        "code_active",
        "code_failed",
        "clip_progress",
        "clip_done",
        "scene_result",
    }
)


class AlarmHubCoordinator(DataUpdateCoordinator[HubState]):
    """Keep a hub's state: events push changes, a slow poll is the safety net."""

    config_entry: AlarmHubConfigEntry
    #: The entry's other per-entry objects, made by ``async_setup_entry``
    #: (runtime data: nothing of an entry lives in ``hass.data``).
    changes: ChangeQueue
    clips: ClipExporter
    household: HouseholdLocks
    #: The edges of scheduled users (a hub's), the ends of temporary codes
    #: (a Vista's): None where the panel keeps neither.
    schedules: ScheduleTracker | None = None
    temporary_codes: TemporaryCodes | None = None

    def __init__(
        self,
        hass: HomeAssistant,
        entry: AlarmHubConfigEntry,
        client: Panel,
        info: HubInfo,
        hub_device_id: str,
    ) -> None:
        """Set up the coordinator for a connected client."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {info.serial}",
            update_interval=SCAN_INTERVAL,
            always_update=False,
        )
        self.client = client
        self.info = info
        self.hub_device_id = hub_device_id
        #: True while ``data`` reflects every event seen: only then is the
        #: next event applied to it. After a gap, a malformed event or a lost
        #: connection, events wait for a whole new state (applying them to
        #: the old one would show a mix of old and new that never existed).
        self._synced = False
        #: Set by every gap; a get_state that started before it is not enough.
        self._missed = False
        self._resync: asyncio.Task[None] | None = None
        self._resync_now = asyncio.Event()
        #: Listeners by topic; None holds those that hear every update.
        self._topics: dict[Hashable, list[CALLBACK_TYPE]] = {}
        #: What the update being sent out changed (None: anything may have).
        self.updated_topics: frozenset[Topic] | None = None
        self._next_topics: frozenset[Topic] | None = None
        self._unsubscribe = [
            client.subscribe(self._handle_event),
            client.on_connection(self._handle_connection),
        ]
        # HA does not unload entries when it stops: close the connection
        # while HA still runs, before its web session goes and before the
        # leftover tasks are cancelled (a lost-connection error, a reconnect
        # during shutdown and a task HA cannot cancel, otherwise).
        entry.async_on_unload(
            hass.bus.async_listen(EVENT_HOMEASSISTANT_STOP, self._async_hass_stop)
        )

    @override
    async def _async_update_data(self) -> HubState:
        """Fetch the whole state in one request."""
        # Events that arrive while get_state runs are in its result (the
        # client applies late ones); a gap meanwhile means it is not enough.
        self._missed = False
        # In sync, the panel is asked only whether anything changed since.
        known = cast("HubState | None", self.data) if self._synced else None
        try:
            state = await self.client.get_state(known=known)
        except AlarmHubAuthError as err:
            self._synced = False
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="authentication_error"
            ) from err
        except AlarmHubConnectionError as err:
            self._synced = False
            if self.client.certificate_changed:
                async_certificate_changed(self.hass, self.config_entry)
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="communication_error"
            ) from err
        except AlarmHubError as err:
            self._synced = False
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="unknown_error"
            ) from err
        self._synced = not self._missed
        if state is not known:
            self._async_remove_stale_devices(state)
        return state

    @callback
    def _async_remove_stale_devices(self, state: HubState) -> None:
        """Detach devices whose partition, lock or recorder the hub dropped."""
        serial = self.info.serial
        wanted = {serial}
        for kind, ids in (
            ("partition", state.partitions),
            ("lock", state.locks),
            ("recorder", state.recorders),
        ):
            wanted.update(f"{serial}_{kind}_{key}" for key in ids)
        registry = dr.async_get(self.hass)
        entry_id = self.config_entry.entry_id
        devices = [
            *dr.async_entries_for_config_entry(registry, entry_id),
            *(c for c in registry.child_devices if c.config_entry_id == entry_id),
        ]
        for device in devices:
            ours = {key for domain, key in device.identifiers if domain == DOMAIN}
            if ours and not ours & wanted:
                registry.async_remove_device(device.id)

    @callback
    def _handle_event(self, event: Event, gap: bool) -> None:
        """Apply a pushed event; resync when some were missed."""
        if event.event in BUS_EVENTS:
            if len(json.dumps(event.data)) <= MAX_BUS_EVENT_DATA:
                self.hass.bus.async_fire(
                    f"{DOMAIN}_{event.event}", bus_event_data(self, event)
                )
            else:  # the hub is not trusted to keep it small; the bus is recorded
                LOGGER.debug("Dropping an oversized %s event", event.event)
        data = cast("HubState | None", self.data)  # None until the first refresh
        if data is None:
            return
        if gap:
            LOGGER.debug("Missed hub events before %s; resyncing", event.seq)
            self._missed, self._synced = True, False
        if not self._synced:
            self._async_resync()
            return
        topic = _changed_object(data, event)
        try:
            changed = data.apply(event.event, event.data)
        except AlarmHubError as err:
            LOGGER.debug("Malformed %s event (%s); resyncing", event.event, err)
            self._missed, self._synced = True, False
            self._async_resync()
            return
        if event.seq == data.seq + 1:  # data is now the hub's state at this seq
            data.seq = event.seq
        if not changed:
            return
        LOGGER.debug("%s applied event %s (%s)", self.name, event.seq, event.event)
        if topic is not None and self.last_update_success:
            # One object changed in place: only its listeners hear of it. The
            # safety-net poll keeps its time (an event is not the whole state).
            self._next_topics = frozenset({topic})
            self.async_update_listeners()
            return
        self.async_set_updated_data(data)
        if event.event.endswith("_removed"):
            self._async_remove_stale_devices(data)

    @callback
    @override
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        """Listen to updates; with a :data:`Topic` as context, only to its own.

        An entity that shows one hub object passes that object's topic, and
        an event that changes another object does not call it: a large site
        has thousands of entities, and syncing codes onto locks sends
        thousands of events. Listeners without a topic hear every update.
        A frozenset of topics listens to each; a topic whose id is
        :data:`ANY_ID` to every object of its kind.
        """
        remove = super().async_add_listener(update_callback, context)
        topics = context if isinstance(context, frozenset) else (context,)
        for topic in topics:
            self._topics.setdefault(topic, []).append(update_callback)

        @callback
        def remove_listener() -> None:
            remove()
            for topic in topics:
                listeners = self._topics[topic]
                listeners.remove(update_callback)
                if not listeners:
                    del self._topics[topic]

        return remove_listener

    def updated_users(self) -> Iterable[User]:
        """Return the users the update being sent out may have changed.

        For an event about one user, that user; for any other update, every
        user. A listener that reads users calls this rather than walking all
        of them for each of the thousands of events of a code sync.
        """
        users = self.data.users
        if (topics := self.updated_topics) is None:
            return users.values()
        return [users[key] for kind, key in topics if kind == "user"]

    @callback
    @override
    def async_update_listeners(self) -> None:
        """Call every listener, or for one object's change only its own."""
        topics, self._next_topics = self._next_topics, None
        if topics is None:
            super().async_update_listeners()
            return
        selected = list(self._topics.get(None, ()))
        for topic in topics:
            selected += self._topics.get(topic, ())
            selected += self._topics.get((topic[0], ANY_ID), ())
        self.updated_topics = topics
        try:
            for update_callback in selected:
                try:
                    update_callback()
                except Exception:
                    self.logger.exception(
                        "Unexpected error updating listener %s for %s",
                        id(update_callback),
                        self.name,
                    )
        finally:
            self.updated_topics = None

    @callback
    def _async_resync(self) -> None:
        """Fetch the whole state again, at once, until nothing is missed."""
        if self._resync is None or self._resync.done():
            self._resync = self.config_entry.async_create_background_task(
                self.hass, self._resync_loop(), name=f"{self.name} resync"
            )
        else:
            self._resync_now.set()  # cut a wait after a failed try short

    async def _resync_loop(self) -> None:
        """Resync; after a failed try (answers lost), again soon and sooner on news.

        Waiting for the 30 s poll would leave entities unavailable that long
        on a noisy line; the next event tries at once.
        """
        backoff = Backoff(initial=RESYNC_RETRY, maximum=SCAN_INTERVAL.total_seconds())
        while not self._synced and self.client.connected:
            self._resync_now.clear()
            await self.async_refresh()
            if not self.last_update_success:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(backoff.delay()):
                        await self._resync_now.wait()

    @callback
    def _handle_connection(self, connected: bool) -> None:
        """Mark entities unavailable while the hub is away."""
        self._missed, self._synced = True, False  # what happened meanwhile?
        if connected:
            self._async_resync()
        elif self.client.auth_failed:
            self.config_entry.async_start_reauth(self.hass)
        else:
            self.async_set_update_error(
                AlarmHubConnectionError("connection to the hub lost")
            )

    async def _async_hass_stop(self, _: HassEvent) -> None:
        await self.async_shutdown()

    async def async_shutdown(self) -> None:
        """Stop listening and close the connection."""
        await super().async_shutdown()
        while self._unsubscribe:
            self._unsubscribe.pop()()
        await self.client.close()

    def hub_client(self, capability: Capability) -> AlarmHubClient:
        """Return the hub for something only the AlarmHub hub can do.

        Entities exist only for what the panel can do, so only an action can
        ask a panel for something it lacks: it is refused, naming the panel.
        """
        client = self.client
        if capability in client.capabilities and isinstance(client, AlarmHubClient):
            return client
        raise self._not_supported(capability)

    def require(self, capability: Capability) -> Panel:
        """Return the panel if it can do ``capability``; refuse otherwise."""
        if capability in self.client.capabilities:
            return self.client
        raise self._not_supported(capability)

    def _not_supported(self, capability: Capability) -> ServiceValidationError:
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_supported_by_panel",
            translation_placeholders={
                "panel": self.config_entry.title,
                "capability": capability.value,
            },
        )

    def diagnostics(self) -> dict[str, Any]:
        """Return a summary for diagnostics (no secrets are ever held here)."""
        return {
            "connected": self.client.connected,
            "seq": self.data.seq if self.data else None,
        }


def _changed_object(state: HubState, event: Event) -> Topic | None:
    """Return the object an event updates, if it already exists.

    None for events that add or remove an object, or are not about one: those
    go to every listener (entities come and go, platforms add new ones).
    """
    kind = event.event
    if kind not in COLLECTIONS:
        return None
    key = event.data.get("slot" if kind == "user" else "id")
    if not isinstance(key, str | int) or isinstance(key, bool):
        return None
    collection: dict[str, Any] = getattr(state, COLLECTIONS[kind][0])
    return (kind, str(key)) if str(key) in collection else None
