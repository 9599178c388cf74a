"""Config flow: an AlarmHub hub (network, serial, zeroconf) or an AlarmDecoder panel.

Also re-authentication and reconfiguring; the options are in ``options_flow``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, override

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
)
from homeassistant.const import CONF_HOST, CONF_PORT, CONF_TOKEN
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    SerialPortSelector,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import probatio as vol

from .ad2_flow import ad2_entry_data, ad2_schema
from .connection import async_create_client, async_try_connect, is_alarmdecoder
from .const import (
    CONF_BAUDRATE,
    CONF_FINGERPRINT,
    CONF_SERIAL_PORT,
    CONF_TLS,
    CONF_TRANSPORT,
    DEFAULT_BAUDRATE,
    DEFAULT_PORT,
    DOMAIN,
    LOGGER,
    PANEL_ALARMDECODER,
    TRANSPORT_NETWORK,
    TRANSPORT_SERIAL,
)
from .options_flow import AlarmHubOptionsFlow
from .panels.hub import (
    AlarmHubConnectionError,
    AlarmHubError,
    AlarmHubRejectedError,
    HubInfo,
)
from .panels.hub.protocol import ErrorCode
from .panels.hub.transports import fetch_fingerprint
from .vista_user_flow import subentry_types

PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))


def _network_schema(defaults: Mapping[str, Any], *, token: bool = True) -> vol.Schema:
    schema: dict[Any, Any] = {
        vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, "")): str,
        vol.Required(CONF_PORT, default=defaults.get(CONF_PORT, DEFAULT_PORT)): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=65535)
        ),
        vol.Optional(
            CONF_TLS, default=bool(defaults.get(CONF_TLS, CONF_FINGERPRINT in defaults))
        ): bool,
    }
    if token:
        schema[vol.Required(CONF_TOKEN)] = PASSWORD
    return vol.Schema(schema)


def _serial_fields(defaults: Mapping[str, Any]) -> dict[Any, Any]:
    return {
        vol.Required(
            CONF_SERIAL_PORT, default=defaults.get(CONF_SERIAL_PORT, vol.UNDEFINED)
        ): SerialPortSelector(),
        vol.Required(
            CONF_BAUDRATE, default=defaults.get(CONF_BAUDRATE, DEFAULT_BAUDRATE)
        ): vol.All(vol.Coerce(int), vol.In([9600, 19200, 38400, 57600, 115200])),
    }


def _serial_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    return vol.Schema(_serial_fields(defaults))


class AlarmHubConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a hub."""

    VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> AlarmHubOptionsFlow:
        """Return the options flow (default arming options)."""
        return AlarmHubOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Offer users as subentries (``user_flow.py``, ``vista_user_flow.py``)."""
        return subentry_types(config_entry)

    def __init__(self) -> None:
        """Start with nothing known."""
        self._discovered: dict[str, Any] = {}
        self._name = ""
        #: Entry data with the fingerprint to trust, and what comes after.
        self._trusting: dict[str, Any] = {}
        self._after_trust = "create"

    async def _async_try(
        self, data: Mapping[str, Any], errors: dict[str, str]
    ) -> HubInfo | None:
        """Connect once with ``data``; fill ``errors`` on failure."""
        return await async_try_connect(self.hass, data, errors)

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which panel it is, and how the hub is connected."""
        return self.async_show_menu(
            step_id="user",
            menu_options=[TRANSPORT_NETWORK, TRANSPORT_SERIAL, PANEL_ALARMDECODER],
        )

    async def async_step_alarmdecoder(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how the AlarmDecoder is connected."""
        return self.async_show_menu(
            step_id=PANEL_ALARMDECODER, menu_options=["ad2_network", "ad2_serial"]
        )

    async def async_step_ad2_network(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set up an AlarmDecoder reached through ser2sock."""
        return await self._async_ad2("ad2_network", TRANSPORT_NETWORK, user_input)

    async def async_step_ad2_serial(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set up an AlarmDecoder on a serial port (AD2USB, AD2SERIAL, AD2PI)."""
        return await self._async_ad2("ad2_serial", TRANSPORT_SERIAL, user_input)

    async def _async_ad2(
        self, step_id: str, transport: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            data = ad2_entry_data(transport, user_input, errors)
            if not errors and (info := await self._async_try(data, errors)):
                return await self._async_create(info, data)
        defaults = user_input or {}
        return self.async_show_form(
            step_id=step_id,
            data_schema=ad2_schema(transport, defaults),
            errors=errors,
        )

    async def async_step_network(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set up a hub on the network."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {CONF_TRANSPORT: TRANSPORT_NETWORK, **user_input}
            if data.pop(CONF_TLS, False):
                if await self._async_fetch_fingerprint(data, errors):
                    return await self.async_step_tls_confirm()
            elif info := await self._async_try(data, errors):
                return await self._async_create(info, data)
        return self.async_show_form(
            step_id="network",
            data_schema=_network_schema(user_input or {}),
            errors=errors,
        )

    async def async_step_serial(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set up a hub on a serial line."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {CONF_TRANSPORT: TRANSPORT_SERIAL, **user_input}
            if info := await self._async_try(data, errors):
                return await self._async_create(info, data)
        return self.async_show_form(
            step_id="serial",
            data_schema=_serial_schema(user_input or {}),
            errors=errors,
        )

    async def _async_fetch_fingerprint(
        self, data: dict[str, Any], errors: dict[str, str], then: str = "create"
    ) -> bool:
        """Fetch the certificate's fingerprint to show in ``tls_confirm``."""
        try:
            fingerprint = await fetch_fingerprint(data[CONF_HOST], data[CONF_PORT])
        except AlarmHubConnectionError:
            errors["base"] = "cannot_connect"
            return False
        self._trusting = {**data, CONF_FINGERPRINT: fingerprint}
        self._after_trust = then
        return True

    async def async_step_tls_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Trust on first use: the user compares the fingerprint, then it is pinned.

        From then on the hub must present this very certificate.
        """
        errors: dict[str, str] = {}
        data = self._trusting
        if user_input is not None:
            if self._after_trust == "zeroconf":
                self._discovered = data
                return await self.async_step_zeroconf_confirm()
            if info := await self._async_try(data, errors):
                if self._after_trust == "reconfigure":
                    return await self._async_reconfigured(info, data)
                return await self._async_create(info, data)
        return self.async_show_form(
            step_id="tls_confirm",
            description_placeholders={
                "host": f"{data.get(CONF_HOST, '')}:{data.get(CONF_PORT, '')}",
                "fingerprint": data.get(CONF_FINGERPRINT, ""),
            },
            errors=errors,
        )

    async def _async_create(
        self, info: HubInfo, data: dict[str, Any]
    ) -> ConfigFlowResult:
        await self.async_set_unique_id(info.serial)
        self._abort_if_unique_id_configured()
        return self.async_create_entry(title=info.name, data=data)

    @override
    async def async_step_zeroconf(
        self, discovery_info: ZeroconfServiceInfo
    ) -> ConfigFlowResult:
        """Offer a hub found on the network."""
        serial = discovery_info.properties.get("serial")
        if not serial:
            return self.async_abort(reason="not_alarmhub")
        await self.async_set_unique_id(serial)
        self._abort_if_unique_id_configured(
            updates={CONF_HOST: discovery_info.host, CONF_PORT: discovery_info.port}
        )
        self._discovered = {
            CONF_TRANSPORT: TRANSPORT_NETWORK,
            CONF_HOST: discovery_info.host,
            CONF_PORT: discovery_info.port,
        }
        self._name = discovery_info.properties.get("name") or serial
        self.context["title_placeholders"] = {"name": self._name}
        if discovery_info.properties.get("tls") == "1":
            errors: dict[str, str] = {}
            if not await self._async_fetch_fingerprint(
                self._discovered, errors, "zeroconf"
            ):
                return self.async_abort(reason="cannot_connect")
            return await self.async_step_tls_confirm()
        return await self.async_step_zeroconf_confirm()

    async def async_step_zeroconf_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """One click: pair with the hub and add it."""
        errors: dict[str, str] = {}
        if user_input is not None:
            client = async_create_client(self.hass, self._discovered)
            try:
                token = await client.pair()
            except AlarmHubRejectedError as err:
                if err.code == ErrorCode.PAIRING_CLOSED:
                    return await self.async_step_zeroconf_token()
                LOGGER.warning("The hub refused to pair: %s", err.reason)
                errors["base"] = "unknown"
            except AlarmHubError:
                errors["base"] = "cannot_connect"
            else:
                data = {**self._discovered, CONF_TOKEN: token}
                if info := await self._async_try(data, errors):
                    return self.async_create_entry(title=info.name, data=data)
        return self.async_show_form(
            step_id="zeroconf_confirm",
            description_placeholders={"name": self._name},
            errors=errors,
        )

    async def async_step_zeroconf_token(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the token when the hub's pairing window is closed."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**self._discovered, CONF_TOKEN: user_input[CONF_TOKEN]}
            if info := await self._async_try(data, errors):
                return self.async_create_entry(title=info.name, data=data)
        return self.async_show_form(
            step_id="zeroconf_token",
            data_schema=vol.Schema({vol.Required(CONF_TOKEN): PASSWORD}),
            description_placeholders={"name": self._name},
            errors=errors,
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start re-authentication after the hub refused the token."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new token."""
        errors: dict[str, str] = {}
        entry = self._get_reauth_entry()
        if user_input is not None:
            data = {**entry.data, CONF_TOKEN: user_input[CONF_TOKEN]}
            if info := await self._async_try(data, errors):
                await self.async_set_unique_id(info.serial)
                self._abort_if_unique_id_mismatch(reason="wrong_hub")
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_TOKEN): PASSWORD}),
            description_placeholders={"name": entry.title},
            errors=errors,
        )

    async def _async_reconfigured(
        self, info: HubInfo, data: dict[str, Any]
    ) -> ConfigFlowResult:
        await self.async_set_unique_id(info.serial)
        self._abort_if_unique_id_mismatch(reason="wrong_hub")
        return self.async_update_reload_and_abort(
            self._get_reconfigure_entry(), data=data
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change how the hub is reached."""
        errors: dict[str, str] = {}
        entry = self._get_reconfigure_entry()
        if is_alarmdecoder(entry.data):
            return await self._async_reconfigure_ad2(user_input)
        serial = entry.data.get(CONF_TRANSPORT) == TRANSPORT_SERIAL
        if user_input is not None:
            data = {**entry.data, **user_input}
            data.pop(CONF_FINGERPRINT, None)  # a new one is trusted, or none
            if data.pop(CONF_TLS, False):
                if await self._async_fetch_fingerprint(data, errors, "reconfigure"):
                    return await self.async_step_tls_confirm()
            elif info := await self._async_try(data, errors):
                return await self._async_reconfigured(info, data)
        # The token is never sent back to the browser; reauth replaces it.
        schema = (
            _serial_schema(entry.data)
            if serial
            else _network_schema(entry.data, token=False)
        )
        return self.async_show_form(
            step_id="reconfigure", data_schema=schema, errors=errors
        )

    async def _async_reconfigure_ad2(
        self, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Change how an AlarmDecoder is reached, its panel or master code."""
        errors: dict[str, str] = {}
        entry = self._get_reconfigure_entry()
        transport = entry.data[CONF_TRANSPORT]
        if user_input is not None:
            data = ad2_entry_data(transport, user_input, errors, previous=entry.data)
            if not errors and (info := await self._async_try(data, errors)):
                return await self._async_reconfigured(info, data)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=ad2_schema(transport, entry.data, reconfigure=True),
            errors=errors,
        )
