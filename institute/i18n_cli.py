"""``flask --app institute translations coverage``"""

from pathlib import Path

import click
from flask.cli import AppGroup

from .i18n import translation_coverage

translations_cli = AppGroup("translations", help="Check the interface's translations.")


@translations_cli.command("coverage")
@click.option("--directory", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A translations folder (messages.pot and <language>/LC_MESSAGES/messages.po); "
                   "the application's by default.")
def coverage_command(directory: Path | None):
    """Print each language's share of the extracted messages (messages.pot) translated, its
    fuzzy and its empty entries; exit 1 when any language is under 100% or has a fuzzy one."""
    found = translation_coverage(directory)
    click.echo(f"{'language':<10}{'translated':>18}{'fuzzy':>8}{'empty':>8}")
    for c in found:
        share = f"{c.translated}/{c.total} {c.percent:5.1f}%"
        click.echo(f"{c.language:<10}{share:>18}{c.fuzzy:>8}{c.empty:>8}")
    short = [c.language for c in found if not c.complete]
    if short:
        click.echo(f"Incomplete: {', '.join(short)}", err=True)
        raise SystemExit(1)
