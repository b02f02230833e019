"""The baselines of the HTTP benchmarks: bare Flask endpoints on psycopg2, with no tenancy,
authentication, permission check, validation or audit: one primary-key SELECT
(bench/access.py), one INSERT (bench/ecrf.py) and 50 rows in primary-key order
(bench/subject_list.py)."""

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


@app.get("/subjects/<int:study_id>")
def subjects(study_id: int):
    """The subject list's baseline: 50 subject rows of a study in primary-key order."""
    with connection().cursor() as cursor:
        cursor.execute(
            f'SELECT uuid, study_subject_id, status FROM "{SCHEMA}".subjects_in_studies'
            " WHERE study_id = %s ORDER BY id LIMIT 50",
            (study_id,),
        )
        rows = cursor.fetchall()
    return jsonify([{"uuid": str(u), "study_subject_id": s, "status": t} for u, s, t in rows])


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/answers")
def insert_answer():
    with connection().cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{SCHEMA}".bench_answers (value) VALUES (%s) RETURNING id', ("42",)
        )
        (new_id,) = cursor.fetchone()
    return jsonify(id=new_id), 201
