"""E-mail through an SMTP server with the standard library's `smtplib` (the `Mailer` port)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid

from bot.settings import Settings
from hiring.errors import MailError

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class SmtpMailer:
    """Sends one plain-text message per call: connect, STARTTLS when asked, log in when a user name
    is set, send, quit. Any failure becomes a `MailError` whose message is for the user; the
    password never appears in it or in the logs."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    timeout: float = 10.0

    def send(self, to: str, subject: str, body: str) -> None:
        """Send `body` as text/plain to `to` (MailError when the server refused or did not answer)."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused:
            raise MailError(f"The mail server refused the address {to}; check it and try again.") from None
        except smtplib.SMTPAuthenticationError:
            log.warning("SMTP login refused by %s:%s", self.host, self.port)
            raise MailError(
                "The mail server refused Loopbot's login (SMTP_USERNAME, SMTP_PASSWORD)."
            ) from None
        except (TimeoutError, smtplib.SMTPServerDisconnected) as exc:
            # smtplib turns a read that timed out into SMTPServerDisconnected (the timeout is its context).
            if not isinstance(exc, TimeoutError) and not isinstance(exc.__context__, TimeoutError):
                log.warning("SMTP server %s:%s hung up", self.host, self.port)
                raise MailError("The mail server closed the connection; the e-mail was not sent.") from None
            log.warning("SMTP server %s:%s timed out", self.host, self.port)
            raise MailError("The mail server did not answer in time; the e-mail was not sent.") from None
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("SMTP send via %s:%s failed: %s", self.host, self.port, type(exc).__name__)
            raise MailError(f"The mail server could not take the e-mail ({type(exc).__name__}).") from None


def make_mailer(settings: Settings) -> SmtpMailer | None:
    """The SMTP mailer the settings describe, or None when SMTP_HOST is unset."""
    if not settings.smtp_host:
        return None
    return SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from or f"loopbot@{settings.smtp_host}",
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        starttls=settings.smtp_starttls,
        timeout=settings.smtp_timeout_seconds,
    )
