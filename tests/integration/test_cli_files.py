"""Files the CLI reads and writes: refused before any work, nothing replaced that should not be.

`--out` (on `run`, `report` and `schema`) is checked before the simulation; it
never replaces a folder, a device, a FIFO, a socket or the input scenario; it
writes through a symlink to its target; it keeps an existing file's mode; and a
failed or interrupted write leaves the old file as it was and no temporary file.
Input paths are read only when they are regular files, at most the size limit
plus one byte, without ever blocking on a FIFO.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import call

ROOT = Path(__file__).parents[2]
SMALL = ROOT / "scenarios" / "analytic-independent.yaml"
WRITERS = ["run", "report", "schema"]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux paths")
pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs, sockets, modes: POSIX files")



def writer(command: str, out: str | Path, scenario: Path = SMALL) -> list[str]:
    """Arguments for a command that writes ``out``."""
    if command == "schema":
        return ["schema", "--out", str(out)]
    return [command, str(scenario), "-n", "2000", "--seed", "1", "--out", str(out)]


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any simulation fails the test: the destination must be checked first."""
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("simulated before checking the destination")

    monkeypatch.setattr("pactsim.montecarlo.simulate", refuse)


@pytest.fixture
def sigterm_guard() -> Iterator[None]:
    """Turn SIGTERM into an exception, so a CLI that does not handle it cannot kill pytest;
    and SIGINT raises KeyboardInterrupt, as Python sets it up for a command typed in a
    terminal (a suite started in the background by a shell inherits SIGINT ignored, and
    the CLI, rightly, then leaves it ignored)."""
    class Killed(Exception):
        pass

    def guard(signum: int, frame: object) -> None:
        raise Killed("SIGTERM reached the test: the CLI did not handle it")

    old = signal.signal(signal.SIGTERM, guard)
    old_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
        assert signal.getsignal(signal.SIGTERM) is guard, "the CLI did not restore the handler"
    finally:
        signal.signal(signal.SIGTERM, old)
        signal.signal(signal.SIGINT, old_int)


# --- where --out points: refused before any work -----------------------------------------


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("command", WRITERS)
def test_out_into_a_missing_folder_is_refused_first(tmp_path, capsys, command):
    code, _, err = call(capsys, *writer(command, tmp_path / "no" / "such" / "out.txt"))
    assert code == 2
    assert "does not exist" in one_line(err)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("command", WRITERS)
def test_out_onto_a_folder_is_refused_first(tmp_path, capsys, command):
    folder = tmp_path / "results"
    folder.mkdir()
    code, _, err = call(capsys, *writer(command, folder))
    assert code == 2
    assert "is a folder" in one_line(err)
    assert folder.is_dir() and list(folder.iterdir()) == []


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("command", WRITERS)
def test_out_in_a_folder_that_cannot_be_written_is_refused_first(tmp_path, capsys, command):
    if os.geteuid() == 0:  # root writes anywhere permissions allow nothing; sysfs refuses even root
        if not os.path.isdir("/sys/kernel"):
            pytest.skip("needs /sys to find a folder root cannot write in")
        target = Path("/sys/kernel/pactsim-test-out.txt")
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        target = locked / "out.txt"
    code, _, err = call(capsys, *writer(command, target))
    assert code == 2
    assert "cannot create files" in one_line(err)
    assert not target.exists()


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("command", WRITERS)
def test_out_onto_a_fifo_is_refused_and_the_fifo_kept(tmp_path, capsys, command):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = call(capsys, *writer(command, fifo))
    assert code == 2
    assert "named pipe" in one_line(err)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("command", WRITERS)
def test_out_onto_a_socket_is_refused(tmp_path, capsys, command):
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        code, _, err = call(capsys, *writer(command, path))
    assert code == 2
    assert "socket" in one_line(err)
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


@linux_only
@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("command", WRITERS)
def test_out_onto_a_device_is_refused(tmp_path, capsys, command):
    if os.geteuid() == 0:
        # never point a test at a real device as root: make a /dev/full twin in tmp_path
        device = tmp_path / "full"
        try:
            os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        except OSError as err:
            pytest.skip(f"cannot make a device node: {err}")
    else:
        device = Path("/dev/full")
    code, _, err = call(capsys, *writer(command, device))
    assert code == 2
    assert "character device" in one_line(err)
    assert stat.S_ISCHR(os.lstat(device).st_mode)


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("command", ["run", "report"])
@pytest.mark.parametrize("spelling", ["same", "symlink", "hardlink", "dotdot"])
def test_out_equal_to_the_input_is_refused(tmp_path, capsys, command, spelling):
    mine = tmp_path / "mine.yaml"
    shutil.copy(SMALL, mine)
    before = mine.read_bytes()
    (tmp_path / "sub").mkdir()
    out = {"same": mine, "symlink": tmp_path / "link.yaml", "hardlink": tmp_path / "hard.yaml",
           "dotdot": tmp_path / "sub" / ".." / "mine.yaml"}[spelling]
    if spelling == "symlink":
        out.symlink_to(mine)
    elif spelling == "hardlink":
        os.link(mine, out)
    code, _, err = call(capsys, *writer(command, out, scenario=mine))
    assert code == 2
    assert "input" in one_line(err)
    assert mine.read_bytes() == before
    assert out.exists() and os.path.samefile(out, mine)


# --- what a successful write does ------------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "schema"])
def test_out_writes_through_a_symlink_to_its_target(tmp_path, capsys, command):
    target = tmp_path / "real.txt"
    target.write_text("old\n")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    code, _, err = call(capsys, *writer(command, link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() != "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "real.txt"]


def test_out_through_a_dangling_symlink_creates_its_target(tmp_path, capsys):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "made.json")
    code, _, err = call(capsys, "schema", "--out", link)
    assert code == 0, err
    assert link.is_symlink()
    assert (tmp_path / "made.json").read_text().startswith("{")


@pytest.mark.parametrize("command", ["run", "schema"])
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_out_keeps_an_existing_files_mode(tmp_path, capsys, command, mode):
    out = tmp_path / "out.txt"
    out.write_text("old\n")
    out.chmod(mode)
    code, _, err = call(capsys, *writer(command, out))
    assert code == 0, err
    assert out.read_text() != "old\n"
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_a_new_file_gets_the_usual_mode(tmp_path, capsys):
    old = os.umask(0o027)
    try:
        code, _, err = call(capsys, "schema", "--out", tmp_path / "new.json")
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o640


@pytest.mark.parametrize("command", ["run", "report"])
def test_report_and_run_say_what_they_wrote(tmp_path, capsys, command):
    out = tmp_path / "out.txt"
    code, _, err = call(capsys, *writer(command, out))
    assert code == 0
    assert f"wrote {out}" in err


# --- failures while writing: one line, the old file intact, no temporary left --------------


@pytest.mark.parametrize("command", WRITERS)
def test_a_full_disk_leaves_the_old_file_and_no_temporary(tmp_path, capsys, monkeypatch,
                                                          command):
    out = tmp_path / "out.txt"
    out.write_text("old\n")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    code, _, err = call(capsys, *writer(command, out))
    assert code == 3
    line = one_line(err)
    assert str(out) in line and "No space left on device" in line
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.usefixtures("sigterm_guard")
@pytest.mark.parametrize(("sig", "status", "word"), [(signal.SIGTERM, 143, "terminated"),
                                                     (signal.SIGINT, 130, "interrupted")])
def test_a_signal_in_mid_write_leaves_the_old_file_and_no_temporary(
        tmp_path, capsys, monkeypatch, sig, status, word):
    out = tmp_path / "out.txt"
    out.write_text("old\n")
    real_fsync = os.fsync

    def signalled(fd: int) -> None:
        os.kill(os.getpid(), sig)  # the handler runs here, before the data is synced
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", signalled)
    code, _, err = call(capsys, *writer("run", out))
    assert code == status
    assert one_line(err) == word
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


# --- standard output that cannot be written ---------------------------------------------


def _pactsim(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("cwd", ROOT)
    kwargs.setdefault("timeout", 300)  # a bound on a hang, not a speed requirement
    return subprocess.run([sys.executable, "-m", "pactsim.cli", *args], stderr=subprocess.PIPE,
                          text=True, check=False, **kwargs)


@linux_only
@pytest.mark.parametrize("args", [["schema"], ["validate", str(SMALL)],
                                  ["run", str(SMALL), "-n", "1000"],
                                  # argparse dropped a help it could not write: exit 0
                                  ["--help"], ["--version"], ["run", "--help"],
                                  ["--debug"]],  # no command: the help, then exit 2 (or 3)
                         ids=" ".join)
def test_stdout_on_a_full_device_is_one_line_and_exit_3(args):
    with open("/dev/full", "wb") as full:
        out = _pactsim(*args, stdout=full)
    assert out.returncode == 3, out.stderr
    line = one_line(out.stderr)
    assert "standard output" in line and "No space left on device" in line


@pytest.mark.skipif(not shutil.which("sh"), reason="needs sh")
@pytest.mark.parametrize("args", [["schema"], ["run", str(SMALL), "-n", "1000"]],
                         ids=lambda a: a[0])
def test_closed_stdout_is_one_line_and_exit_3(args):
    out = subprocess.run(["sh", "-c", 'exec "$0" "$@" >&-', sys.executable, "-m", "pactsim.cli",
                          *args], stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=300,
                         check=False)
    assert out.returncode == 3, out.stderr
    assert "standard output is closed" in one_line(out.stderr)


# --- input paths ----------------------------------------------------------------------------


def _limit_memory() -> None:  # in the child: a runaway read fails instead of eating the machine
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@linux_only
@pytest.mark.parametrize("command", ["validate", "check", "run", "report"])
def test_a_fifo_with_no_writer_as_input_is_refused_without_blocking(tmp_path, command):
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    # the timeout only guards against a hang (the bug); it is not a speed requirement
    try:
        out = _pactsim(command, str(fifo), stdout=subprocess.PIPE, timeout=120,
                       cwd=tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`pactsim {command}` blocked on a FIFO with no writer")
    assert out.returncode == 2, out.stderr
    assert f"{fifo}: cannot read the file" in one_line(out.stderr)
    assert "named pipe" in out.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["scenario.yaml"]


@linux_only
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_an_endless_device_as_input_is_refused_without_reading_it(device):
    try:
        out = _pactsim("validate", device, stdout=subprocess.PIPE, timeout=120,
                       preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`pactsim validate {device}` kept reading")
    assert out.returncode == 2, out.stderr
    assert "character device, not a regular file" in one_line(out.stderr)


def test_a_folder_as_input_is_refused(tmp_path, capsys):
    code, _, err = call(capsys, "validate", tmp_path)
    assert code == 2
    assert "is a folder, not a regular file" in one_line(err)


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("command", WRITERS)
@pytest.mark.parametrize("suffix", ["/", "/."])
def test_out_ending_as_a_folder_is_refused_and_the_file_kept(tmp_path, capsys, command, suffix):
    """``-o plain.txt/`` names a folder: the file plain.txt was replaced (realpath drops
    the slash), where the shell, cp and open() say "Not a directory"."""
    plain = tmp_path / "plain.txt"
    plain.write_text("keep\n")
    code, _, err = call(capsys, *writer(command, f"{plain}{suffix}"))
    assert code == 2 and "names a folder" in one_line(err)
    assert plain.read_text() == "keep\n"
    code, _, err = call(capsys, *writer(command, f"{tmp_path / 'newname'}/"))
    assert code == 2 and not (tmp_path / "newname").exists()


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("command", WRITERS)
def test_out_dash_is_refused(tmp_path, capsys, command, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = call(capsys, *writer(command, "-"))
    assert (code, out) == (2, "") and "leave out the output option" in one_line(err)
    assert list(tmp_path.iterdir()) == []


@linux_only
@pytest.mark.parametrize("spelling", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "link",
                                      "folder link", "proc link", "chain"])
def test_out_onto_standard_output_keeps_the_file_the_shell_opened(tmp_path, spelling):
    """``-o /dev/stdout >> log`` renamed a new file over log: what it held was lost (also
    through a linked folder: fdlink -> /dev/fd, then fdlink/1)."""
    log = tmp_path / "log.txt"
    log.write_text("precious earlier line\n")
    if spelling == "link":
        (tmp_path / "link").symlink_to("/dev/stdout")
        spelling = str(tmp_path / "link")
    elif spelling == "folder link":
        (tmp_path / "fdlink").symlink_to("/dev/fd")
        spelling = str(tmp_path / "fdlink" / "1")
    elif spelling == "proc link":
        (tmp_path / "selflink").symlink_to("/proc/self")
        spelling = str(tmp_path / "selflink" / "fd" / "1")
    elif spelling == "chain":  # l1 -> fdlink/1, fdlink -> /dev/fd: one readlink reaches log
        (tmp_path / "fdlink").symlink_to("/dev/fd")
        (tmp_path / "l1").symlink_to("fdlink/1")
        spelling = str(tmp_path / "l1")
    with open(log, "a") as out_file:
        out = _pactsim("run", str(SMALL), "-n", "1000", "--seed", "1", "-o", spelling,
                       stdout=out_file)
    assert out.returncode == 2
    assert "open stream of this process" in one_line(out.stderr)
    assert log.read_text() == "precious earlier line\n"


@pytest.mark.parametrize("command", WRITERS)
def test_out_with_a_long_name_is_written(tmp_path, capsys, command):
    """A 250-character name is a valid file name; the temporary beside it (its name plus
    14 characters) was too long, so such a file could never be written."""
    out = tmp_path / ("x" * 250)
    code, _, err = call(capsys, *writer(command, out))
    assert code == 0, err
    assert out.is_file() and [p.name for p in tmp_path.iterdir()] == [out.name]


@linux_only
def test_out_through_proc_to_an_ordinary_file_is_written(tmp_path):
    """/proc/self/cwd/x names a file in the current folder: it was refused as a stream."""
    out = _pactsim("run", str(SMALL), "-n", "1000", "--seed", "1", "-o",
                   "/proc/self/cwd/ok.csv", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "ok.csv").is_file()


@pytest.mark.usefixtures("no_simulation")
def test_out_through_a_missing_folder_and_back_is_refused(tmp_path, capsys, monkeypatch):
    """nodir/../x.csv: realpath made it x.csv; the shell and open() refuse it."""
    monkeypatch.chdir(tmp_path)
    code, _, err = call(capsys, *writer("run", "nodir/../x.csv"))
    assert code == 2 and "the folder 'nodir/..' does not exist" in one_line(err)
    assert list(tmp_path.iterdir()) == []


# --- found by a CLI review (2026-12-04) ----------------------------------------------------
def _big_scenario_with_a_slip(as_json: bool) -> str:
    """A scenario of 600 events dumped with sorted keys ('pactsim' far down, after 64
    KiB) and one slip near the top, so it does not parse: a draft being edited."""
    import json

    events = {f"e{i:03d}": {"label": f"Event number {i} of a large file", "p": 0.5,
                            "why": "a reason long enough to fill the file " * 2}
              for i in range(600)}
    doc = {"as_of": "2025-01-01", "events": events, "horizon": "2025-12-31", "id": "big",
           "pactsim": 1, "signing": {"by": {"2025-06-30": 0.5}}}
    if as_json:
        text = json.dumps(doc, indent=1, sort_keys=True)
        return text.replace('"Event number 0 of a large file",',
                            '"Event number 0 of a large file",,', 1)
    lines = []
    for key, value in doc.items():
        if key == "events":
            lines.append("events:")
            for name, ev in value.items():
                lines.append(f"  {name}:")
                lines += [f"    {k}: {v}" for k, v in ev.items()]
        elif isinstance(value, dict):
            lines.append(f"{key}: {json.dumps(value)}")
        else:
            lines.append(f"{key}: {value}")
    lines.insert(5, "   bad: [")
    return "\n".join(lines) + "\n"


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("as_json", [False, True])
def test_a_large_draft_scenario_with_its_version_far_down_is_never_replaced(
        tmp_path, capsys, as_json):
    """-o onto a scenario file is refused; its 'pactsim' line was looked for only in the
    first 64 KiB unless the file parsed, so a key-sorted dump with a typo was replaced."""
    text = _big_scenario_with_a_slip(as_json)
    at = text.index('"pactsim"' if as_json else "\npactsim: 1")
    assert at > 65536 and len(text) < 512_000
    out = tmp_path / ("draft.json" if as_json else "draft.txt")
    out.write_text(text)
    code, _, err = call(capsys, *writer("run", out))
    assert code == 2
    line = text.count("\n", 0, at) + (1 if as_json else 2)
    assert f"is a scenario file (line {line}:" in one_line(err)
    assert out.read_text() == text


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize(("target", "kind"), [("new.py", "a Python file"),
                                              ("new.yaml", "a YAML file")])
def test_a_dangling_symlink_to_a_name_pactsim_never_writes_is_refused(
        tmp_path, capsys, target, kind):
    link = tmp_path / "out.txt"
    link.symlink_to(tmp_path / target)
    code, _, err = call(capsys, *writer("run", link))
    assert code == 2
    said = one_line(err)
    assert f"is a symlink to {str(tmp_path / target)!r}; that is the name of {kind}" in said
    assert not (tmp_path / target).exists() and link.is_symlink()


@pytest.mark.usefixtures("no_simulation")
def test_a_file_and_a_folder_nobody_may_write_are_refused_even_to_root(tmp_path, capsys):
    """A file or folder without write permission is refused (``--help`` says so), also
    when pactsim runs as root, whom the operating system lets write it."""
    out = tmp_path / "locked.txt"
    out.write_text("kept\n")
    out.chmod(0o444)
    code, _, err = call(capsys, *writer("run", out))
    assert code == 2 and "the file is read-only" in one_line(err)
    assert out.read_text() == "kept\n"
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        code, _, err = call(capsys, *writer("run", folder / "new.txt"))
        assert code == 2 and "cannot create files in the folder" in one_line(err)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)
