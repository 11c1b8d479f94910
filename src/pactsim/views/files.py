"""Writing a file a user named, without ever losing what was there.

:func:`write_atomic` writes a temporary file in the target's folder, syncs it
to disk and renames it over the target, so the target holds either its old
content or the whole new one, never a part. On any failure, including
``KeyboardInterrupt`` (and SIGTERM, which the CLI turns into one), the
temporary file is removed and the old file is left as it was.

What it refuses (:class:`~pactsim.errors.PactsimError`, before anything is
written):

- a folder, and anything that is not a regular file: a device (``/dev/full``),
  a FIFO, a socket;
- one of the ``inputs`` (the scenario being read), however it is spelt: the
  same path, a symlink to it or a hard link to it;
- an existing file no pactsim command writes, so one a person wrote: a pactsim
  scenario, variant or resolution file (a top-level ``pactsim: N`` or
  ``resolutions: N`` line in its first 64 KiB, whatever its name, after a BOM,
  quoted, or in JSON);
- a ``.yaml``, ``.yml``, ``.py`` or ``.ipynb`` name, existing or not (pactsim
  writes text, JSON, CSV and HTML; written once, such a file would be refused
  the next time);
- an existing file that is not writable;
- a folder that does not exist.

A symlink is written *through*: its target gets the new content and the link
stays a link (a dangling link creates its target). An existing file keeps its
permission bits (and, when the process may, its owner); a new one gets
``0666`` less the umask, as ``open()`` would give. Like every atomic write, the
new content is a new file: other hard links to the old one keep the old content.

:func:`check_target` runs the same checks and also proves the folder accepts
a new file, so a command can refuse a bad destination *before* a long
computation rather than after it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from collections.abc import Iterable

from pactsim.errors import PactsimError, escape_char
from pactsim.language.files import kind

__all__ = ["check_target", "write_atomic"]

PathLike = str | os.PathLike[str]

_CREATE = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
           | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))


def _refused(name: str, why: str) -> PactsimError:
    return PactsimError(f"{name}: {why}")


#: A name that is itself a link to an open file of a process: /dev/fd/N, /dev/stdin,
#: /dev/stdout, /dev/stderr, /proc/<pid>/fd/N.
_DESCRIPTOR_NAME = re.compile(r"^/(dev/(fd/[^/]+|stdin|stdout|stderr)|proc/[^/]+/fd/[^/]+)$")


def _descriptor(name: str) -> bool:
    """Whether ``name`` is one of this process's standard streams (``/dev/stdout``,
    ``/dev/fd/1``, ``/proc/self/fd/1``, or any chain of links to them): following it
    names the file behind the stream, which a rename would replace.

    Decided by what the name leads to (the same file as standard input, output or
    error) and by the names on the way (a descriptor link, or a folder of them)."""
    try:
        st = os.stat(name)
    except OSError:
        st = None
    if st is not None:
        for fd in (0, 1, 2):
            try:
                open_file = os.fstat(fd)
            except OSError:
                continue
            if (open_file.st_dev, open_file.st_ino) == (st.st_dev, st.st_ino):
                return True
    p = os.path.abspath(name)
    for _ in range(40):  # (the kernel's own limit on a chain of links)
        folder = os.path.realpath(os.path.dirname(p))
        if _DESCRIPTOR_NAME.match(p) or \
                _DESCRIPTOR_NAME.match(os.path.join(folder, os.path.basename(p))):
            return True
        try:
            target = os.readlink(p)
        except OSError:  # not a link (or gone): the chain ends here
            break
        p = os.path.normpath(os.path.join(os.path.dirname(p), target))
    return False


_SURROGATE = re.compile("[\ud800-\udfff]")


def _utf8(text: str) -> bytes:
    """``text`` in UTF-8; a lone surrogate (from a file name that is not UTF-8, read by
    Python as ``\udce9``) is written as the byte it stands for, escaped: ``\xe9``."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub(lambda m: escape_char(m.group()), text).encode("utf-8")


def _resolve(path: PathLike, inputs: Iterable[PathLike]) -> str:
    """The file a write to ``path`` would replace, after the checks that write nothing."""
    name = os.fspath(path)
    if not name:
        raise PactsimError("the output file name is empty")
    if name == "-":
        raise _refused(name, "is not standard output here: leave out the output option to "
                             "write to standard output, or give a file name")
    if name.endswith(("/", os.sep)) or os.path.basename(name) in (".", ".."):
        raise _refused(name, "names a folder; give the name of a file to write")
    given = os.path.dirname(name)
    if given and not os.path.isdir(given):  # nodir/../x: the shell and open() refuse it too
        raise _refused(name, f"cannot write here: the folder {given!r} does not exist "
                             "(create it first)")
    if _descriptor(name):
        # /dev/stdout leads to whatever file the shell opened (for appending, perhaps):
        # an atomic write would replace that file, not write to the stream
        raise _refused(name, "is an open stream of this process (standard input, output or "
                             "error, /dev/fd/N): leave out the output option to write to "
                             "standard output, and redirect it (> FILE) if you want a file")
    real = os.path.realpath(name)  # symlinks are written through, to their target
    try:
        st: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise _refused(name, f"cannot write here: {os.path.dirname(name)!r} is not a "
                             "folder") from None
    except OSError as err:
        raise _refused(name, f"cannot write here: {err.strerror or err}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise _refused(name, "is a folder; give the name of a file to write")
        if not stat.S_ISREG(st.st_mode):
            raise _refused(name, f"is {kind(st.st_mode)}, not a regular file; only regular "
                                 "files are written (nothing was changed)")
        for source in inputs:
            try:
                same = os.path.samefile(source, real)
            except OSError:
                continue
            if same:
                raise _refused(name, f"is the input {os.fspath(source)}; choose another "
                                     "output file (the input is never overwritten)")
        why = _written_by_hand(real)
        if why:
            raise _refused(name, why + "; pactsim never writes over one: choose another "
                                 "output file (or delete this one first)")
        # (a file with no write permission for anyone is read-only even to root, whom
        # os.access lets write anything)
        if not os.access(real, os.W_OK) or not st.st_mode & 0o222:
            if _read_only_mount(real):
                raise _refused(name, "is on a read-only file system; choose an output file "
                                     "elsewhere")
            raise _refused(name, "the file is read-only; make it writable or choose "
                                 "another output file")
    if st is None:  # (an existing one: said above)
        never = _never_named(name)
        if never:
            raise _refused(name, never)
        never = _never_named(real)  # a symlink to a file not there yet: by its target
        if never:
            raise _refused(name, f"is a symlink to {real!r}; that " + never)
    folder = os.path.dirname(real)
    if not os.path.isdir(folder):
        shown = os.path.dirname(name) if not os.path.isdir(os.path.dirname(name) or ".") \
            else folder
        raise _refused(name, f"cannot write here: the folder {shown!r} does not exist "
                             "(create it first)")
    try:
        writable = bool(os.stat(folder).st_mode & 0o222)  # read-only to all, root included?
    except OSError:
        writable = True  # (the temporary file check_target makes will say what is wrong)
    if not writable:
        raise _refused(name, f"cannot create files in the folder {folder!r}: it is "
                             "read-only (make it writable or choose another folder)")
    return real


#: Extensions of files no pactsim command writes (its outputs are text, JSON, CSV, HTML).
_NEVER_WRITTEN = {".yaml": "a YAML file", ".yml": "a YAML file", ".py": "a Python file",
                  ".ipynb": "a notebook"}  # (a person's: pactsim writes none of these)
#: A top-level line only pactsim's own YAML files have: the format version (the key
#: quoted or not).
_OWN_KEY = re.compile(rb"^([\"']?)(pactsim|resolutions)\1[ \t]*:[ \t]*([\"']?)[0-9]+\3[ \t]*"
                      rb"(#[^\n]*)?\r?$", re.M)
#: Bytes of an existing file searched for those lines (its whole, but for a file larger
#: than any a person writes by hand: pactsim's own outputs, an HTML report, are searched
#: in a few milliseconds a megabyte).
_SCAN_BYTES = 1 << 25
#: The same in a scenario written as JSON (YAML reads it too): ``{"pactsim": 2, ...``.
_OWN_JSON_KEY = re.compile(rb'"(pactsim|resolutions)"\s*:\s*[0-9]+\s*[,}]')


def _written_by_hand(real: str) -> str | None:
    """What makes the existing file ``real`` one a person wrote (a scenario, variant or
    resolution file, or a file of a kind pactsim never writes), or ``None``: an earlier
    output of pactsim is written over as usual."""
    ext = os.path.splitext(real)[1].lower()
    try:
        with open(real, "rb") as f:  # the whole file: a dump with sorted keys has its
            head = f.read(_SCAN_BYTES)  # 'pactsim' line far down (review-cli, 2026-12-04)
    except OSError:
        head = b""
    head = head.removeprefix(b"\xef\xbb\xbf")  # (a byte-order mark before the first key)
    found = _OWN_KEY.search(head)
    if found is None and head.lstrip().startswith(b"{"):
        found = _OWN_JSON_KEY.search(head)
    if found:
        key = found.group(2) if found.re is _OWN_KEY else found.group(1)
        what = "a resolution file" if key == b"resolutions" else "a scenario file"
        line = head.count(b"\n", 0, found.start()) + 1
        return (f"is {what} (line {line}: "
                f"{found.group().decode(errors='replace').strip().rstrip(',}').strip()})")
    if ext in _NEVER_WRITTEN:
        return f"is {_NEVER_WRITTEN[ext]}"
    return _read_as_own(real)


def _read_as_own(real: str) -> str | None:
    """Whether pactsim's own reader takes the file for a scenario or resolution file
    (a top-level ``pactsim`` or ``resolutions`` key, however written: flow style, an
    anchor, ``2.0``, the key after 64 KiB; review-fuzz15 found twelve such files that the
    patterns above missed and ``-o`` replaced). Only files the reader could load are
    read (at most :data:`~pactsim.language._yaml.MAX_BYTES`)."""
    from pactsim.errors import PactsimError
    from pactsim.language._yaml import MAX_BYTES, parse_yaml

    try:
        if os.path.getsize(real) > MAX_BYTES:
            return None
        with open(real, "rb") as f:
            data = f.read(MAX_BYTES + 1)
        top = parse_yaml(data, name=real, soft=True).data
    except (OSError, PactsimError, ValueError, RecursionError):
        return None
    if not isinstance(top, dict):
        return None
    for key, what in (("pactsim", "a scenario file"), ("resolutions", "a resolution file")):
        if key in top:
            return f"is {what} (it has a top-level '{key}' key)"
    if "as_of" in top and "horizon" in top:  # a draft that lost its first line (review-fuzz16)
        return ("looks like a scenario file (top-level 'as_of' and 'horizon' keys, though "
                "no 'pactsim' one)")
    return None


def _never_named(name: str) -> str | None:
    """Why pactsim writes no file of this name, whether it exists or not: its outputs
    are text, JSON, CSV and HTML, and a .yaml, .py or .ipynb name is a person's file
    (written once, it would be refused the next time)."""
    ext = os.path.splitext(name)[1].lower()
    if ext in _NEVER_WRITTEN:
        return (f"is the name of {_NEVER_WRITTEN[ext]}, which pactsim never writes (its "
                "outputs are text, JSON, CSV and HTML): choose another name")
    return None


def _read_only_mount(path: str) -> bool:
    """Whether ``path`` is on a file system mounted read-only (then no change of the
    file's mode helps)."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # (no statvfs on Windows)
        return False


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temporary(real: str, made: list[str]) -> int:
    """Create a new temporary file beside ``real``; its name is in ``made`` first.

    The name is recorded *before* the file exists, so a signal at any moment
    leaves a name the caller's clean-up removes (or finds missing), never a
    file it does not know of.
    """
    folder, base = os.path.split(real)
    # a name the file system takes whenever the target's does (255 bytes): the base cut
    # so that the dot, the tag and .tmp (14 bytes) fit
    short = os.fsdecode(os.fsencode(base)[:200])
    while True:
        made.append(os.path.join(folder, f".{short}.{os.urandom(4).hex()}.tmp"))
        try:
            return os.open(made[-1], _CREATE, 0o600)
        except FileExistsError:  # someone else's file: not ours to remove
            made.pop()


def _remove(made: list[str]) -> None:
    for tmp in made:
        # gone already, or nothing more can be done: the error that got us here matters more
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def check_target(path: PathLike, *, inputs: Iterable[PathLike] = ()) -> str:
    """Check that ``path`` can be written, without touching it; return the file to write.

    Runs every check of :func:`write_atomic`, then creates and removes a
    temporary file in the target's folder, which catches read-only folders and
    file systems, and folders where files cannot be made (``/proc``, ``/sys``).

    Raises
    ------
    PactsimError
        With one line naming ``path``, what is wrong and what to do.
    """
    real = _resolve(path, tuple(inputs))
    made: list[str] = []
    try:
        os.close(_temporary(real, made))
    except OSError as err:
        raise _refused(os.fspath(path), f"cannot create files in the folder "
                                        f"{os.path.dirname(real)!r}: {err.strerror or err}"
                       ) from None
    finally:
        _remove(made)
    return real


def write_atomic(path: PathLike, data: str | bytes, *,
                 inputs: Iterable[PathLike] = ()) -> None:
    """Replace (or create) the file ``path`` with ``data``, all at once.

    Parameters
    ----------
    path:
        The file to write; a symlink is written through to its target.
    data:
        The new content; ``str`` is written as UTF-8.
    inputs:
        Files this one must never be (the scenario being read).

    Raises
    ------
    PactsimError
        When the target is refused (see the module docstring); nothing was written.
    OSError
        When writing fails (a full disk, an I/O error, permissions); ``filename``
        is ``path``. The old file is intact and no temporary file is left.
    """
    name = os.fspath(path)
    real = _resolve(name, tuple(inputs))
    payload = _utf8(data) if isinstance(data, str) else data
    try:
        old: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        old = None
    made: list[str] = []
    fd = -1
    try:
        fd = _temporary(real, made)
        if old is not None:
            if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()) and hasattr(os, "fchown"):
                # only root (or the owner, for the group) may; otherwise the file is ours
                with contextlib.suppress(OSError):
                    os.fchown(fd, old.st_uid, old.st_gid)
            os.chmod(fd, stat.S_IMODE(old.st_mode))
        else:
            os.chmod(fd, 0o666 & ~_umask())
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(made[-1], real)
        made.clear()
    except OSError as err:
        raise OSError(err.errno or errno.EIO, err.strerror or str(err), name) from err
    finally:
        if fd >= 0:
            os.close(fd)
        _remove(made)
    _sync_folder(os.path.dirname(real))


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable (best effort: not every system can sync a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
