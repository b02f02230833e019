"""The supply's periodic check, in process, on one study of ``--centers`` centers keeping
``--kit-types`` kit types each (a minimum of 5 and a target of 10, 8 usable kits of each
at every center; the setup is inserted directly and not timed):

1. The hourly check when every center is above its minimums (what it costs most hours),
   against reading the same counts alone in the same run: seconds of each.
2. The check right after every center fell below (one request, one warning and its
   email per center): seconds, once.
3. One center checked after a dispensing (what the signal adds to a dispensing): p50.

    python bench/allocation_supply.py [--centers 200] [--kit-types 4] [--rounds 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from decimal import Decimal

from _support import add_admin_and_study, bench_app, bench_database_url, emit

SCHEMA = "bench_supply"
KITS_PER_TYPE = 8


def prepare(url: str, centers: int, kit_types: int):
    """A tenant with allocation, a study of ``centers`` centers, ``kit_types`` kit types
    with their levels and ``KITS_PER_TYPE`` usable kits of each at every center."""
    from sqlalchemy.dialects.postgresql import insert

    from datacapt.database import db
    from datacapt.plugins.services import enable_plugin
    from datacapt.studies.services import add_study_center, create_center
    from datacapt.tenancy.context import tenant_context
    from datacapt.tenancy.services import create_tenant
    from plugins.allocation.kits.models import Kit, KitType
    from plugins.allocation.supply.models import StockLevel
    from plugins.product_database.api import Product, ProductKind, StudyProduct

    app = bench_app(url)
    with app.app_context():
        create_tenant(SCHEMA, "Supply bench", ["supply.bench"])
        enable_plugin(SCHEMA, "allocation", "bench", with_deps=True)
        with tenant_context(SCHEMA):
            study = add_admin_and_study("admin@supply.bench", "SUPPLY")
            sites = [
                create_center(f"C{index:03d}", f"Center {index}", "FR") for index in range(centers)
            ]
            for site in sites:
                add_study_center(study, site.uuid)
            types = []
            for index in range(kit_types):
                product = Product(name=f"Product {index}", kind=ProductKind.OTHER)
                db.session.add(product)
                db.session.flush()
                used = StudyProduct(study_id=study.id, product_id=product.id)
                db.session.add(used)
                db.session.flush()
                kit_type = KitType(
                    study_id=study.id,
                    code=f"KT-{index}",
                    name=f"Kit {index}",
                    study_product_id=used.id,
                    quantity=Decimal(1),
                    unit="box",
                )
                db.session.add(kit_type)
                db.session.flush()
                types.append(kit_type.id)
            expiry = dt.date.today() + dt.timedelta(days=700)
            kits, levels, sequence = [], [], 0
            for site in sites:
                for kit_type_id in types:
                    levels.append(
                        {
                            "study_id": study.id,
                            "center_id": site.id,
                            "kit_type_id": kit_type_id,
                            "inventory": "production",
                            "minimum": 5,
                            "target": 10,
                        }
                    )
                    for _ in range(KITS_PER_TYPE):
                        sequence += 1
                        kits.append(
                            {
                                "study_id": study.id,
                                "kit_type_id": kit_type_id,
                                "inventory": "production",
                                "number": f"K{sequence:07d}",
                                "sequence": sequence,
                                "expiry_date": expiry,
                                "status": "available",
                                "center_id": site.id,
                            }
                        )
            db.session.execute(insert(StockLevel), levels)
            db.session.execute(insert(Kit), kits)
            db.session.commit()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--centers", type=int, default=200)
    parser.add_argument("--kit-types", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import sqlalchemy as sa

    from datacapt.database import db
    from datacapt.studies.models import Study, StudyCenter
    from datacapt.tenancy.context import tenant_context
    from plugins.allocation.kits.models import Kit
    from plugins.allocation.supply import resupply
    from plugins.allocation.supply.jobs import check_supply
    from plugins.allocation.supply.models import Shipment

    app = prepare(bench_database_url(), args.centers, args.kit_types)

    quiet, counts = [], []
    for _ in range(args.rounds):
        with app.app_context(), tenant_context(SCHEMA):
            started = time.perf_counter()
            read = db.session.execute(
                sa.select(Kit.center_id, Kit.kit_type_id, sa.func.count())
                .where(Kit.status == "available")
                .group_by(Kit.center_id, Kit.kit_type_id)
            ).all()
            counts.append(time.perf_counter() - started)
            db.session.rollback()
            assert len(read) == args.centers * args.kit_types
            started = time.perf_counter()
            assert check_supply() == 0
            quiet.append(time.perf_counter() - started)
            db.session.rollback()

    with app.app_context(), tenant_context(SCHEMA):
        # Every center dispenses 4 kits of its first kit type: below its minimum of 5.
        first_type = db.session.scalar(sa.select(sa.func.min(Kit.kit_type_id)))
        rank = (
            sa.func.row_number()
            .over(partition_by=Kit.center_id, order_by=Kit.sequence)
            .label("rank")
        )
        ranked = sa.select(Kit.id, rank).where(Kit.kit_type_id == first_type).subquery()
        taken = sa.select(ranked.c.id).where(ranked.c.rank <= 4)
        db.session.execute(sa.update(Kit).where(Kit.id.in_(taken)).values(status="dispensed"))
        db.session.commit()
        started = time.perf_counter()
        changed = check_supply()
        db.session.commit()
        raising = time.perf_counter() - started
        assert changed == args.centers, changed
        assert db.session.scalar(sa.select(sa.func.count(Shipment.id))) == args.centers

        study = db.session.scalars(sa.select(Study)).one()
        center = db.session.scalars(sa.select(StudyCenter).order_by(StudyCenter.code)).first()
        assert center is not None
        one_center = []
        for _ in range(args.rounds * 4):
            started = time.perf_counter()
            resupply.check_center(study, center, "production")
            one_center.append(time.perf_counter() - started)
            db.session.rollback()
            study = db.session.scalars(sa.select(Study)).one()
            center = db.session.get(StudyCenter, center.id)

    emit(
        {
            "centers": args.centers,
            "kit_types": args.kit_types,
            "kits": args.centers * args.kit_types * KITS_PER_TYPE,
            "check_all_ok_seconds": round(statistics.median(quiet), 3),
            "counts_alone_seconds": round(statistics.median(counts), 3),
            "check_over_counts": round(statistics.median(quiet) / statistics.median(counts), 1),
            "check_raising_every_center_seconds": round(raising, 3),
            "one_center_after_dispensing_p50_ms": round(statistics.median(one_center) * 1000, 1),
            "rounds": args.rounds,
        }
    )


if __name__ == "__main__":
    main()
