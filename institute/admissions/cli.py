"""``flask --app institute admissions lapse-offers|remind-offers`` (run them from cron)."""

import click
from flask.cli import AppGroup

from ..database import transaction
from . import offers

admissions_cli = AppGroup("admissions", help="Admissions: offers of seats.")


@admissions_cli.command("lapse-offers")
def lapse_offers_command():
    """Lapse every offer whose deadline passed unconfirmed; give the seats to the waiting list."""
    with transaction():
        result = offers.lapse_expired()
    click.echo(f"Lapsed {len(result.lapsed)} offer(s); promoted {len(result.promoted)} waitlisted "
               "application(s).")


@admissions_cli.command("remind-offers")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Remind offers due within this many days (default: OFFER_REMINDER_DAYS).")
def remind_offers_command(days: int | None):
    """Remind, once each, the fellows whose offer's deadline is near."""
    with transaction():
        reminded = offers.remind_due(days=days)
    click.echo(f"Sent {len(reminded)} reminder(s).")
