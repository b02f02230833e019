"""A batch of ``--orders`` validated payment orders to a SEPA credit transfer file, in
process (the app's test client), one study, one payee per subject:

1. The export through the API, by its job run in process (end-to-end ids, the orders exported and audited, the
   pain.001.001.09 file made by sepaxml and checked against the XSD, the CSV, both stored
   with their hashes): seconds.
2. The SEPA file alone from the batch's content (made and XSD-checked) and the same rows
   written as CSV: seconds and peak memory (tracemalloc) of each.
3. The baseline, measured in the same run: reading the batch's orders and payees from the
   database alone.

    python bench/payments_sepa.py [--orders 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import tracemalloc
from decimal import Decimal

from _support import BENCH_PASSWORD, add_admin_and_study, bench_app, bench_database_url, emit

SCHEMA = "bench_payments"
TENANT_HOST = "payments.bench"
PAYEE = {
    "holder_name": "Jeanne Martin",
    "iban": "DE89370400440532013000",
    "bic": "COBADEFFXXX",
    "street_name": "Hauptstrasse",
    "building_number": "5",
    "postal_code": "10115",
    "town_name": "Berlin",
    "country": "DE",
}


def prepare(url: str, orders: int):
    """A tenant with payments, a study, ``orders`` subjects each with a payee and one
    validated order, and a debtor account (inserted directly: the setup is not timed)."""
    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.plugins.services import enable_plugin
    from datacapt.studies.services import add_study_center, create_center
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant
    from plugins.payments.batches.models import DebtorAccount
    from plugins.payments.orders.models import PaymentOrder
    from plugins.payments.payees.models import Payee
    from plugins.payments.plans.models import PaymentPlan, PlanVersion
    from plugins.subjects.models import Subject, SubjectInStudy

    app = bench_app(url)
    with app.app_context():
        create_tenant(SCHEMA, "Payments bench", [TENANT_HOST])
        enable_plugin(SCHEMA, "payments", "bench", with_deps=True)
        with tenant_context(SCHEMA):
            study = add_admin_and_study("admin@payments.bench", "PAY")
            center = create_center("PAR", "PAR", "FR")
            add_study_center(study, center.uuid)
            plan = PaymentPlan(study_id=study.id, code="V", name="Per visit")
            db.session.add(plan)
            db.session.flush()
            version = PlanVersion(
                study_id=study.id,
                plan_id=plan.id,
                number=1,
                kind="per_visit",
                currency="EUR",
                terms={},
            )
            db.session.add(version)
            db.session.add(
                DebtorAccount(
                    name="Sponsor",
                    iban="FR7630006000011234567890189",
                    bic="AGRIFRPP",
                    town_name="Paris",
                    country="FR",
                )
            )
            db.session.flush()
            subjects = (
                db.session.execute(
                    sa.insert(Subject).returning(Subject.id), [{} for _ in range(orders)]
                )
                .scalars()
                .all()
            )
            participations = (
                db.session.execute(
                    sa.insert(SubjectInStudy).returning(SubjectInStudy.id),
                    [
                        {
                            "study_id": study.id,
                            "subject_id": subject,
                            "center_id": center.id,
                            "study_subject_id": f"S{index:06d}",
                            "status": "included",
                        }
                        for index, subject in enumerate(subjects)
                    ],
                )
                .scalars()
                .all()
            )
            db.session.execute(
                sa.insert(Payee), [{"subject_id": subject, **PAYEE} for subject in subjects]
            )
            db.session.execute(
                sa.insert(PaymentOrder),
                [
                    {
                        "study_id": study.id,
                        "subject_in_study_id": participation,
                        "plan_id": plan.id,
                        "plan_version_id": version.id,
                        "kind": "visit",
                        "occurrence": f"visit:{index}",
                        "currency": "EUR",
                        "planned_amount": Decimal("25.00") + index % 7,
                        "amount": Decimal("25.00") + index % 7,
                        "status": "validated",
                    }
                    for index, participation in enumerate(participations)
                ],
            )
            db.session.commit()
    return app


def measured(work):
    """``work()``'s answer, its seconds, and its peak traced memory (MiB) in a second run
    (tracing slows Python many times over: the seconds come from the untraced run)."""
    started = time.perf_counter()
    answer = work()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return answer, seconds, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=10000)
    args = parser.parse_args()

    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.tenancy.context import tenant_context
    from plugins.payments.batches import services
    from plugins.payments.batches.csv_file import csv_file
    from plugins.payments.batches.models import PaymentBatch
    from plugins.payments.batches.sepa import sepa_file
    from plugins.payments.orders.models import PaymentOrder
    from plugins.payments.payees.models import Payee
    from plugins.subjects.models import SubjectInStudy

    app = prepare(bench_database_url(), args.orders)
    client = app.test_client()
    host = {"Host": TENANT_HOST}
    login = client.post(
        "/api/auth/login",
        json={"email": "admin@payments.bench", "password": BENCH_PASSWORD},
        headers=host,
    )
    auth = {**host, "Authorization": f"Bearer {login.json['token']}"}
    account = client.get("/api/payments/debtor-accounts/", headers=auth).json[0]["uuid"]
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    batch = client.post(
        "/api/payments/batches/",
        json={"debtor_account": account, "currency": "EUR", "execution_date": tomorrow},
        headers=auth,
    )
    assert batch.status_code == 201, batch.json
    assert batch.json["orders"]["count"] == args.orders

    started = time.perf_counter()
    exported = client.post(f"/api/payments/batches/{batch.json['uuid']}/export", headers=auth)
    export_seconds = time.perf_counter() - started
    assert exported.status_code == 200, exported.json
    # Over 1,000 orders a job exports; without Redis it ran in process after the request.
    done = client.get(f"/api/payments/batches/{batch.json['uuid']}", headers=auth).json
    assert done["status"] == "exported", done
    sepa_size = next(f["size"] for f in done["files"] if f["format"] == "sepa")

    with app.app_context(), tenant_context(SCHEMA):
        started = time.perf_counter()
        rows = db.session.execute(
            sa.select(PaymentOrder, Payee)
            .join(SubjectInStudy, SubjectInStudy.id == PaymentOrder.subject_in_study_id)
            .join(Payee, Payee.subject_id == SubjectInStudy.subject_id)
            .where(PaymentOrder.batch_id.is_not(None))
        ).all()
        read_seconds = time.perf_counter() - started
        assert len(rows) == args.orders
        exported_batch = db.session.execute(sa.select(PaymentBatch)).scalar_one()
        orders = services.batch_orders(exported_batch)
        content = services.batch_content(exported_batch, orders, exported_batch.exported_at)
        sepa, sepa_seconds, sepa_peak = measured(lambda: sepa_file(content))
        table, csv_seconds, csv_peak = measured(lambda: csv_file(content))
        db.session.rollback()
    assert sepa.count(b"<CdtTrfTxInf>") == args.orders and table.count(b"\r\n") == args.orders + 1

    emit(
        {
            "orders": args.orders,
            "export_request_and_job_seconds": round(export_seconds, 2),
            "sepa_file_bytes": sepa_size,
            "sepa_make_and_validate_seconds": round(sepa_seconds, 2),
            "sepa_peak_memory_mib": round(sepa_peak, 1),
            "csv_same_rows_seconds": round(csv_seconds, 3),
            "csv_peak_memory_mib": round(csv_peak, 1),
            "baseline_db_read_seconds": round(read_seconds, 3),
            "export_over_db_read": round(export_seconds / read_seconds, 1),
            "sepa_over_csv": round(sepa_seconds / csv_seconds, 1),
        }
    )


if __name__ == "__main__":
    main()
