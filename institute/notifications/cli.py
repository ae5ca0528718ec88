"""``flask --app institute notifications send``: deliver what is due (run from cron)."""

import click
from flask.cli import AppGroup

from .services import deliver_due

notifications_cli = AppGroup("notifications", help="The notification outbox.")


@notifications_cli.command("send")
def send_command():
    """Send every message that is due; failures are retried later with a growing delay."""
    sent, failed = deliver_due(limit=1000)
    click.echo(f"Sent {sent}, failed {failed}.")
