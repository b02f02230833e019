"""Cold start of create_app(): a fresh interpreter importing the package and building the app.

Baseline in the same run: a fresh interpreter creating a bare Flask app with flask-smorest's
Api and Flask-SQLAlchemy (the frameworks alone).

    python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os

from _support import bench_database_url, emit, median, timed_subprocess

PLATFORM = "from datacapt import create_app; create_app()"
BARE = (
    "from flask import Flask; from flask_smorest import Api; from flask_sqlalchemy import SQLAlchemy;"
    "app = Flask('x'); app.config.update(API_TITLE='x', API_VERSION='1', OPENAPI_VERSION='3.1.0',"
    " SQLALCHEMY_DATABASE_URI='postgresql+psycopg2://u@/x'); Api(app); SQLAlchemy(app)"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    url = bench_database_url()  # started once here, so runs measure the app, not initdb
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    platform, bare = [], []
    for _ in range(args.runs):
        platform.append(timed_subprocess(PLATFORM, env))
        bare.append(timed_subprocess(BARE, env))
    emit(
        {
            "runs": args.runs,
            "create_app_cold_seconds": median(platform),
            "bare_frameworks_cold_seconds": median(bare),
            "ratio_vs_bare": round(median(platform) / median(bare), 3),
        }
    )


if __name__ == "__main__":
    main()
