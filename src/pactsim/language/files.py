"""Reading a file a user named, safely.

A path on the command line can name anything: a device that never ends
(``/dev/zero``), a FIFO nobody writes to, a folder. :func:`read_regular` reads
only regular files (following symlinks), never more than the caller's limit
plus one byte (so the caller can tell "too large" from "exactly at the limit"),
and never blocks: the file is opened with ``O_NONBLOCK`` and checked with
``fstat`` before a byte is read.
"""

from __future__ import annotations

import errno
import os
import stat

__all__ = ["kind", "read_regular"]

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)

_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
          | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


def kind(mode: int) -> str:
    """What a ``st_mode`` describes, for messages: ``"a folder"``, ``"a socket"``, ..."""
    if stat.S_ISREG(mode):
        return "a regular file"
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a special file"


def _refuse(path: str | os.PathLike[str], mode: int) -> OSError:
    code = errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL
    return OSError(code, f"it is {kind(mode)}, not a regular file", os.fspath(path))


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The first ``limit + 1`` bytes (at most) of the regular file at ``path``.

    Parameters
    ----------
    path:
        A file name; symlinks are followed.
    limit:
        The largest size the caller accepts. One byte more is read, so a
        result longer than ``limit`` means the file is too large.

    Raises
    ------
    OSError
        When the file cannot be opened or read, or is not a regular file (a
        folder gives :class:`IsADirectoryError`; a FIFO, device or socket an
        ``OSError`` with ``errno.EINVAL``). ``strerror`` says what it is, e.g.
        ``"it is a named pipe (FIFO), not a regular file"``.

    Examples
    --------
    >>> read_regular("/dev/zero", 100)                    # doctest: +SKIP
    Traceback (most recent call last):
    OSError: [Errno 22] it is a character device, not a regular file: '/dev/zero'
    """
    mode = os.stat(path).st_mode  # refuse before opening: opening some devices acts
    if not stat.S_ISREG(mode):
        raise _refuse(path, mode)
    fd = os.open(path, _FLAGS)  # O_NONBLOCK: a FIFO swapped in meanwhile cannot block
    try:
        mode = os.fstat(fd).st_mode  # what was opened, not what was named a moment ago
        if not stat.S_ISREG(mode):
            raise _refuse(path, mode)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
