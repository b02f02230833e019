"""docs/plugins.md documents every hook, and only hooks that exist."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from datacapt.plugins import hookspecs

GUIDE = Path(__file__).parents[1] / "docs" / "plugins.md"


def hook_names() -> set[str]:
    return {
        name
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, "datacapt_spec")
    }


@pytest.mark.requirement("P11-11.10k")
def test_every_hook_has_a_section_with_its_signature_and_an_example():
    guide = GUIDE.read_text()
    for name in hook_names():
        assert f"### {name}\n" in guide, f"{name} has no section in docs/plugins.md"
        section = guide.split(f"### {name}\n", 1)[1].split("\n### ", 1)[0]
        signature_line = next(line for line in section.splitlines() if line.startswith(f"`{name}("))
        for parameter in inspect.signature(getattr(hookspecs, name)).parameters:
            assert f"{parameter}:" in signature_line, f"{name}: {parameter} undocumented"
        assert "```python" in section and f"def {name}(" in section, f"{name} has no example"


def test_the_guide_names_no_hook_that_does_not_exist():
    documented = set(re.findall(r"^### (datacapt_\w+)$", GUIDE.read_text(), flags=re.MULTILINE))
    assert documented == hook_names()
