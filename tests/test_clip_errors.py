"""Every way a clip export can fail reads as a complete, translated sentence.

Each error's placeholders are filled into its strings.json message, so a
placeholder the code forgets (or misnames) fails here, not in a user's face.
"""

from __future__ import annotations

from typing import Any

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest

from custom_components.alarmhub.clip_errors import translate_clip_error, validate_length
from custom_components.alarmhub.panels.hub import (
    AlarmHubConnectionError,
    AlarmHubError,
    AlarmHubNotSupportedError,
    AlarmHubRejectedError,
)
from custom_components.alarmhub.panels.hub.clips import (
    ClipJoinError,
    ClipTimeoutError,
    ClipTransferCut,
)
from custom_components.alarmhub.panels.hub.recorders import Destination
from custom_components.alarmhub.panels.models import Camera, Recorder

from .citizenship.source import lookup, strings

CAMERA = Camera(id="1", name="Driveway", recorder="svr1")
RECORDER = Recorder(id="svr1", name="Garage SVR", model="ADC-SVR100", serial="S1")


def rejected(code: str, **details: Any) -> AlarmHubRejectedError:
    return AlarmHubRejectedError(code, "refused", details)


USER = ServiceValidationError  # the user's to fix
HUB = HomeAssistantError  # the hub's or the recorder's failure

CASES = [
    (rejected("not_supported", allowed=[30, 60]), "clip_length_not_allowed", USER),
    (rejected("not_supported", allowed="junk"), "clip_length_not_allowed", USER),
    (
        rejected("no_recordings", first="2026-09-21T10:00:00+00:00", last="junk"),
        "no_recordings_in_range",
        USER,
    ),
    (
        rejected(
            "quota_exceeded",
            limit="storage",
            storage_used=5 << 20,
            storage_limit=6 << 20,
            size=2 << 20,
        ),
        "storage_limit_reached",
        USER,
    ),
    (
        rejected("quota_exceeded", uploads=10, upload_limit=10),
        "upload_limit_reached",
        USER,
    ),
    (rejected("offline", recorder="svr1"), "recorder_offline", HUB),
    (rejected("offline", camera="1"), "camera_offline", HUB),
    (rejected("disk_full"), "recorder_disk_full", HUB),
    (rejected("timeout"), "recorder_timeout", HUB),
    (rejected("busy"), "hub_rejected", HUB),
    (ClipTimeoutError(30), "clip_timeout", HUB),
    (ClipJoinError("concat failed"), "clip_join_failed", HUB),
    (ClipTransferCut(10, 20, 3), "clip_transfer_cut", HUB),
    (AlarmHubNotSupportedError("serial"), "download_needs_network", USER),
    (AlarmHubConnectionError("gone"), "communication_error", HUB),
]


@pytest.mark.parametrize(("error", "key", "kind"), CASES)
def test_every_failure_is_a_sentence(
    error: AlarmHubError, key: str, kind: type[HomeAssistantError]
) -> None:
    """The right key and kind, and its message formats with its placeholders."""
    translated = translate_clip_error(
        error, CAMERA, RECORDER, 900, Destination.DOWNLOAD
    )
    assert type(translated) is kind
    assert translated.translation_key == key
    message = lookup(strings(), ("exceptions", key, "message"))
    text = message.format(**(translated.translation_placeholders or {}))
    assert "{" not in text


def test_length_checks_before_asking_the_hub() -> None:
    """The model's table refuses early; a model newer than the table is let through."""
    with pytest.raises(ServiceValidationError) as err:
        validate_length(RECORDER, CAMERA, 900, Destination.DOWNLOAD)
    assert err.value.translation_key == "clip_length_not_allowed"
    with pytest.raises(ServiceValidationError) as err:
        validate_length(RECORDER, CAMERA, 30, Destination.UPLOAD)
    assert err.value.translation_key == "upload_incompatible"
    newer = Recorder(id="svr9", name="New SVR", model="ADC-SVR9999", serial="S9")
    validate_length(newer, CAMERA, 900, Destination.DOWNLOAD)  # the hub decides
