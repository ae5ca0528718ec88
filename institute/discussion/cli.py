"""``flask --app institute discussion send-digests``: the daily digests (run it once a day)."""

import click
from flask.cli import AppGroup

from ..database import transaction
from . import services

discussion_cli = AppGroup("discussion", help="Sessions' discussions.")


@discussion_cli.command("send-digests")
def send_digests_command():
    """Write one email to each digest subscriber with the posts since their last digest.
    Run again, it writes nothing new: each subscription remembers the last post it told."""
    with transaction():
        written = services.send_digests()
    click.echo(f"Wrote {written} digest email(s) to the outbox.")
