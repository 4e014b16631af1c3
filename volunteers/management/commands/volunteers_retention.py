from django.conf import settings
from django.core.management.base import BaseCommand

from volunteers.services import volunteers_erase_inactive


class Command(BaseCommand):
    help = (
        "Erase the personal data of volunteers inactive longer than "
        "DUGNAD_VOLUNTEER_RETENTION_MONTHS; anonymous counts stay."
    )

    def handle(self, *args, **options):
        counts = volunteers_erase_inactive()
        months = settings.DUGNAD["VOLUNTEER_RETENTION_MONTHS"]
        total = sum(counts.values())
        detail = ", ".join(f"{status}={n}" for status, n in sorted(counts.items()))
        self.stdout.write(
            f"Erased {total} volunteer(s) inactive for more than {months} months"
            + (f" ({detail})." if detail else ".")
        )
