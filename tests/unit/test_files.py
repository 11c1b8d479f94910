"""Reading a user's path (pactsim.language.files) and writing one (pactsim.views.files)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pactsim.errors import PactsimError
from pactsim.language.files import read_regular
from pactsim.views.files import check_target, write_atomic


def test_read_regular_reads_at_most_the_limit_plus_one_byte(tmp_path):
    f = tmp_path / "big.yaml"
    f.write_bytes(b"x" * 1000)
    assert read_regular(f, limit=10) == b"x" * 11
    assert read_regular(f, limit=5000) == b"x" * 1000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_read_regular_refuses_a_fifo_with_no_writer_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match=r"named pipe \(FIFO\), not a regular file"):
        read_regular(fifo, limit=10)


def test_read_regular_refuses_a_folder(tmp_path):
    with pytest.raises(IsADirectoryError, match="a folder, not a regular file"):
        read_regular(tmp_path, limit=10)


def test_read_regular_follows_symlinks_to_regular_files(tmp_path):
    (tmp_path / "real").write_bytes(b"abc")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert read_regular(tmp_path / "link", limit=10) == b"abc"


def test_write_atomic_replaces_the_content_and_keeps_the_mode(tmp_path):
    f = tmp_path / "out.txt"
    f.write_text("old")
    f.chmod(0o604)
    write_atomic(f, "new")
    assert f.read_text() == "new"
    assert stat.S_IMODE(f.stat().st_mode) == 0o604
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_atomic_removes_its_temporary_when_interrupted(tmp_path, monkeypatch):
    f = tmp_path / "out.txt"
    f.write_text("old")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(f, "new")
    assert f.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_atomic_names_the_target_in_os_errors(tmp_path, monkeypatch):
    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="Input/output error") as err:
        write_atomic(tmp_path / "out.txt", "new")
    assert err.value.filename == str(tmp_path / "out.txt")
    assert list(tmp_path.iterdir()) == []


def test_check_target_refuses_the_input_and_leaves_nothing_behind(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("a: 1\n")
    with pytest.raises(PactsimError, match="is the input"):
        check_target(mine, inputs=[mine])
    assert check_target(tmp_path / "other.json", inputs=[mine]) == str(tmp_path / "other.json")
    assert [p.name for p in tmp_path.iterdir()] == ["mine.yaml"]


def test_write_atomic_checks_the_target_again(tmp_path):
    (tmp_path / "d").mkdir()
    with pytest.raises(PactsimError, match="is a folder"):
        write_atomic(tmp_path / "d", "x")
    mine = tmp_path / "mine.yaml"
    mine.write_text("a: 1\n")
    with pytest.raises(PactsimError, match="is the input"):
        write_atomic(Path(os.path.relpath(mine)), "x", inputs=[str(mine)])
    assert mine.read_text() == "a: 1\n"
