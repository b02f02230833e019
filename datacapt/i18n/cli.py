"""flask translations check | update: each catalog (the core's, each plugin's) against its code."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from datacapt.i18n import CORE_DOMAIN, Domain, domains
from datacapt.i18n.extract import TRANSLATED_LANGUAGES, catalog_problems, update_catalog

translations_cli = AppGroup("translations", help="The catalogs of the core and of each plugin.")

_names = click.argument("names", nargs=-1, metavar="[DOMAIN]...")


def _chosen(names: tuple[str, ...]) -> list[Domain]:
    known = domains()
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise click.BadParameter(
            f"no catalog named {', '.join(unknown)} (known: {', '.join(known)})",
            param_hint="DOMAIN",
        )
    return [known[name] for name in names] if names else list(known.values())


@translations_cli.command("check")
@_names
def check_command(names: tuple[str, ...]) -> None:
    """Texts without a translation, translations of texts the code lost, placeholders
    that differ, per catalog (the core's and each plugin's, or those named); exit 1 if any."""
    core = domains()[CORE_DOMAIN]
    failed = False
    for domain in _chosen(names):
        for language in TRANSLATED_LANGUAGES:
            problems = catalog_problems(domain, language, core)
            summary = f"{len(problems)} to fix" if problems else "ok"
            click.echo(f"{domain.name} ({language}): {summary}")
            for problem in problems:
                click.echo(f"  {problem}")
            failed = failed or bool(problems)
    if failed:
        raise click.exceptions.Exit(1)


@translations_cli.command("update")
@_names
def update_command(names: tuple[str, ...]) -> None:
    """Rewrite catalogs from their code: new texts to translate, lost ones removed."""
    core = domains()[CORE_DOMAIN]
    for domain in _chosen(names):
        for language in TRANSLATED_LANGUAGES:
            click.echo(f"{domain.name} ({language}): {update_catalog(domain, language, core)}")
