"""Content-addressed file storage: data_dir/attachments/ab/cd/<sha256>. Same bytes are stored once."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from frontline.kit.errors import TooLarge

CHUNK = 1024 * 1024


def blob_path(data_dir: Path, sha256: str) -> Path:
    return data_dir / "attachments" / sha256[:2] / sha256[2:4] / sha256


def store_stream(data_dir: Path, stream: BinaryIO, *, limit: int) -> tuple[str, int]:
    """Copy a stream into storage; refuse it (and keep nothing) once it passes `limit` bytes."""
    root = data_dir / "attachments"
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as tmp:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"The file is larger than the limit of {limit // (1024 * 1024)} MiB.")
                digest.update(chunk)
                tmp.write(chunk)
        sha = digest.hexdigest()
        target = blob_path(data_dir, sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp_name, target)
        return sha, size
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def store_bytes(data_dir: Path, content: bytes, *, limit: int) -> tuple[str, int]:
    return store_stream(data_dir, io.BytesIO(content), limit=limit)
