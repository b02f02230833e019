"""The translatable texts of the code: every ``Message("...")`` literal (message templates
carry their own texts per language, datacapt.notifications.templates).
`python -m datacapt.i18n.extract` lists them; a test checks each catalog."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
# Built-in plugins speak through the same catalogs.
PLUGINS = PACKAGE.parent / "plugins"


def message_ids(roots: tuple[Path, ...] = (PACKAGE, PLUGINS)) -> set[str]:
    found: set[str] = set()
    for path in (p for root in roots for p in root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "Message"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


if __name__ == "__main__":
    for text in sorted(message_ids()):
        print(repr(text))
