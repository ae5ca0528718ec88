"""``flask --app institute demo``: a demo data set to look around with.

Idempotent: run it again and it adds only what is missing, then prints the logins.
Each domain adds its part through ``DEMO_STEPS``.
"""

import click
from flask.cli import with_appcontext

from .accounts import services as accounts
from .database import transaction

DEMO_PASSWORD = "kubuqi-demo-2026"  # a demo data set for local use, documented in the README

DEMO_USERS = [
    ("admin@gdi.example", "Bolormaa Admin", ("admin",), "GDI", "CN"),
    ("instructor@gdi.example", "Li Wei", ("instructor",), "GDI", "CN"),
    ("partner@cica.example", "Ayşe Demir", ("partner",), "CICA", "TR"),
    ("partner@uca.example", "Azamat Osmonov", ("partner", "instructor"), "UCA", "KG"),
    ("fellow@gdi.example", "Fatima Zahra Benali", ("trainee",), None, "MA"),
]


def load_accounts() -> list[tuple[str, str]]:
    accounts.load_partners()
    logins = []
    for email, name, roles, partner, country in DEMO_USERS:
        if accounts.user_by_email(email) is None:
            accounts.create_user(email, name, DEMO_PASSWORD, roles, partner, country)
        logins.append((email, ", ".join(roles)))
    return logins


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo data set (partners, users of every role, …) and print the logins."""
    with transaction():
        logins = load_accounts()
    click.echo("Demo logins (password for all: %s):" % DEMO_PASSWORD)
    for email, roles in logins:
        click.echo(f"  {email:<28} {roles}")
