"""Serving attachments so they download and never execute in our origin."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi.responses import FileResponse

from frontline.kit.errors import NotFound
from frontline.tickets.models import Attachment
from frontline.tickets.storage import blob_path

# Types a browser would render or run; they are served as opaque bytes.
_ACTIVE = ("text/html", "image/svg", "application/xhtml", "text/xml", "application/xml", "javascript",
           "text/javascript", "application/x-shockwave")


def safe_content_type(content_type: str) -> str:
    lowered = content_type.lower()
    if any(marker in lowered for marker in _ACTIVE) or "/" not in lowered:
        return "application/octet-stream"
    return content_type


def attachment_response(data_dir: Path, attachment: Attachment) -> FileResponse:
    path = blob_path(data_dir, attachment.sha256)
    if not path.is_file():
        raise NotFound("The file of this attachment is missing from storage.")
    ascii_name = attachment.filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return FileResponse(
        path,
        media_type=safe_content_type(attachment.content_type),
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(attachment.filename)}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "private, max-age=3600",
        },
    )
