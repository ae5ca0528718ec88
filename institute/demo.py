"""``flask --app institute demo``: a demo data set to look around with.

Idempotent: run it again and it adds only what is missing, then prints the logins.
Each domain adds its part through ``DEMO_STEPS``.
"""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .accounts import services as accounts
from .courses.bundle import find_bundles, read_path
from .courses.importing import import_bundle
from .database import transaction

DEMO_PASSWORD = "kubuqi-demo-2026"  # noqa: S105 - a demo data set for local use, documented in the README

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


def load_courses() -> list[str]:
    """The institute's own courses shipped in ``courses/``, published."""
    folder = Path(current_app.root_path).parent / "courses"
    slugs = []
    for path in find_bundles(folder) if folder.exists() else []:
        slugs.append(import_bundle(read_path(path), None, "shipped with the platform",
                                   publish=True).course.slug)
    return slugs


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo data set (partners, users of every role, …) and print the logins."""
    with transaction():
        logins = load_accounts()
        slugs = load_courses()
    click.echo(f"Courses: {', '.join(slugs) or 'none'}")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, roles in logins:
        click.echo(f"  {email:<28} {roles}")
