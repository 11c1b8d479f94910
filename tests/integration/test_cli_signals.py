"""`pactsim run --workers 2` stopped from outside: no worker left alive, no file half-written.

Processes are found through Linux's /proc (psutil is not a dependency). Every
process a test starts is killed by its id at the end, whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")

ROOT = Path(__file__).parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
# Deadlines only bound a wait for something that must happen; they are not speed targets.
DEADLINE = 120.0


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1])


def descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (st := _stat(int(entry))) is not None:
            parents[int(entry)] = st[1]
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def leaves(pids: set[int]) -> set[int]:
    """The processes among ``pids`` with no child among them: the pool's workers
    (with the forkserver start method the fork server is their parent)."""
    parents = {st[1] for pid in pids if (st := _stat(pid)) is not None}
    return {pid for pid in pids if pid not in parents}


def alive(pids: set[int]) -> set[int]:
    """The processes among ``pids`` still running (zombies and vanished ones are dead)."""
    out = set()
    for pid in pids:
        st = _stat(pid)
        if st is not None and st[0] not in ("Z", "X"):
            out.add(pid)
    return out


def wait_until_gone(pids: set[int], deadline: float = DEADLINE) -> set[int]:
    end = time.monotonic() + deadline
    while alive(pids) and time.monotonic() < end:
        time.sleep(0.1)
    return alive(pids)


class Started:
    """Processes a test starts, and their children: all killed by id afterwards."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[str]] = []
        self.kids: set[int] = set()


@pytest.fixture
def started() -> Iterator[Started]:
    mine = Started()
    try:
        yield mine
    finally:
        for proc in mine.procs:
            mine.kids |= descendants(proc.pid)
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        for pid in alive(mine.kids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _sigint_as_in_a_terminal() -> None:
    """In the child before it runs: SIGINT at its default, as for a command typed in a
    terminal. A suite started in the background by a shell inherits SIGINT ignored
    (how shells keep Ctrl-C from background jobs), and a program started so rightly
    keeps ignoring it; the SIGINT test would then wait for a run that never ends."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_run(mine: Started, cwd: Path, *extra: str) -> tuple[subprocess.Popen[str], set[int]]:
    """Start a run far too long to finish; return it once its two workers exist."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pactsim.cli", "run", str(FLAGSHIP), "-n", "10000000000",
         "--seed", "1", "--workers", "2", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
        preexec_fn=_sigint_as_in_a_terminal)
    mine.procs.append(proc)
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"the run ended early: {proc.communicate()[1]}")
        kids = alive(descendants(proc.pid))
        mine.kids |= kids
        if len(leaves(kids)) >= 2:
            time.sleep(0.5)  # let the workers pick up chunks
            kids = alive(descendants(proc.pid))
            mine.kids |= kids
            return proc, kids
        time.sleep(0.05)
    pytest.fail("the workers did not start")


def test_sigterm_stops_the_run_its_workers_and_keeps_the_old_file(tmp_path, started):
    out = tmp_path / "forecast.json"
    out.write_text("old forecast\n")
    proc, kids = start_run(started, tmp_path, "--format", "json", "--out", str(out))
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 143, err
    assert err.strip().splitlines() == ["terminated"]
    assert wait_until_gone(kids) == set(), "worker processes outlived the run"
    assert out.read_text() == "old forecast\n"
    assert [p.name for p in tmp_path.iterdir()] == ["forecast.json"]


def test_sigint_stops_the_run_and_its_workers(tmp_path, started):
    proc, kids = start_run(started, tmp_path)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 130, err
    assert err.strip().splitlines() == ["interrupted"]
    assert wait_until_gone(kids) == set()


def test_a_killed_worker_is_one_line_and_exit_3(tmp_path, started):
    out = tmp_path / "forecast.json"
    out.write_text("old forecast\n")
    proc, kids = start_run(started, tmp_path, "--out", str(out))
    os.kill(min(leaves(kids)), signal.SIGKILL)
    _, err = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 3, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert "worker" in lines[0]
    assert wait_until_gone(kids) == set()
    assert out.read_text() == "old forecast\n"
    assert [p.name for p in tmp_path.iterdir()] == ["forecast.json"]


def test_sigkill_takes_the_workers_with_it(tmp_path, started):
    # pactsim.montecarlo's pool initializer asks Linux to kill a worker with its parent
    proc, kids = start_run(started, tmp_path)
    proc.kill()
    proc.wait()
    assert wait_until_gone(kids, deadline=10.0) == set()


def test_sigterm_under_debug_keeps_its_status(tmp_path, started):
    """--debug re-raised the interrupt: exit 1, check's status for findings."""
    proc, kids = start_run(started, tmp_path, "--debug")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 143, err
    assert "Traceback" in err and err.strip().splitlines()[-1] == "terminated"
    assert wait_until_gone(kids) == set()


# -- a signal while the options are read or a module is imported (review-cli, 2026-12-04)
def _run_in_process(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                    fake: object, argv: list[str]) -> tuple[int, str]:
    from pactsim import cli

    monkeypatch.setattr(cli, "_engine_limits", fake)  # what reading ``-n`` imports
    code = cli.main(argv)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_the_options_are_read_stops_cleanly(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        signum: int) -> None:
    """Ctrl-C in the first second (``-n`` imports the engine before the run starts)
    printed a traceback; now the same line and status as later in the run."""
    def fake() -> object:
        os.kill(os.getpid(), signum)  # the handler raises here, as in an import
        time.sleep(DEADLINE)  # (not reached)
        raise AssertionError("the signal was not delivered")

    code, err = _run_in_process(monkeypatch, capsys, fake,
                                ["run", str(FLAGSHIP), "-n", "1000", "--seed", "1"])
    want = ("terminated", 143) if signum == signal.SIGTERM else ("interrupted", 130)
    assert (err.strip().splitlines()[-1], code) == want
    assert "Traceback" not in err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers restored


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_turned_into_an_import_error_is_not_called_a_bug(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        signum: int) -> None:
    """A signal that arrives while a C extension initialises surfaces as its
    ImportError ("initialization failed"): reported as the signal, not as a bug (exit 4)."""
    def fake() -> object:
        try:
            os.kill(os.getpid(), signum)
            time.sleep(DEADLINE)
        except KeyboardInterrupt:
            raise ImportError("initialization failed") from None  # as the extension does
        raise AssertionError("the signal was not delivered")

    code, err = _run_in_process(monkeypatch, capsys, fake,
                                ["run", str(FLAGSHIP), "-n", "1000", "--seed", "1"])
    want = ("terminated", 143) if signum == signal.SIGTERM else ("interrupted", 130)
    assert (err.strip().splitlines()[-1], code) == want
    assert "internal error" not in err and "Traceback" not in err


def test_an_import_error_without_a_signal_is_still_a_bug(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def fake() -> object:
        raise ImportError("initialization failed")

    code, err = _run_in_process(monkeypatch, capsys, fake,
                                ["run", str(FLAGSHIP), "-n", "1000", "--seed", "1"])
    assert code == 4 and "internal error" in err
