"""Uploaded files -> the desk's `AttachmentIn`, refusing too many or too large files
before any of them is read into memory."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from pactdesk.desk.services import AttachmentIn
from pactdesk.platform.errors import ValidationFailed


def attachments_from_uploads(files: Sequence[UploadedFile]) -> list[AttachmentIn]:
    limit, most = settings.PACTDESK_ATTACHMENT_MAX_BYTES, settings.PACTDESK_ATTACHMENT_MAX_COUNT
    if len(files) > most:
        raise ValidationFailed(
            f"Attach at most {most} files ({len(files)} were sent).",
            code="too_many_attachments",
            field="attachments",
        )
    for upload in files:
        if (upload.size or 0) > limit:
            raise ValidationFailed(
                f"{upload.name} is {upload.size:,} bytes; each file may be at most {limit:,}.",
                code="attachment_too_large",
                field="attachments",
            )
    return [
        AttachmentIn(filename=upload.name or "attachment", content=upload.read())
        for upload in files
    ]
