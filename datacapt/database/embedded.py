"""The embedded PostgreSQL (pgserver) used when DATABASE_URL is not set."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

log = logging.getLogger(__name__)


def embedded_database_url(var_dir: Path, data_dir_name: str = "pgdata") -> str:
    """Start (or join) the private server whose data lives in ``var_dir/data_dir_name``.

    The server listens only on a Unix socket and stops when the last process using it exits.
    """
    var_dir = var_dir.resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # pgserver's runtime directory falls back to /tmp without XDG_RUNTIME_DIR: harmless.
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(var_dir / data_dir_name, cleanup_mode="stop")
    log.info("Using the embedded PostgreSQL in %s", var_dir / data_dir_name)
    return server.get_uri()
