"""``flask --app institute users …``"""

import click
from flask.cli import AppGroup

from ..database import transaction
from ..errors import DomainError
from . import services
from .models import Role

users_cli = AppGroup("users", help="Manage user accounts.")


def fail(exc: DomainError) -> None:
    """Print a domain error with each of its details and exit non-zero."""
    click.echo(f"Error: {exc.message}", err=True)
    for detail in exc.details:
        where = detail.get("field") or detail.get("file", "")
        if detail.get("line"):
            where = f"{where}:{detail['line']}"
        click.echo(f"  {where}: {detail.get('message', '')}", err=True)
    raise SystemExit(1)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--password", required=True, help="Initial password.")
# Values, not members: click matches Enum choices by their names.
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]),
              default=(Role.TRAINEE.value,), show_default=True, help="Role; repeat for several.")
@click.option("--partner", default=None, help="Partner institution code, e.g. GDI.")
@click.option("--country", default=None, help="ISO 3166 country code, e.g. KG.")
def create_user(email, name, password, roles, partner, country):
    """Create a user."""
    try:
        with transaction():
            user = services.create_user(email, name, password, roles, partner, country)
    except DomainError as exc:
        fail(exc)
    click.echo(f"Created {user.email} ({', '.join(sorted(user.roles))}).")
