"""`flask plugins new`: writes a working plugin distribution from the template folder.

Files ending in ``.tmpl`` are filled in with ``string.Template`` (``${name}``, ``${package}``,
...); other files (the Alembic ``script.py.mako``) are copied as they are.
"""

from __future__ import annotations

import string
from pathlib import Path

from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.plugins.manifest import PLUGIN_NAME_PATTERN
from datacapt.version import __version__

TEMPLATE_DIR = Path(__file__).parent / "template"


def template_values(name: str) -> dict[str, str]:
    camel = "".join(part.capitalize() for part in name.split("_"))
    major_minor = ".".join(__version__.split(".")[:2])
    return {
        "name": name,
        "package": f"datacapt_{name}",
        "distribution": f"datacapt-{name.replace('_', '-')}",
        "url_name": name.replace("_", "-"),
        "title": name.replace("_", " ").capitalize(),
        "Model": f"{camel}Record",
        "Codes": f"{camel}Codes",
        "CODE_PREFIX": name.upper(),
        "core_version": f">={major_minor}",
    }


def scaffold_plugin(name: str, directory: Path) -> list[Path]:
    """Write the plugin ``name`` into ``directory`` (which must not exist or be empty)."""
    if not PLUGIN_NAME_PATTERN.match(name):
        raise DatacaptException(
            ErrorCode.VALIDATION_ERROR,
            InternalCodes.VALIDATION_FAILED,
            f"{name!r} is not a plugin name: 2 to 40 lower-case letters, digits or underscores",
        )
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise DatacaptException(
            ErrorCode.CONFLICT,
            InternalCodes.CONFLICT,
            f"{directory} exists and is not empty, or is not a directory",
        )
    values = template_values(name)
    created = []
    for source in sorted(TEMPLATE_DIR.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        relative = string.Template(str(source.relative_to(TEMPLATE_DIR))).substitute(values)
        text = source.read_text()
        if relative.endswith(".tmpl"):
            relative = relative.removesuffix(".tmpl")
            text = string.Template(text).substitute(values)
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        created.append(target)
    return created
