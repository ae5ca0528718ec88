"""``flask --app institute certificates issue|verify|upgrade-credentials``"""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from ..accounts.cli import fail
from ..database import transaction
from ..errors import DomainError
from ..training.labels import missing_texts
from ..training.services import get_session
from . import did, services
from .legacy import public_key_of_profile
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
        click.echo(f"not eligible  {user.email}: {'; '.join(missing_texts(reasons))}")


@certificates_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool):
    """Run the background jobs (needs REDIS_URL): mail delivery and large sessions' certificates."""
    from .jobs import work

    work(burst=burst)


@certificates_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--did-document", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The issuer's DID document (from /.well-known/did.json) to trust; by default this "
                   "installation's, made from its key.")
@click.option("--issuer-profile", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="For credentials signed before Data Integrity proofs (JwtProof2020): the issuer "
                   "profile JSON (from /issuer) to trust; by default this installation's key.")
def verify_command(file: Path, did_document: Path | None, issuer_profile: Path | None):
    """Check a certificate PDF or credential JSON offline; exit 1 when it does not hold."""
    key = public_key_of_profile(json.loads(issuer_profile.read_text())) if issuer_profile \
        else private_key().public_key()
    trusted = json.loads(did_document.read_text()) if did_document \
        else did.document(services.base_url(), private_key())
    report = check_bytes(file.read_bytes(), key, trusted)
    if report.ok:
        click.echo(f"valid signature ({report.proof}): {report.serial} — {report.holder} — {report.title}")
        return
    click.echo(f"NOT VALID: {file.name}", err=True)
    for problem in report.problems:
        click.echo(f"  {problem}", err=True)
    raise SystemExit(1)


@certificates_cli.command("upgrade-credentials")
def upgrade_command():
    """Re-issue every JWT-signed credential as an Open Badges 3.0.3 credential with a Data
    Integrity proof; each PDF gets the new one as its attachment, its pages unchanged."""
    serials = services.legacy_serials()
    for serial in serials:
        with transaction():  # one certificate at a time: a failure keeps what was done
            services.upgrade_credential(services.get(serial), None)
        click.echo(f"upgraded {serial}")
    click.echo(f"{len(serials)} credential(s) upgraded.")
