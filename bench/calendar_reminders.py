"""The calendar's reminder tick over many tenants, each with ``--appointments``
appointments whose reminder is due: seconds for the tick to enqueue every reminder (the
fan-out, then each tenant's send_due: the reminders locked, a notification recorded for
each and its delivery job put in the outbox, all committed), run here tenant after tenant
as a worker would. Delivery jobs go to the Redis of BENCH_REDIS_URL (not run).

The baseline, measured in the same run: inserting as many notification rows alone, in bulk,
in each tenant (what recording the messages costs at the least).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_calendar \\
        python bench/calendar_reminders.py [--tenants 200] [--appointments 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
import uuid

from _support import bench_app, bench_database_url, create_bench_tenants, emit


def seed_due(count: int, now: dt.datetime) -> None:
    """A study at one center with ``count`` subjects, each with an appointment whose "3h"
    reminder fell due a minute ago (inside a tenant context). Written in bulk: the bench
    measures the tick."""
    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.studies.models import Study, StudyCenter
    from plugins.calendar_app.appointments.models import Appointment
    from plugins.calendar_app.reminders.models import Reminder
    from plugins.subjects.models import Subject, SubjectInStudy, SubjectPersonalData

    study = Study(reference="CAL-BENCH", name="Calendar bench", status="live")
    center = StudyCenter(code="C1", name="Center", country="FR")
    db.session.add_all([study, center])
    db.session.flush()
    subjects = db.session.scalars(
        sa.insert(Subject).returning(Subject.id, sort_by_parameter_order=True),
        [{} for _ in range(count)],
    ).all()
    db.session.execute(
        sa.insert(SubjectPersonalData),
        [{"subject_id": s, "email": f"s{s}@bench.example"} for s in subjects],
    )
    participations = db.session.scalars(
        sa.insert(SubjectInStudy).returning(SubjectInStudy.id, sort_by_parameter_order=True),
        [
            {
                "study_id": study.id,
                "subject_id": s,
                "center_id": center.id,
                "study_subject_id": f"S{i:05d}",
                "status": "included",
                "inclusion_date": now.date(),
            }
            for i, s in enumerate(subjects)
        ],
    ).all()
    appointments = db.session.scalars(
        sa.insert(Appointment).returning(Appointment.id, sort_by_parameter_order=True),
        [
            {
                "uuid": uuid.uuid4(),
                "study_id": study.id,
                "center_id": center.id,
                "subject_in_study_id": p,
                "title": "Visit",
                # Hours ahead: a long setup of many tenants must not reach them.
                "starts_at": now + dt.timedelta(hours=3, minutes=i % 60),
                "ends_at": now + dt.timedelta(hours=3, minutes=30 + i % 60),
                "status": "planned",
            }
            for i, p in enumerate(participations)
        ],
    ).all()
    db.session.execute(
        sa.insert(Reminder),
        [
            {
                "appointment_id": a,
                "offset": "3h",
                "due_at": now - dt.timedelta(minutes=1),
                "state": "pending",
            }
            for a in appointments
        ],
    )
    db.session.commit()


def notifications_alone(schemas: list[str], count: int) -> float:
    """Seconds to insert ``count`` notification rows like the reminders' in each tenant."""
    import sqlalchemy as sa

    from datacapt.database import db, utcnow
    from datacapt.notifications import Notification
    from datacapt.tenancy import tenant_context

    started = time.perf_counter()
    for schema in schemas:
        with tenant_context(schema):
            now = utcnow()
            db.session.execute(
                sa.insert(Notification),
                [
                    {
                        "uuid": uuid.uuid4(),
                        "recipient_kind": "subject",
                        "recipient_id": uuid.uuid4(),
                        "channel": "email",
                        "template": "calendar_app.reminder",
                        "language": "en",
                        "address": f"s{i}@bench.example",
                        "subject": "Reminder: Visit on 2030-01-01 10:00",
                        "body": "This is a reminder of Visit on 2030-01-01 10:00 (Center).",
                        "state": "queued",
                        "attempts": 0,
                        "not_before": now,
                    }
                    for i in range(count)
                ],
            )
            db.session.commit()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=200)
    parser.add_argument("--appointments", type=int, default=1000, help="due per tenant")
    args = parser.parse_args()
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")

    import sqlalchemy as sa
    from redis import Redis

    from datacapt.database import db, utcnow
    from datacapt.jobs.cron import tick
    from datacapt.notifications import Notification
    from datacapt.plugins.services import enable_plugin
    from datacapt.tenancy import tenant_context
    from plugins.calendar_app.reminders.models import Reminder
    from plugins.calendar_app.reminders.services import send_due

    Redis.from_url(redis_url).flushdb()
    app = bench_app(bench_database_url(), redis_url=redis_url)
    setup_started = time.perf_counter()
    with app.app_context():
        schemas = create_bench_tenants(args.tenants)
        now = utcnow()
        for schema in schemas:
            enable_plugin(schema, "calendar_app", "bench", with_deps=True)
            with tenant_context(schema):
                seed_due(args.appointments, now)
        setup = time.perf_counter() - setup_started

        started = time.perf_counter()
        fanned_out = tick("plugins.calendar_app.reminders.services.send_due", "calendar_app")
        db.session.commit()  # the fan-out's jobs go to the outbox and Redis on commit
        fan_out = time.perf_counter() - started
        sent = 0
        started = time.perf_counter()
        for schema in schemas:  # what each tenant's job does, one after the other
            with tenant_context(schema):
                sent += send_due()
                db.session.commit()
        ticks = time.perf_counter() - started

        recorded = pending = 0
        for schema in schemas:
            with tenant_context(schema):
                recorded += db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
                pending += db.session.scalar(
                    sa.select(sa.func.count()).where(Reminder.state == "pending")
                )
        baseline = notifications_alone(schemas, args.appointments)
    expected = args.tenants * args.appointments
    assert sent == recorded == expected and pending == 0, (sent, recorded, pending)
    enqueue = fan_out + ticks
    emit(
        {
            "tenants": args.tenants,
            "appointments_per_tenant": args.appointments,
            "setup_seconds": round(setup, 1),
            "tenants_ticked": fanned_out,
            "reminders_enqueued": sent,
            "fan_out_seconds": round(fan_out, 3),
            "enqueue_seconds": round(enqueue, 2),
            "reminders_per_second": round(sent / enqueue, 1),
            "baseline_notification_rows_alone_seconds": round(baseline, 2),
            "enqueue_vs_rows_alone": round(enqueue / baseline, 2),
        }
    )


if __name__ == "__main__":
    main()
