"""Translated errors of clip exports.

The length rules come from :mod:`.hub.recorders`, the table the hub checks
too: a request the model does not allow is refused here, naming the lengths
it does allow, before the hub is asked. The hub's own refusals of a clip
request get messages that name the camera or recorder; other hub errors go
through :func:`.helpers.translate_error` like everywhere else.
"""

from __future__ import annotations

from datetime import datetime

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .helpers import translate_error
from .panels.exceptions import ErrorCode
from .panels.hub import AlarmHubError, AlarmHubNotSupportedError, AlarmHubRejectedError
from .panels.hub.clips import ClipJoinError, ClipTimeoutError, ClipTransferCut
from .panels.hub.recorders import (
    ClipLengthNotAllowed,
    Destination,
    UnknownRecorderModel,
    UploadIncompatible,
    check_length,
    format_length,
)
from .panels.models import Camera, Recorder

#: Decimal megabytes, as HA's UnitOfInformation.MEGABYTES (the cloud sensors).
_MEGABYTE = 1_000_000


def _lengths(lengths: object) -> str:
    if not isinstance(lengths, list | tuple):
        return ""
    return ", ".join(format_length(int(v)) for v in lengths if isinstance(v, int))


def _length_error(
    model: str, camera: Camera, length: int, destination: str, allowed: object
) -> ServiceValidationError:
    if destination == Destination.UPLOAD and not allowed:
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="upload_incompatible",
            translation_placeholders={"model": model, "camera": camera.name},
        )
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="clip_length_not_allowed",
        translation_placeholders={
            "model": model,
            "length": format_length(length),
            "destination": str(destination),
            "allowed": _lengths(allowed),
        },
    )


def validate_length(
    recorder: Recorder, camera: Camera, length: int, destination: Destination
) -> None:
    """Refuse a length (or an upload) the recorder's model does not allow."""
    try:
        check_length(recorder.model, length, destination)
    except UnknownRecorderModel:
        return  # a model newer than this table: the hub will say
    except UploadIncompatible as err:
        raise _length_error(err.model, camera, length, destination, []) from err
    except ClipLengthNotAllowed as err:
        raise _length_error(
            err.model, camera, length, destination, err.allowed
        ) from err


def _local(value: object) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return dt_util.as_local(moment).strftime("%Y-%m-%d %H:%M:%S")


def _megabytes(value: object) -> str:
    return f"{int(value) / _MEGABYTE:.1f}" if isinstance(value, int) else "?"


def _rejection(
    err: AlarmHubRejectedError,
    camera: Camera,
    recorder: Recorder,
    length: int,
    destination: Destination,
) -> HomeAssistantError:
    details = err.details
    names = {"camera": camera.name, "recorder": recorder.name}
    match err.code:
        case ErrorCode.NOT_SUPPORTED:
            model = str(details.get("model", recorder.model))
            return _length_error(
                model, camera, length, destination, details.get("allowed")
            )
        case ErrorCode.NO_RECORDINGS:
            return ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="no_recordings_in_range",
                translation_placeholders={
                    **names,
                    "first": _local(details.get("first", "?")),
                    "last": _local(details.get("last", "?")),
                },
            )
        case ErrorCode.QUOTA_EXCEEDED if details.get("limit") == "storage":
            return ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="storage_limit_reached",
                translation_placeholders={
                    "used": _megabytes(details.get("storage_used")),
                    "limit": _megabytes(details.get("storage_limit")),
                    "size": _megabytes(details.get("size")),
                },
            )
        case ErrorCode.QUOTA_EXCEEDED:
            return ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="upload_limit_reached",
                translation_placeholders={
                    "uploads": str(details.get("uploads", "?")),
                    "limit": str(details.get("upload_limit", "?")),
                },
            )
        case ErrorCode.OFFLINE:
            key = "recorder_offline" if "recorder" in details else "camera_offline"
            return HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key=key,
                translation_placeholders=names,
            )
        case ErrorCode.DISK_FULL:
            return HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="recorder_disk_full",
                translation_placeholders=names,
            )
        case ErrorCode.TIMEOUT:
            return HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="recorder_timeout",
                translation_placeholders=names,
            )
    return translate_error(err)


def translate_clip_error(
    err: AlarmHubError,
    camera: Camera,
    recorder: Recorder,
    length: int,
    destination: Destination,
) -> HomeAssistantError:
    """Return the translated error for a failed export of a clip."""
    names = {"camera": camera.name, "recorder": recorder.name}
    if isinstance(err, AlarmHubRejectedError):
        return _rejection(err, camera, recorder, length, destination)
    if isinstance(err, ClipTimeoutError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="clip_timeout",
            translation_placeholders={**names, "piece": format_length(err.piece)},
        )
    if isinstance(err, ClipTransferCut):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="clip_transfer_cut",
            translation_placeholders={**names, "attempts": str(err.attempts)},
        )
    if isinstance(err, ClipJoinError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="clip_join_failed",
            translation_placeholders={"error": str(err)},
        )
    if isinstance(err, AlarmHubNotSupportedError):
        return ServiceValidationError(
            translation_domain=DOMAIN, translation_key="download_needs_network"
        )
    return translate_error(err)
