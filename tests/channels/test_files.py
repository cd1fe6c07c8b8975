"""``write_once``: a message's file appears whole, once, and is never overwritten."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from relance.channels.files import write_once
from relance.errors import ChannelError


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".writing-"))


def test_writes_the_file_in_a_new_folder_and_leaves_nothing_aside(tmp_path: Path) -> None:
    target = tmp_path / "out" / "message.eml"
    write_once(target, b"Subject: hello\r\n", "k1")
    assert target.read_bytes() == b"Subject: hello\r\n"
    assert _leftovers(target.parent) == []


def test_an_existing_file_is_kept_and_the_message_refused_for_good(tmp_path: Path) -> None:
    target = tmp_path / "message.eml"
    target.write_bytes(b"first")
    with pytest.raises(ChannelError, match="already exists: message k1") as caught:
        write_once(target, b"second", "k1")
    assert caught.value.permanent
    assert target.read_bytes() == b"first"
    assert _leftovers(tmp_path) == []


def test_a_file_made_while_writing_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer takes the name after the content is written: a check before a
    rename would let this one overwrite it."""
    target = tmp_path / "message.eml"
    real_fsync = os.fsync

    def fsync_then_race(descriptor: int) -> None:
        real_fsync(descriptor)
        if not target.exists() and stat.S_ISREG(os.fstat(descriptor).st_mode):
            target.write_bytes(b"the other writer's")

    monkeypatch.setattr(os, "fsync", fsync_then_race)
    with pytest.raises(ChannelError, match="already exists"):
        write_once(target, b"ours", "k1")
    assert target.read_bytes() == b"the other writer's"
    assert _leftovers(tmp_path) == []


def test_the_folder_is_synced_after_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def record(descriptor: int) -> None:
        synced.append("folder" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "file")
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", record)
    write_once(tmp_path / "message.eml", b"x", "k1")
    assert synced == ["file", "folder"]


@pytest.mark.parametrize("code", [errno.EPERM, errno.EOPNOTSUPP, errno.EINVAL])
def test_without_hard_links_the_file_is_renamed_into_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    def no_links(_source: str, _target: Path) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "message.eml"
    write_once(target, b"content", "k1")
    assert target.read_bytes() == b"content"
    assert _leftovers(tmp_path) == []
    with pytest.raises(ChannelError, match="already exists"):
        write_once(target, b"again", "k1")
    assert target.read_bytes() == b"content"


def test_a_failed_write_leaves_neither_the_file_nor_its_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    target = tmp_path / "message.eml"
    with pytest.raises(ChannelError, match=f"cannot write to {tmp_path}: No space left"):
        write_once(target, b"content", "k1")
    assert not target.exists()
    assert _leftovers(tmp_path) == []


def test_a_folder_that_cannot_be_synced_leaves_the_message_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Some filesystems refuse to sync a folder: the file is there, the message went."""
    real_fsync = os.fsync

    def no_folder_sync(descriptor: int) -> None:
        if stat.S_ISDIR(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", no_folder_sync)
    target = tmp_path / "message.eml"
    write_once(target, b"content", "k1")
    assert target.read_bytes() == b"content"
    assert _leftovers(tmp_path) == []
    assert f"cannot sync the folder {tmp_path}: Invalid argument" in caplog.text
