"""Writing a batch of messages to the outbox folder: each whole under its name, a failure
kept to its own message, a message already there left alone, and a forked process able to
write its own batch."""

from __future__ import annotations

import os
import signal
import time

import pytest

from engine.actions import mail, mailfiles


@pytest.fixture(params=["unnamed", "named"])
def file_kind(request, monkeypatch):
    """Both ways a file is made nameless until whole: an unnamed file linked under its
    name (Linux), or a temporary file renamed (elsewhere, or where linking is refused)."""
    if request.param == "named" or not mailfiles._UNNAMED:
        monkeypatch.setattr(mailfiles, "_UNNAMED", 0)
    return request.param


def test_a_batch_is_written_whole_and_a_failure_stays_with_its_message(tmp_path, file_kind):
    outbox = tmp_path / "outbox"
    (outbox / "taken.eml").parent.mkdir()
    (outbox / "taken.eml").write_bytes(b"first")

    written = mail.write_messages(
        outbox,
        [("one", b"1" * 5000), ("missing/two", b"2"), ("taken", b"second"), ("three", b"3")],
    )

    assert written[0] == outbox / "one.eml" and written[3] == outbox / "three.eml"
    assert isinstance(written[1], OSError)
    assert written[2] == outbox / "taken.eml"
    assert (outbox / "one.eml").read_bytes() == b"1" * 5000
    assert (outbox / "taken.eml").read_bytes() == b"first"  # never written twice
    assert sorted(p.name for p in outbox.iterdir()) == ["one.eml", "taken.eml", "three.eml"]


def test_a_forked_process_writes_its_own_batch(tmp_path, file_kind):
    # given a process that has written a batch (its sync threads are running) and forked
    assert all(mail.write_messages(tmp_path, [("a", b"1"), ("b", b"2")]))
    child = os.fork()
    if child == 0:  # the child: write a batch, report by exit status
        written = mail.write_messages(tmp_path, [("c", b"3"), ("d", b"4")])
        os._exit(0 if all(not isinstance(w, OSError) for w in written) else 1)

    # then the child's batch is written (a pool whose threads stayed in the parent would
    # never have synced it)
    assert _exit_code(child, within=60.0) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.eml", "b.eml", "c.eml", "d.eml"]


def _exit_code(pid: int, within: float) -> int | None:
    """The child's exit code, or None (and the child killed) if it hangs (a hang guard)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def test_a_folder_that_refuses_to_link_unnamed_files_gets_them_by_rename(tmp_path, monkeypatch):
    # given a system where naming an unnamed file is refused (as without /proc)
    real_link = os.link

    def refused(source, target, **kwargs):
        if str(source).startswith("/proc/self/fd/"):
            raise PermissionError(1, "Operation not permitted")
        return real_link(source, target, **kwargs)

    monkeypatch.setattr(mailfiles.os, "link", refused)
    monkeypatch.setattr(mailfiles, "_no_unnamed", set())

    # when a batch is written, then another
    first = mail.write_messages(tmp_path, [("a", b"1"), ("b", b"22")])
    second = mail.write_messages(tmp_path, [("c", b"333")])

    # then every message is there whole, with no temporary file left behind
    assert first == [tmp_path / "a.eml", tmp_path / "b.eml"] and second == [tmp_path / "c.eml"]
    assert [(tmp_path / f"{k}.eml").read_bytes() for k in "abc"] == [b"1", b"22", b"333"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.eml", "b.eml", "c.eml"]
