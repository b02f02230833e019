"""The plugin layer's cost: start-up with many plugins, and enabling one for many tenants.

1. create_app() in a fresh interpreter with the example plugin and N generated plugins
   (`flask plugins new`, made discoverable through their entry points) against the same
   with no plugin loaded (DATACAPT_PLUGINS=""), alternating, median of --runs each.
2. Enabling the example plugin (one migration) for --tenants tenants, one after another.

    python bench/plugins.py [--generated 20] [--runs 7] [--tenants 200]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from _support import (
    bench_app,
    bench_database_url,
    create_bench_tenants,
    emit,
    median,
    timed_subprocess,
)

STARTUP = "from datacapt import create_app; create_app()"


def install_generated(count: int, site: Path) -> None:
    """Scaffold ``count`` plugins and lay them out as installed distributions in ``site``."""
    from datacapt.plugins.scaffold import scaffold_plugin

    for index in range(count):
        name = f"gen{index:02d}"
        source = site.parent / "src" / name
        scaffold_plugin(name, source)
        shutil.copytree(source / f"datacapt_{name}", site / f"datacapt_{name}")
        dist_info = site / f"datacapt_{name}-0.1.0.dist-info"
        dist_info.mkdir()
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: datacapt-{name}\nVersion: 0.1.0\n"
        )
        (dist_info / "entry_points.txt").write_text(
            f"[datacapt.plugins]\n{name} = datacapt_{name}.plugin\n"
        )


def startup_figures(url: str, generated: int, runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        install_generated(generated, site)
        base = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
        base["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), base.get("PYTHONPATH")]))
        without = {**base, "DATACAPT_PLUGINS": ""}
        # The example and the generated ones only: the built-in plugins are left out of
        # both sides, so the difference is the plugin layer with these N + 1.
        names = ["hello", *(f"gen{index:02d}" for index in range(generated))]
        with_plugins = {**base, "DATACAPT_PLUGINS": ",".join(names)}
        timed_subprocess(STARTUP, with_plugins)  # warm the file system caches once
        bare, loaded = [], []
        for _ in range(runs):
            bare.append(timed_subprocess(STARTUP, without))
            loaded.append(timed_subprocess(STARTUP, with_plugins))
    return {
        "startup_no_plugins_seconds": median(bare),
        "startup_with_plugins_seconds": median(loaded),
        "plugin_layer_added_ms": round((median(loaded) - median(bare)) * 1000, 1),
        "startup_ratio": round(median(loaded) / median(bare), 3),
    }


def enable_figures(url: str, tenants: int) -> dict[str, float]:
    from datacapt.plugins.services import enable_plugin

    app = bench_app(url)
    with app.app_context():
        schemas = create_bench_tenants(tenants)
        started = time.perf_counter()
        for schema in schemas:
            enable_plugin(schema, "hello", "bench")
        seconds = time.perf_counter() - started
    return {
        "enable_tenants": tenants,
        "enable_total_seconds": round(seconds, 3),
        "enable_seconds_per_tenant": round(seconds / tenants, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--generated", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tenants", type=int, default=200)
    args = parser.parse_args()
    url = bench_database_url()
    figures = {"plugins_loaded": args.generated + 1, "runs": args.runs}
    figures.update(startup_figures(url, args.generated, args.runs))
    figures.update(enable_figures(url, args.tenants))
    emit(figures)


if __name__ == "__main__":
    main()
