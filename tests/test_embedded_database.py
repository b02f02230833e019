"""The embedded PostgreSQL stops with the last process that used it, however it ended."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

# Under the project's var/ (the server's own user must reach it; a private tmp dir is not).
VAR = Path(os.environ.get("DATACAPT_VAR_DIR", "var")).resolve()

USER = """
import sys, time
from pathlib import Path
from datacapt.database.embedded import embedded_database_url
embedded_database_url(Path(sys.argv[1]))
print("ready", flush=True)
if sys.argv[2] == "wait":
    time.sleep(60)
"""


def use(var_dir: Path, mode: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", USER, str(var_dir), mode], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def running(var_dir: Path) -> bool:
    return (var_dir / "pgdata" / "postmaster.pid").exists()


@pytest.fixture
def var_dir():
    path = VAR / f"embedded-{uuid.uuid4().hex[:8]}"
    yield path
    if running(path):  # what the test found left running
        from pgserver._commands import pg_ctl

        user = "pgserver" if os.geteuid() == 0 else None
        pg_ctl(["-w", "stop"], pgdata=path / "pgdata", user=user)
    shutil.rmtree(path, ignore_errors=True)


def wait_until_stopped(var_dir: Path, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while running(var_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    return not running(var_dir)


def test_a_process_ended_by_sigterm_stops_the_server(var_dir):
    process = use(var_dir, "wait")
    assert running(var_dir)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    assert wait_until_stopped(var_dir)


def test_a_killed_partner_does_not_keep_the_server_running(var_dir):
    killed = use(var_dir, "wait")
    killed.kill()
    killed.wait(timeout=30)
    last = use(var_dir, "exit")
    last.wait(timeout=30)
    assert wait_until_stopped(var_dir)
