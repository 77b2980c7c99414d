"""Saving a model only after it passed every check, with errors that name the field."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from pactdesk.platform.error_codes import PlatformErrorCode
from pactdesk.platform.errors import ValidationFailed


def validation_failed_from(error: ValidationError) -> ValidationFailed:
    """The first problem of a Django ValidationError, as our error with its field."""
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
        first = errors[0]
        message = " ".join(first.messages)
        name = None if field == "__all__" else field
        code = first.code or PlatformErrorCode.INVALID
        return ValidationFailed(f"{name}: {message}" if name else message, code=code, field=name)
    first = error.error_list[0]
    return ValidationFailed(" ".join(first.messages), code=first.code or PlatformErrorCode.INVALID)


def validated_save(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """full_clean, then save; a failed check raises ValidationFailed and saves nothing."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise validation_failed_from(error) from None
    instance.save()
