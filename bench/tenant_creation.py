"""Creating a tenant with every plugin enabled, per tenant, against same-run baselines.

- baseline: CREATE SCHEMA of an empty schema in its own transaction;
- core: `create_tenant` (rows, schema, the core lineage);
- every plugin: `create_tenant` then `enable_plugin` of each loaded plugin (its lineage
  run in the tenant's schema), what a customer with every module costs;
- each first of the process (the core's, every plugin's) runs Alembic and records its
  statements, the next ones run the recording (docs/migrations.md): both are shown;
- every plugin from a spare: the same creation (`create_tenant_with_plugins`) when a spare
  schema built for every plugin waits (`flask tenants spares fill --every-plugin`): the
  rename, the records and the enabled hooks; building the spares is timed apart (the work
  moved ahead of the creation, not saved).

    python bench/tenant_creation.py --tenants 5
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from _support import bench_app, bench_database_url, emit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=5)
    args = parser.parse_args()

    from datacapt.database import db
    from datacapt.plugins.provisioning import create_tenant_with_plugins, prepare_spares
    from datacapt.plugins.services import enable_plugin, plugin_set
    from datacapt.tenancy.services import create_tenant
    from datacapt.testing.database import reset_database

    url = bench_database_url()
    app = bench_app(url)
    count = args.tenants
    with app.app_context():
        names = list(plugin_set().plugins)
        started = time.perf_counter()
        for index in range(count):
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"CREATE SCHEMA empty_{index:03d}")
        empty = (time.perf_counter() - started) / count

        core = _timed(
            count, lambda index: create_tenant(f"core_{index:03d}", "Core", [f"core-{index}.bench"])
        )

        def every_plugin(index: int) -> None:
            schema = f"every_{index:03d}"
            create_tenant(schema, "Every", [f"every-{index}.bench"])
            for name in names:
                enable_plugin(schema, name, "bench", with_deps=True)

        every = _timed(count, every_plugin)

        started = time.perf_counter()
        prepare_spares(names, count)
        spare_built = (time.perf_counter() - started) / count
        db.session.remove()
        from_spare = _timed(
            count,
            lambda index: create_tenant_with_plugins(
                f"taken_{index:03d}",
                "Taken",
                [f"taken-{index}.bench"],
                names,
                "bench",
            ),
        )
        db.session.remove()  # its transaction would hold the locks the reset waits for
        reset_database(db.engine)
    emit(
        {
            "tenants": count,
            "plugins": len(names),
            "baseline_create_schema_ms": round(empty * 1000, 1),
            "create_core_first_ms": round(core[0] * 1000, 1),
            "create_core_next_ms": round(core[1] * 1000, 1),
            "create_every_plugin_first_ms": round(every[0] * 1000, 1),
            "create_every_plugin_next_ms": round(every[1] * 1000, 1),
            "every_plugin_next_vs_first_ratio": round(every[1] / every[0], 3),
            "every_plugin_next_vs_create_schema_ratio": round(every[1] / empty, 1),
            "spare_build_ms": round(spare_built * 1000, 1),
            "create_every_plugin_from_spare_first_ms": round(from_spare[0] * 1000, 1),
            "create_every_plugin_from_spare_next_ms": round(from_spare[1] * 1000, 1),
            "from_spare_vs_create_schema_ratio": round(from_spare[1] / empty, 1),
        }
    )


def _timed(count: int, create: Callable[[int], object]) -> tuple[float, float]:
    """Seconds of the first creation, and the mean of the next ``count - 1``."""
    started = time.perf_counter()
    create(0)
    first = time.perf_counter() - started
    started = time.perf_counter()
    for index in range(1, count):
        create(index)
    return first, (time.perf_counter() - started) / max(count - 1, 1)


if __name__ == "__main__":
    main()
