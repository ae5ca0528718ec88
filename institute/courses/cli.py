"""``flask --app institute courses import|export|check|rerender``"""

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..accounts.cli import fail
from ..accounts.services import user_by_email
from ..database import transaction
from ..errors import DomainError, NotFound
from ..extensions import db
from . import services
from .bundle import find_bundles, read_path
from .importing import check_bundles, import_bundle, rerender_revision, translates
from .models import Course, CourseRevision

courses_cli = AppGroup("courses", help="Import, export, check and re-render course bundles.")


@courses_cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--draft", is_flag=True, help="Leave new revisions as drafts to be reviewed.")
@click.option("--message", "-m", default="", help="What changed, kept with each revision.")
def import_command(path: Path, draft: bool, message: str):
    """Import one bundle (folder or .zip) or a folder of bundles; all or nothing."""
    results = []
    try:
        with transaction():
            bundles = [(bundle_path, read_path(bundle_path)) for bundle_path in find_bundles(path)]
            for bundle_path, bundle in sorted(bundles, key=lambda pair: translates(pair[1])):
                try:
                    results.append(import_bundle(bundle, None, message, publish=not draft))
                except DomainError as exc:
                    exc.message = f"{bundle_path.name}: {exc.message}"
                    raise
    except DomainError as exc:
        fail(exc)
    for result in results:
        state = "new revision" if result.created else "unchanged"
        click.echo(f"{result.course.slug}: {state} {result.revision.number} ({result.status})")


@courses_cli.command("check")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def check_command(path: Path):
    """Validate bundles without importing; print every problem as file:line and exit 1.

    Warnings (what imports, but likely not as meant) are printed as file:line too; alone
    they do not fail the check."""
    problems = 0
    paths = find_bundles(path)
    for bundle_path, parsed in zip(paths, check_bundles([read_path(p) for p in paths]), strict=True):
        for problem in parsed.problems:
            click.echo(f"{bundle_path.name}/{problem}", err=True)
        for warning in parsed.warnings:
            click.echo(f"{bundle_path.name}/{warning.where}: warning: {warning.message}", err=True)
        problems += len(parsed.problems)
        if not parsed.problems:
            assignments = f", {len(parsed.assignments)} assignments" if parsed.assignments else ""
            click.echo(f"{bundle_path.name}: ok ({len(parsed.modules)} modules, "
                       f"{len(parsed.quizzes)} quizzes{assignments})")
    if problems:
        click.echo(f"{problems} problem(s) found.", err=True)
        raise SystemExit(1)


@courses_cli.command("export")
@click.argument("slug")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--revision", "number", type=click.IntRange(min=1), default=None,
              help="The revision's number; by default the newest.")
@click.option("--as", "as_email", default=None,
              help="Export what this user may (their rights, their refusals); by default the institute, "
                   "which exports every revision.")
def export_command(slug: str, path: Path, number: int | None, as_email: str | None):
    """Write a revision of the course as a zip bundle (PATH may be a folder)."""
    try:
        actor = services.INSTITUTE if as_email is None else user_by_email(as_email)
        if actor is None:
            raise NotFound(_("No user has the email %(e)s.", e=as_email))
        revision = services.revision_for(slug, actor, "export", number)
        data = services.export_bundle(revision.course, revision)
    except DomainError as exc:
        fail(exc)
    target = path / f"{slug}.zip" if path.is_dir() else path
    target.write_bytes(data)
    click.echo(f"Wrote {target} ({len(data)} bytes).")



def _archiving(slug: str, action) -> None:
    try:
        with transaction():
            action(services.revision_for(slug, services.INSTITUTE, "archive").course, services.INSTITUTE)
    except DomainError as exc:
        fail(exc)


@courses_cli.command("archive")
@click.argument("slug")
def archive_command(slug: str):
    """Archive a course: hidden from the catalogue, search and lists; everything is kept."""
    _archiving(slug, services.archive)
    click.echo(f"{slug}: archived.")


@courses_cli.command("restore")
@click.argument("slug")
def restore_command(slug: str):
    """Restore an archived course to the catalogue and the lists."""
    _archiving(slug, services.restore)
    click.echo(f"{slug}: restored.")


@courses_cli.command("rerender")
@click.argument("slugs", nargs=-1)
def rerender_command(slugs: tuple[str, ...]):
    """Render the stored Markdown of every revision (of the courses named, or all) again with
    today's renderer, one transaction per revision; running it twice changes nothing."""
    query = sa.select(CourseRevision.id, Course.slug, CourseRevision.number).join(
        Course, Course.id == CourseRevision.course_id).order_by(Course.slug, CourseRevision.number)
    if slugs:
        known = set(db.session.scalars(sa.select(Course.slug).where(Course.slug.in_(slugs))))
        if missing := [slug for slug in slugs if slug not in known]:
            fail(NotFound(_("No such course.") + " " + ", ".join(missing)))
        query = query.where(Course.slug.in_(slugs))
    counts = {"re-rendered": 0, "unchanged": 0}
    for revision_id, slug, number in db.session.execute(query).all():
        with transaction():
            result = rerender_revision(db.session.get_one(CourseRevision, revision_id))
        state = "re-rendered" if result.changed else "unchanged"
        counts[state] += 1
        kept = f" (kept as stored, today's validation finds problems: {', '.join(result.kept)})" if result.kept else ""
        click.echo(f"{slug}: revision {number} {state}{kept}")
    click.echo(f"{counts['re-rendered']} revision(s) re-rendered, {counts['unchanged']} unchanged.")
