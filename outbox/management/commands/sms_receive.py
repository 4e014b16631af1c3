import uuid

from django.core.management.base import BaseCommand, CommandError

from outbox.services import sms_inbound_receive


class Command(BaseCommand):
    help = (
        "Play an incoming SMS as if the provider had posted it to /sms/inbound/ (the demo has "
        "no provider): e.g. `sms_receive 91234567 JA`. The reply, if any, leaves through the "
        "outbox (var/sms/ in the demo)."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", help="the sender's mobile number")
        parser.add_argument("text", nargs="+", help="what they wrote")

    def handle(self, *args, number: str, text: list[str], **options):
        record = sms_inbound_receive(
            provider_id=f"cli-{uuid.uuid4().hex}", sender=number, text=" ".join(text)
        )
        if record is None:
            raise CommandError("this SMS was received already")
        self.stdout.write(
            f"incoming SMS: {record.get_outcome_display()}"
            + (f" by {record.handled_by}: {record.result}" if record.handled_by else "")
        )
