"""What a version changes from another, as a re-consent shows it: a unified diff of the
text presented (static content, question labels, signers' statements) in each language."""

from __future__ import annotations

import difflib
from typing import Any

from plugins.econsent.documents.models import ConsentVersion


def presented_lines(version: ConsentVersion, language: str) -> list[str]:
    """The text of the version a subject reads in ``language``, one line per line."""
    lines: list[str] = []
    for block in version.blocks:
        texts = block.get("content") if block.get("kind") == "static" else block.get("label")
        text = (texts or {}).get(language, "")
        prefix = "" if block.get("kind") == "static" else f"[{block.get('code')}] "
        lines += [prefix + line for line in text.splitlines()] or [prefix]
    for signer in version.signers:
        lines.append(f"{signer['role']}: {signer['statement'].get(language, '')}")
    return lines


def changes(previous: ConsentVersion | None, version: ConsentVersion) -> dict[str, Any]:
    """The diff of each of the version's languages from ``previous`` (everything added
    when there is none)."""
    result = []
    for language in version.languages:
        before = presented_lines(previous, language) if previous else []
        diff = difflib.unified_diff(
            before,
            presented_lines(version, language),
            f"v{previous.number}" if previous else "none",
            f"v{version.number}",
            lineterm="",
        )
        result.append({"language": language, "diff": list(diff)})
    return {"previous": previous.number if previous else None, "changes": result}
