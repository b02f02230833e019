"""Installing datacapt leaves pytest alone; projects opt into its fixtures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parents[1] / "examples" / "datacapt-hello"

# factory_boy is a test extra: a plain install lacks it, which this hides.
WITHOUT_FACTORY = (
    "import sys; sys.modules['factory'] = None; import pytest; sys.exit(pytest.main(sys.argv[1:]))"
)


def run_pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_FACTORY, "-p", "no:cacheprovider", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_project_without_the_test_extra_runs_its_tests(tmp_path):
    (tmp_path / "test_theirs.py").write_text("def test_theirs():\n    assert True\n")
    result = run_pytest(tmp_path, "-q")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_a_plugin_project_gets_the_fixtures_through_its_own_settings():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--fixtures", "tests"],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "client_as" in result.stdout and "enable_plugins" in result.stdout
