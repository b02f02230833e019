"""The embedded PostgreSQL (pgserver) used when DATABASE_URL is not set."""

from __future__ import annotations

import atexit
import logging
import os
import signal
import threading
import warnings
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def embedded_database_url(var_dir: Path, data_dir_name: str = "pgdata") -> str:
    """Start (or join) the private server whose data lives in ``var_dir/data_dir_name``.

    The server listens only on a Unix socket and stops when the last process using it exits,
    also when that process is ended by SIGTERM or its partners were killed.
    """
    var_dir = var_dir.resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # pgserver's runtime directory falls back to /tmp without XDG_RUNTIME_DIR: harmless.
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(var_dir / data_dir_name, cleanup_mode="stop")
    _exit_on_sigterm()
    # Registered after pgserver's own exit handler, so it runs first (exit handlers run last
    # registered first): pgserver stops the server only when this process is the last one.
    atexit.register(_forget_dead_processes, server)
    log.info("Using the embedded PostgreSQL in %s", var_dir / data_dir_name)
    return server.get_uri()


def _exit_on_sigterm() -> None:
    """Let SIGTERM (`kill`, a shell's trap) exit through the exit handlers that stop the
    server; Python's default ends the process without them."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _raise_system_exit)


def _raise_system_exit(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def _forget_dead_processes(server: Any) -> None:
    """Drop the processes that died without leaving (SIGKILL, a crash) from the server's
    list of users, so that a live one's exit is not mistaken for not being the last."""
    import psutil

    handles = server.global_process_id_list
    for pid in handles.get():
        if pid != os.getpid() and not psutil.pid_exists(pid):
            handles.get_and_remove(pid)
