"""One ePRO cron tick over many tenants, each with occurrences due: seconds for the tick to
enqueue every invitation (fan-out, then each tenant's send_due), and seconds for the
workers to deliver them through the file backends. Jobs go through the Redis of
BENCH_REDIS_URL (default: database 14 of the local Redis) to `flask jobs worker` processes.

The baseline, measured in the same run, is the file backend alone writing as many
messages: what delivery costs beyond the writing itself is the platform's share.

    python bench/epro.py [--tenants 200] [--due 100] [--workers 2] [--channels email]
                         [--no-fork | --jobs-per-horse N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

from _support import (
    ROOT,
    add_worker_mode_arguments,
    bench_app,
    bench_database_url,
    create_bench_tenants,
    emit,
    worker_mode,
)

OUT = ROOT / "var" / "bench-epro"
DIARY_BLOCKS = [
    {"kind": "question", "code": "pain", "type": "scale", "required": True,
     "options": {"min": 0, "max": 10}},
]  # fmt: skip


def seed_due(count: int, channels: list[str], now: dt.datetime) -> None:
    """A study with a questionnaire and ``count`` included subjects whose occurrence opened a
    minute ago (inside a tenant context). Written in bulk: the bench measures the tick."""
    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.studies.models import Study, StudyCenter
    from plugins.epro.models import Occurrence, OccurrenceStatus, Questionnaire
    from plugins.subjects.models import Subject, SubjectInStudy, SubjectPersonalData

    study = Study(reference="EPRO-BENCH", name="ePRO bench", status="live")
    center = StudyCenter(code="C1", name="Center", country="FR")
    db.session.add_all([study, center])
    db.session.flush()
    questionnaire = Questionnaire(
        study_id=study.id,
        code="DIARY",
        title={"en": "Diary"},
        blocks=DIARY_BLOCKS,
        channels=channels,
        schedule={"days": [0], "send_time": "09:00", "window_hours": 24, "available_hours": 48},
        reminders={},
        active=True,
    )
    db.session.add(questionnaire)
    db.session.flush()
    subject_ids = db.session.scalars(
        sa.insert(Subject).returning(Subject.id, sort_by_parameter_order=True),
        [{} for _ in range(count)],
    ).all()
    db.session.execute(
        sa.insert(SubjectPersonalData),
        [
            {"subject_id": s, "email": f"s{s}@bench.example", "phone": f"+3360000{s:04d}"}
            for s in subject_ids
        ],
    )
    participation_ids = db.session.scalars(
        sa.insert(SubjectInStudy).returning(SubjectInStudy.id, sort_by_parameter_order=True),
        [
            {
                "study_id": study.id,
                "subject_id": s,
                "center_id": center.id,
                "study_subject_id": f"S{i:04d}",
                "status": "included",
                "inclusion_date": now.date(),
            }
            for i, s in enumerate(subject_ids)
        ],
    ).all()
    opened = now - dt.timedelta(minutes=1)
    db.session.execute(
        sa.insert(Occurrence),
        [
            {
                "study_id": study.id,
                "questionnaire_id": questionnaire.id,
                "subject_in_study_id": p,
                "day": 0,
                "status": OccurrenceStatus.SCHEDULED,
                "opens_at": opened,
                "due_at": opened + dt.timedelta(days=1),
                "closes_at": opened + dt.timedelta(days=2),
                "next_send_at": opened,
                "reminders_sent": 0,
            }
            for p in participation_ids
        ],
    )
    db.session.commit()


def backend_alone(emails: int, sms: int) -> float:
    """Seconds for the file backends to write as many emails and SMS like the invitations."""
    from email.utils import make_msgid

    from datacapt.mail.backends import FileBackend as MailFiles
    from datacapt.sms.backends import FileBackend as SmsFiles

    mail, texts = MailFiles(OUT / "baseline" / "mail"), SmsFiles(OUT / "baseline" / "sms")
    started = time.perf_counter()
    for i in range(emails):
        mime = EmailMessage()
        mime["From"], mime["To"] = "Datacapt <no-reply@localhost>", f"s{i}@bench.example"
        mime["Subject"] = "Your questionnaire: Diary"
        mime["Message-ID"] = make_msgid(idstring=f"{i:08d}", domain="datacapt")
        mime.set_content(f"Hello,\n\nYour questionnaire is ready:\n\nhttp://x/epro/{i:043d}")
        mail.send(mime)
    for i in range(sms):
        texts.send(f"+3360000{i:04d}", f"Your questionnaire is ready: http://x/epro/{i:043d}", "B")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=200)
    parser.add_argument("--due", type=int, default=100, help="occurrences due per tenant")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--channels", default="email", help="email, sms or email,sms")
    add_worker_mode_arguments(parser)
    args = parser.parse_args()
    channels = args.channels.split(",")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

    import sqlalchemy as sa
    from redis import Redis

    from datacapt.database import db, utcnow
    from datacapt.jobs.cron import tick
    from datacapt.jobs.models import JobRun
    from datacapt.notifications import Notification
    from datacapt.plugins.services import enable_plugin
    from datacapt.tenancy import tenant_context

    shutil.rmtree(OUT, ignore_errors=True)
    mail_url, sms_url = f"file://{OUT / 'mail'}", f"file://{OUT / 'sms'}"
    url = bench_database_url()
    Redis.from_url(redis_url).flushdb()
    app = bench_app(url, redis_url=redis_url, mail_url=mail_url, sms_url=sms_url)
    setup_started = time.perf_counter()
    with app.app_context():
        schemas = create_bench_tenants(args.tenants)
        now = utcnow()
        for schema in schemas:
            enable_plugin(schema, "epro", "bench", with_deps=True)
            with tenant_context(schema):
                seed_due(args.due, channels, now)
        setup = time.perf_counter() - setup_started

        tick_started = time.perf_counter()
        fanned_out = tick("plugins.epro.delivery.send_due", "epro")
        db.session.commit()  # the fan-out's jobs go to Redis on commit
        fan_out = time.perf_counter() - tick_started

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "MAIL_URL": mail_url,
        "SMS_URL": sms_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    worker = [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--burst"]
    mode_option, mode = worker_mode(args)
    worker.append(mode_option)
    workers = [subprocess.Popen(worker, cwd=ROOT, env=env) for _ in range(args.workers)]
    for process in workers:
        process.wait()

    with app.app_context():

        def span(func: str) -> tuple[dt.datetime, dt.datetime, int]:
            return db.session.execute(
                sa.select(
                    sa.func.min(JobRun.started_at),
                    sa.func.max(JobRun.finished_at),
                    sa.func.count(),
                ).where(JobRun.func == func, JobRun.status == "succeeded")
            ).one()

        send_first, send_last, send_jobs = span("plugins.epro.delivery.send_due")
        deliver_first, deliver_last, deliver_jobs = span(
            "datacapt.notifications.delivery.deliver_notifications"
        )
        sent = {channel: 0 for channel in ("email", "sms")}
        for schema in schemas:
            with tenant_context(schema):
                for channel, count in db.session.execute(
                    sa.select(Notification.channel, sa.func.count())
                    .where(Notification.state == "sent")
                    .group_by(Notification.channel)
                ):
                    sent[channel] += count
    expected = args.tenants * args.due * len(channels)
    files = sum(1 for _ in Path(OUT).glob("*/*.*"))
    enqueue_seconds = fan_out + (send_last - send_first).total_seconds()
    deliver_seconds = (deliver_last - deliver_first).total_seconds()
    baseline = backend_alone(sent["email"], sent["sms"])
    sent_total = sum(sent.values())
    emit(
        {
            "tenants": args.tenants,
            "due_per_tenant": args.due,
            "channels": channels,
            "workers": args.workers,
            "worker_mode": mode,
            "setup_seconds": round(setup, 1),
            "tenants_ticked": fanned_out,
            "send_due_jobs": send_jobs,
            "deliver_jobs": deliver_jobs,
            "messages_sent": sent_total,
            "messages_expected": expected,
            "files_written": files,
            "fan_out_seconds": round(fan_out, 3),
            "enqueue_seconds": round(enqueue_seconds, 2),
            "deliver_seconds": round(deliver_seconds, 2),
            "messages_per_second": round(sent_total / deliver_seconds, 1),
            "baseline_backend_alone_seconds": round(baseline, 2),
            "deliver_vs_backend_alone": round(deliver_seconds / baseline, 2),
        }
    )


if __name__ == "__main__":
    main()
