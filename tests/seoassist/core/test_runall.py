"""Tests for how ``manage.py runall`` stops the processes it started."""
from __future__ import annotations

import io
import signal
import subprocess
import sys
import time
from pathlib import Path

from seoassist.core.management.commands.runall import Command

# A child that writes the name of the first stop signal it receives, then exits.
CHILD = """
import signal, sys, time
path = sys.argv[1]
def record(signum, frame):
    with open(path, "a") as handle:
        handle.write(signal.Signals(signum).name + "\\n")
    sys.exit(0)
for stop_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT):
    signal.signal(stop_signal, record)
open(path + ".ready", "w").close()
while True:
    time.sleep(0.05)
"""


def _start_child(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    record = tmp_path / "signals.txt"
    process = subprocess.Popen([sys.executable, "-c", CHILD, str(record)])
    deadline = time.monotonic() + 10
    while not Path(f"{record}.ready").exists():
        assert time.monotonic() < deadline, "the child process did not start"
        time.sleep(0.05)
    return process, record


def _command() -> Command:
    return Command(stdout=io.StringIO(), stderr=io.StringIO())


class RunallStopTests:
    def test_interrupt_lets_children_stop_first(self, tmp_path):
        process, record = _start_child(tmp_path)
        # The terminal's Ctrl-C reaches the child as well as runall.
        process.send_signal(signal.SIGINT)

        _command()._stop_all({"worker": process}, interrupted=True)

        assert process.returncode == 0
        assert record.read_text().split() == ["SIGINT"]

    def test_terminated_runall_sends_sigterm(self, tmp_path):
        process, record = _start_child(tmp_path)

        _command()._stop_all({"worker": process})

        assert process.returncode == 0
        assert record.read_text().split() == ["SIGTERM"]
