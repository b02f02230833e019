"""Start-up stays light: the heavy libraries a few features use (data frames, workbooks,
statistical files, PDFs, charts, calendars, statistics) load when first used, not when
the app is built (every CLI command pays for what create_app() imports)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("pandas", "openpyxl", "pyreadstat", "pypdf", "pygal", "xlsxwriter", "icalendar", "scipy")

# Building the app opens no connection: an address nothing listens on will do.
BUILD = f"""
import json, sys
from datacapt import create_app
create_app({{"database_url": "postgresql://nobody@127.0.0.1:9/none"}})
print(json.dumps(sorted(name for name in {HEAVY!r} if name in sys.modules)))
"""


def test_building_the_app_with_every_plugin_imports_no_heavy_library():
    env = {key: value for key, value in os.environ.items() if key != "DATACAPT_PLUGINS"}
    done = subprocess.run(
        [sys.executable, "-c", BUILD], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout.splitlines()[-1]) == []
