from django.core.management.base import BaseCommand

from outbox.services import messages_flush


class Command(BaseCommand):
    help = (
        "Send the queued outgoing messages now, in this process and without the broker "
        "(after a broker or mail-server outage)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="also send messages waiting for their next retry",
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="give messages marked failed a fresh set of attempts",
        )

    def handle(self, *args, now: bool, retry_failed: bool, **options):
        outcomes = messages_flush(ignore_not_before=now, retry_failed=retry_failed)
        self.stdout.write(
            "outbox: {sent} sent, {retry} to retry, {failed} failed, {skipped} skipped".format(
                sent=outcomes["sent"],
                retry=outcomes["retry"],
                failed=outcomes["failed"],
                skipped=outcomes["skipped"],
            )
        )
