"""The turn to write to a SQLite file across processes: a kernel file lock beside the database (kit/writer.py)."""

from __future__ import annotations

import fcntl
import os


class WriterLock:
    """The turn to write to a SQLite file across processes: an exclusive `flock` on a file beside it."""

    def __init__(self, database_path: str) -> None:
        self.path = database_path + ".writelock"
        self._fd: int | None = None
        self._pid = os.getpid()

    def _descriptor(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # first use, or a forked child
            self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        return self._fd

    def acquire(self) -> None:
        fcntl.flock(self._descriptor(), fcntl.LOCK_EX)

    def try_acquire(self) -> bool:
        try:
            fcntl.flock(self._descriptor(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        fcntl.flock(self._descriptor(), fcntl.LOCK_UN)
