"""A pgbouncer of the test run's own, in transaction-pooling mode, in front of the test
database server (DATACAPT_TEST_PGBOUNCER=1, as in CI): the app, its jobs and migrations then
reach PostgreSQL the way a pooled deployment does, which proves they keep no session state."""

from __future__ import annotations

import atexit
import gc
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2  # type: ignore[import-untyped]  # the admin console takes no SQLAlchemy set-up
import sqlalchemy as sa

# Debian installs it outside an ordinary user's PATH.
_BINARY_FALLBACK = "/usr/sbin/pgbouncer"
_STARTUP_SECONDS = 10.0
_proxies: dict[tuple[str, int], int] = {}


def pgbouncer_requested() -> bool:
    return os.environ.get("DATACAPT_TEST_PGBOUNCER", "") not in ("", "0")


def through_pgbouncer(url: str) -> str:
    """``url`` rewritten to reach its database through this process's pgbouncer, which is
    started for its server on first use and stopped when the process exits."""
    named = sa.engine.make_url(url)
    server = (named.host or "127.0.0.1", named.port or 5432)
    port = _proxies.get(server)
    if port is None:
        port = _proxies[server] = _start(named)
    return named.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


def direct_url(url: str) -> str:
    """``url`` reaching its database on the server itself when it goes through this
    process's pgbouncer (for a test of the client's own pool), else ``url`` unchanged."""
    named = sa.engine.make_url(url)
    for (host, port), proxy in _proxies.items():
        if named.port == proxy:
            return named.set(host=host, port=port).render_as_string(hide_password=False)
    return url


def drop_client_connections(url: str) -> None:
    """Cut every connection to ``url``'s database through its pgbouncer, as a database
    outage cuts them (terminating server backends does not: pgbouncer hands the next
    transaction a live one), then let new connections in."""
    if direct_url(url) == url:
        return  # not through pgbouncer: the server's own terminations cut it already
    named = sa.engine.make_url(url)
    console = psycopg2.connect(
        host=named.host, port=named.port, dbname="pgbouncer", user=named.username or "postgres"
    )
    console.autocommit = True  # the admin console runs no transactions
    try:
        with console.cursor() as cursor:
            cursor.execute(f"KILL {named.database}")
            cursor.execute(f"RESUME {named.database}")
    finally:
        console.close()
    _discard_idle_connections()


def _discard_idle_connections() -> None:
    """KILL cuts every client of the database, the idle connections of the process's other
    apps too, which later tests would each meet once: only the connections in use when
    the cut came are left to feel it, as the test means."""
    for found in gc.get_objects():
        if isinstance(found, sa.pool.QueuePool):
            found.dispose()


def _ini(server: sa.engine.URL, port: int, directory: Path) -> str:
    # auth_type "any" needs each database to log in as a given user: the test URL's.
    login = f" user={server.username or 'postgres'}"
    if server.password:
        login += f" password={server.password}"
    # skip_commit_flush's setting, on every server connection from the first (which may
    # open before it is set for the database, and then serve the whole run)
    setting = " connect_query='SET synchronous_commit = off'"
    return f"""[databases]
* = host={server.host or "127.0.0.1"} port={server.port or 5432}{login}{setting}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = any
; tests cut connections through the admin console (drop_client_connections)
admin_users = {server.username or "postgres"}
pool_mode = transaction
; a test may hold a transaction open on several connections at once (threads, a job
; run inside a request's test, a lock waited for): the pool must not be what they wait on
default_pool_size = 40
max_client_conn = 2000
; the pool hands server connections between clients at transaction boundaries only:
; no reset query is run between them, as in production
server_reset_query =
logfile = {directory / "pgbouncer.log"}
log_connections = 0
log_disconnections = 0
"""


def _start(server: sa.engine.URL) -> int:
    binary = shutil.which("pgbouncer") or _BINARY_FALLBACK
    if not Path(binary).exists():
        raise RuntimeError(
            "DATACAPT_TEST_PGBOUNCER=1 but pgbouncer is not installed (`make pgbouncer`)"
        )
    directory = Path(tempfile.mkdtemp(prefix="datacapt-pgbouncer-"))
    port = _free_port()
    ini = directory / "pgbouncer.ini"
    ini.write_text(_ini(server, port, directory))
    process = subprocess.Popen(
        [binary, "--quiet", *_unprivileged_user(directory), str(ini)], stdin=subprocess.DEVNULL
    )
    atexit.register(_stop, process, directory)
    _wait_listening(port, process, directory)
    return port


def _unprivileged_user(directory: Path) -> list[str]:
    """pgbouncer refuses to run as root: there it runs as an ordinary user owning its files."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        try:
            account = pwd.getpwnam(name)
        except KeyError:
            continue
        os.chown(directory, account.pw_uid, account.pw_gid)
        return ["--user", name]
    raise RuntimeError("pgbouncer cannot run as root and no ordinary user was found")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_listening(port: int, process: subprocess.Popen[bytes], directory: Path) -> None:
    deadline = time.monotonic() + _STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    log = directory / "pgbouncer.log"
    raise RuntimeError(
        f"pgbouncer did not start on port {port}: "
        + (log.read_text()[-2000:] if log.exists() else "no log")
    )


def _stop(process: subprocess.Popen[bytes], directory: Path) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
    shutil.rmtree(directory, ignore_errors=True)
