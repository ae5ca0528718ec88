"""``flask --app institute certificates issue|verify``"""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from ..accounts.cli import fail
from ..database import transaction
from ..errors import DomainError
from ..training.services import get_session
from . import services
from .credential import public_key_of_profile
from .offline import check_bytes
from .signing import private_key

certificates_cli = AppGroup("certificates", help="Issue and check certificates.")


@certificates_cli.command("issue")
@click.argument("session_id", type=int)
def issue_command(session_id: int):
    """Issue certificates for every fellow who completed the session."""
    try:
        with transaction():
            result = services.issue_session(get_session(session_id), None)
    except DomainError as exc:
        fail(exc)
    for certificate in result.issued:
        click.echo(f"issued {certificate.serial}  {certificate.holder_name}")
    for certificate in result.already:
        click.echo(f"already {certificate.serial}  {certificate.holder_name}")
    for user, reasons in result.ineligible:
        click.echo(f"not eligible  {user.email}: {'; '.join(reasons)}")


@certificates_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool):
    """Run the background jobs (needs REDIS_URL): mail delivery and large sessions' certificates."""
    from .jobs import work

    work(burst=burst)


@certificates_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--issuer-profile", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The issuer profile JSON (from /issuer) to trust; by default this installation's key.")
def verify_command(file: Path, issuer_profile: Path | None):
    """Check a certificate PDF or credential JSON offline; exit 1 when it does not hold."""
    key = public_key_of_profile(json.loads(issuer_profile.read_text())) if issuer_profile \
        else private_key().public_key()
    report = check_bytes(file.read_bytes(), key)
    if report.ok:
        click.echo(f"valid signature: {report.serial} — {report.holder} — {report.title}")
        return
    click.echo(f"NOT VALID: {file.name}", err=True)
    for problem in report.problems:
        click.echo(f"  {problem}", err=True)
    raise SystemExit(1)
