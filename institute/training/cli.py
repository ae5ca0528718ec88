"""``flask --app institute training create-session|enrol``"""

from pathlib import Path

import click
from flask.cli import AppGroup

from ..accounts.cli import fail
from ..accounts.services import user_by_email
from ..database import transaction
from ..errors import DomainError, NotFound
from . import services
from .enrolment import enrol_csv

training_cli = AppGroup("training", help="Training sessions and cohorts.")


@training_cli.command("create-session")
@click.option("--title", required=True)
@click.option("--year", required=True, type=int)
@click.option("--sequence", default=1, type=click.IntRange(1, 2), show_default=True)
@click.option("--starts", "starts_on", required=True, help="YYYY-MM-DD")
@click.option("--ends", "ends_on", required=True, help="YYYY-MM-DD")
@click.option("--seats", default=15, type=int, show_default=True)
@click.option("--place", default="Kubuqi")
@click.option("--opens", "applications_open", default=None, help="YYYY-MM-DD")
@click.option("--closes", "applications_close", default=None, help="YYYY-MM-DD")
@click.option("--course", "courses", multiple=True, help="Course slug; repeat for several.")
@click.option("--instructor", "instructors", multiple=True, help="Instructor email; repeat.")
def create_session_command(**data):
    """Create a training session."""
    try:
        with transaction():
            session = services.create_session(data)
    except DomainError as exc:
        fail(exc)
    click.echo(f"Created session {session.id}: {session.title} ({session.code}).")


@training_cli.command("enrol")
@click.argument("session_id", type=int)
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--admin", "admin_email", required=True, help="Email of the admin enrolling.")
def enrol_command(session_id: int, csv_file: Path, admin_email: str):
    """Enrol the fellows of a CSV (email,name,country,partner); every line is checked first."""
    try:
        with transaction():
            admin = user_by_email(admin_email)
            if admin is None:
                raise NotFound(f"No user has the email {admin_email}.")
            result = enrol_csv(services.session_for(session_id, admin, "manage"), csv_file.read_bytes(), admin)
    except DomainError as exc:
        fail(exc)
    click.echo(f"Enrolled {len(result.enrolled)} fellows ({len(result.invited)} invited to set "
               "a password).")
