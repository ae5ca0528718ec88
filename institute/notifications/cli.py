"""``flask --app institute notifications send [--loop [--every SECONDS]]``: deliver the outbox.

One pass for cron; ``--loop`` for a service (or beside the development server,
``make run``) when no background worker runs.
"""

import logging
import signal
from time import sleep

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from .delivery import Pass, deliver_due

notifications_cli = AppGroup("notifications", help="The notification outbox.")
logger = logging.getLogger(__name__)


def _report(outcome: Pass) -> str:
    text = f"Sent {outcome.sent}, failed {outcome.failed}."
    return text + (f" Gave up on {outcome.given_up}." if outcome.given_up else "")


def _interrupt(signum, frame):
    # Raised wherever the loop is, so that a batch being sent releases what it has not sent.
    raise KeyboardInterrupt


@notifications_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep sending until interrupted.")
@click.option("--every", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="With --loop: seconds between passes.")
def send_command(loop: bool, every: float):
    """Send every message that is due; failures are retried later with a growing delay."""
    if not loop:
        click.echo(_report(deliver_due()))
        return
    if not current_app.config.get("MAIL_SERVER"):
        click.echo("No MAIL_SERVER is set: messages stay in the outbox.")
    previous = signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop: as Ctrl-C
    try:
        while True:
            try:
                outcome = deliver_due()
            except SQLAlchemyError:  # the database is away for a moment: try again next pass
                logger.exception("Mail delivery pass failed")
                db.session.rollback()
            else:
                if any(outcome):
                    click.echo(_report(outcome))
            sleep(every)
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        signal.signal(signal.SIGTERM, previous)
