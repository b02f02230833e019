"""The baseline of bench/access.py: a bare Flask endpoint doing one primary-key SELECT with
psycopg2 on the same table, with no tenancy, authentication or permission check."""

from __future__ import annotations

import os
import threading

import psycopg2
from flask import Flask, jsonify

app = Flask("bare")
SCHEMA = os.environ["BENCH_SCHEMA"]
_local = threading.local()


def connection():
    if not hasattr(_local, "connection"):
        _local.connection = psycopg2.connect(os.environ["BENCH_DATABASE_URL"])
        _local.connection.autocommit = True
    return _local.connection


@app.get("/studies/<int:study_id>")
def study(study_id: int):
    with connection().cursor() as cursor:
        cursor.execute(
            f'SELECT uuid, reference, name, status FROM "{SCHEMA}".studies WHERE id = %s',
            (study_id,),
        )
        uuid, reference, name, status = cursor.fetchone()
    return jsonify(uuid=str(uuid), reference=reference, name=name, status=status)
