"""What the report says it was made on: the release and the servers of the test run."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from datacapt.config.settings import psycopg2_url
from datacapt.testing.database import database_url_for_tests, redis_url_for_tests
from datacapt.version import __version__


@dataclass(frozen=True)
class Environment:
    version: str
    commit: str
    python: str
    system: str
    postgresql: str
    redis: str


def describe_environment(root: Path) -> Environment:
    return Environment(
        version=__version__,
        commit=_commit(root),
        python=f"{platform.python_implementation()} {platform.python_version()}",
        system=platform.platform(),
        postgresql=_postgresql(root),
        redis=_redis(),
    )


def _commit(root: Path) -> str:
    """The commit of the tree, said to carry changes when it has uncommitted ones."""
    try:
        commit = _git(root, "rev-parse", "HEAD")
        changed = _git(root, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git work tree)"
    return f"{commit} with uncommitted changes" if changed else commit


def _git(root: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", *arguments], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip()


def _postgresql(root: Path) -> str:
    """The server the suite runs on: DATACAPT_TEST_DATABASE_URL's, else the embedded one."""
    try:
        url = database_url_for_tests(Path(os.environ.get("DATACAPT_VAR_DIR", root / "var")))
        engine = sa.create_engine(psycopg2_url(url))
        try:
            with engine.connect() as connection:
                return str(connection.execute(sa.text("SHOW server_version")).scalar())
        finally:
            engine.dispose()
    except Exception as error:  # the report says so rather than fail: a run may lack the server
        return f"unknown ({type(error).__name__})"


def _redis() -> str:
    """DATACAPT_TEST_REDIS_URL's server, else the in-process fakeredis the suite uses."""
    url = redis_url_for_tests()
    try:
        if url:
            from redis import Redis

            return str(Redis.from_url(url).info("server")["redis_version"])
        import fakeredis

        return f"fakeredis {fakeredis.__version__} (in process)"
    except Exception as error:  # as above: an unreachable server is said, not fatal
        return f"unknown ({type(error).__name__})"
