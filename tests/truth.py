"""The simulator's truth, next to what Home Assistant shows.

:class:`Truth` follows the hub's event stream: starting from the hub's state
it applies every event the hub emits, and after each one records what every
entity should show (a *moment*). On the HA side it records each set of states
the coordinator produces. The checks:

* :meth:`Truth.assert_no_wrong_state`: every set of states HA showed (while
  available) is one whole moment of the hub, and they come in the hub's
  order. HA may lag and skip moments; it never shows a mix of old and new,
  a state that did not exist, or goes back in time. Each entity's own writes
  are checked the same way;
* :meth:`Truth.assert_matches`: right now, HA shows exactly the hub's state.

What an entity shows is a :class:`View` of the hub's state: features add
their entities to :data:`VIEWS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import (
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers import entity_registry as er

from custom_components.alarmhub.alarm_control_panel import STATES
from custom_components.alarmhub.panels.models import HubState
from simulator.hub import Hub

type Moment = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class View:
    """One kind of entity: which exist, and what each shows."""

    #: (unique id suffix after the serial, object id) of every entity.
    keys: Callable[[HubState], Iterator[tuple[str, str]]]
    #: What the entity for an object shows, from the hub's state.
    hub_value: Callable[[HubState, str], Any]
    #: What it shows, from its HA state.
    ha_value: Callable[[State], Any]
    #: False when HA adds a state of its own in between (a code change it
    #: has not sent yet shows as pending): then only the end is compared.
    in_history: bool = True


def _panel(state: HubState, partition_id: str) -> Any:
    partition = state.partitions[partition_id]
    zones = state.zones
    return (
        STATES[partition.state].value,
        partition.changed_by,
        tuple(zones[z].name for z in partition.open_zones if z in zones),
        tuple(zones[z].name for z in partition.bypassed_zones if z in zones),
        partition.ready,
    )


def _panel_ha(state: State) -> Any:
    attrs = state.attributes
    return (
        state.state,
        attrs.get("changed_by"),
        tuple(attrs.get("open_zones", ())),
        tuple(attrs.get("bypassed_zones", ())),
        attrs.get("ready"),
    )


VIEWS: list[View] = [
    View(
        keys=lambda state: ((f"partition_{p}", p) for p in state.partitions),
        hub_value=_panel,
        ha_value=_panel_ha,
    ),
    View(
        keys=lambda state: ((f"zone_{z}", z) for z in state.zones),
        hub_value=lambda state, zone: "on" if state.zones[zone].open else "off",
        ha_value=lambda state: state.state,
    ),
    View(
        keys=lambda state: ((f"lock_{lock}", lock) for lock in state.locks),
        hub_value=lambda state, lock: (
            state.locks[lock].state.value if state.locks[lock].online else None
        ),
        ha_value=lambda state: state.state,
    ),
    View(
        keys=lambda state: ((f"user_{u}_code_status", u) for u in state.users),
        hub_value=lambda state, user: state.users[user].status.value,
        ha_value=lambda state: state.state,
        in_history=False,
    ),
]


def _in_order(shown: list[Any], history: list[Any]) -> str | None:
    """Return why ``shown`` is not ``history`` with repeats and skips, or None."""
    at = 0
    for value in shown:
        if value == history[at]:
            continue
        later = history[at + 1 :]
        if value not in later:
            if isinstance(value, dict):  # a whole moment: name what differs
                diff = {k: v for k, v in value.items() if history[at].get(k) != v}
                return f"{diff!r} at moment {at} of {len(history)}"
            return f"{value!r} never follows {history[at]!r} on the hub"
        at += 1 + later.index(value)
    return None


class Truth:
    """Follow a hub and HA side by side (see the module docstring)."""

    def __init__(self, hass: HomeAssistant, hub: Hub, entry_id: str) -> None:
        """Map the entry's entities and start recording both sides."""
        self.hass = hass
        registry = er.async_get(hass)
        by_unique_id = {
            e.unique_id: e.entity_id
            for e in er.async_entries_for_config_entry(registry, entry_id)
        }
        state = HubState.from_dict(hub.state())
        # Entities disabled by default (not in the registry) are not followed.
        self._entities = {
            entity_id: (view, object_id)
            for view in VIEWS
            for key, object_id in view.keys(state)
            if (entity_id := by_unique_id.get(f"{hub.serial}_{key}"))
        }
        self.moments: list[Moment] = []
        self.shown_moments: list[Moment] = []
        self.written: dict[str, list[Any]] = {
            e: [] for e, (view, _) in self._entities.items() if view.in_history
        }
        self._unlisten: Callable[[], None] | None = None
        self.follow(hub)
        hass.bus.async_listen(EVENT_STATE_CHANGED, self._ha_wrote)
        coordinator = hass.config_entries.async_get_known_entry(entry_id).runtime_data
        self._coordinator = coordinator
        coordinator.async_add_listener(self._ha_updated)

    @property
    def entity_ids(self) -> list[str]:
        """Return every entity followed."""
        return list(self._entities)

    def follow(self, hub: Hub) -> None:
        """Follow ``hub`` from now on (after a reboot: a new Hub)."""
        if self._unlisten is not None:
            self._unlisten()
        self.hub = hub
        self._published = HubState.from_dict(hub.state())
        self._unlisten = hub.listen(self._hub_emitted)
        self._record()

    def _hub_emitted(self, event: Any) -> None:
        self._published.apply(event.event, event.data)
        self._record()

    def _moment(self, state: HubState, *, everything: bool = False) -> Moment:
        return {
            entity_id: view.hub_value(state, object_id)
            for entity_id, (view, object_id) in self._entities.items()
            if everything or view.in_history
        }

    def _record(self) -> None:
        moment = self._moment(self._published)
        if not self.moments or self.moments[-1] != moment:
            self.moments.append(moment)

    def expected(self) -> Moment:
        """Return what every entity should show now."""
        return self._moment(HubState.from_dict(self.hub.state()), everything=True)

    def shown(self, *, everything: bool = True) -> Moment:
        """Return what HA shows now (None: unavailable)."""
        result: Moment = {}
        for entity_id, (view, _) in self._entities.items():
            if not (everything or view.in_history):
                continue
            state = self.hass.states.get(entity_id)
            available = state is not None and state.state != STATE_UNAVAILABLE
            result[entity_id] = view.ha_value(state) if available else None
        return result

    def _ha_updated(self) -> None:
        if self._coordinator.last_update_success:
            self.shown_moments.append(self.shown(everything=False))

    # A callback: a plain function would run in HA's executor, and two writes
    # in quick succession could be recorded out of order.
    @callback
    def _ha_wrote(self, event: Event[EventStateChangedData]) -> None:
        entity_id = event.data["entity_id"]
        new = event.data["new_state"]
        if entity_id not in self.written or not new or new.state == STATE_UNAVAILABLE:
            return
        self.written[entity_id].append(self._entities[entity_id][0].ha_value(new))

    @property
    def writes(self) -> int:
        """Return how many available states HA wrote."""
        return sum(len(w) for w in self.written.values())

    def assert_no_wrong_state(self) -> None:
        """Everything HA showed existed on the hub, whole and in order."""
        error = _in_order(self.shown_moments, self.moments)
        assert error is None, f"HA showed a state the hub never had: {error}"
        for entity_id, written in self.written.items():
            history = [moment[entity_id] for moment in self.moments]
            error = _in_order(written, history)
            assert error is None, f"{entity_id}: {error}"

    def assert_matches(self) -> None:
        """HA shows exactly the hub's state now."""
        assert self.shown() == self.expected()
