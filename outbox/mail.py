"""The demo's e-mail backend: each message becomes one .eml file under EMAIL_FILE_PATH (var/mail/
by default), and the log says only that a file was written. Personal links and addresses stay
out of the server log."""

import datetime as dt
import logging
import secrets
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


class FileEmailBackend(BaseEmailBackend):
    def __init__(self, file_path: str | Path | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.path = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        self.path.mkdir(parents=True, exist_ok=True)
        written = 0
        for email in email_messages:
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
            target = self.path / f"{stamp}-{secrets.token_hex(4)}.eml"
            try:
                target.write_bytes(email.message().as_bytes(linesep="\n"))
            except Exception:
                if not self.fail_silently:
                    raise
                continue
            logger.info("e-mail written to %s", target)
            written += 1
        return written
