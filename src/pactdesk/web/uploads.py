"""Uploaded files -> the desk's `AttachmentIn`, refusing too many or too large files
before any of them is read into memory.

Django cuts an uploaded file's name to 255 characters (keeping its extension) when it
makes the `UploadedFile`; the desk refuses such names on interactive channels instead
(`desk.services.lodging`), so `UploadNames`, the first upload handler
(`FILE_UPLOAD_HANDLERS`), records each name as the browser sent it, and the
attachments carry those names.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest

from pactdesk.desk.error_codes import DeskErrorCode
from pactdesk.desk.services import AttachmentIn
from pactdesk.platform.errors import ValidationFailed

FIELD = "attachments"
_NAMES = "pactdesk_upload_names"


class UploadNames(FileUploadHandler):
    """Records the name of every uploaded file, per form field, before Django shortens
    it; hands the data on to the next handler unchanged."""

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        names = getattr(self.request, _NAMES, None)
        if names is None:
            names = {}
            setattr(self.request, _NAMES, names)
        names.setdefault(field_name, []).append(file_name)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def attachments_from_uploads(request: HttpRequest) -> list[AttachmentIn]:
    """The files of the request's "attachments" field, named as the browser sent them.

    Raises ValidationFailed: too_many_attachments, attachment_too_large."""
    files = request.FILES.getlist(FIELD)
    limit, most = settings.PACTDESK_ATTACHMENT_MAX_BYTES, settings.PACTDESK_ATTACHMENT_MAX_COUNT
    if len(files) > most:
        raise ValidationFailed(
            f"Attach at most {most} files ({len(files)} were sent).",
            code=DeskErrorCode.TOO_MANY_ATTACHMENTS,
            field=FIELD,
        )
    for upload in files:
        if (upload.size or 0) > limit:
            raise ValidationFailed(
                f"{upload.name} is {upload.size:,} bytes; each file may be at most {limit:,}.",
                code=DeskErrorCode.ATTACHMENT_TOO_LARGE,
                field=FIELD,
            )
    sent = getattr(request, _NAMES, {}).get(FIELD, [])
    names = sent if len(sent) == len(files) else [upload.name for upload in files]
    return [
        AttachmentIn(filename=name or "attachment", content=upload.read())
        for name, upload in zip(names, files, strict=True)
    ]
