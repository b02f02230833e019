"""The frontend client: TypeScript types generated from the served API description with
openapi-typescript, and clients/typescript/usage.ts type-checked against them (`npm run
check`, versions pinned by its package-lock.json). Skipped where npm is missing, except
in CI, where the check must run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CLIENT = Path(__file__).resolve().parent.parent / "clients" / "typescript"


def npm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["npm", *args], cwd=CLIENT, capture_output=True, text=True, timeout=300, check=False
    )


def test_generated_client_types_check_against_the_served_description(client):
    if shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("npm is missing in CI: the generated client must be checked there")
        pytest.skip("npm is not installed: the generated TypeScript client is not checked")
    spec = client.get("/api/openapi.json").json
    (CLIENT / "openapi.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    installed = npm("ci", "--no-audit", "--no-fund")
    assert installed.returncode == 0, installed.stderr
    checked = npm("run", "--silent", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
