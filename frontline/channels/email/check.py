"""'Test connection' for a mailbox: log in to its IMAP and SMTP servers and say plainly what went wrong.

Nothing is fetched or sent. Each failure is sorted into a `problem` key the UI translates, with the
server's own words in `detail`.
"""

from __future__ import annotations

import contextlib
import imaplib
import smtplib
import socket
import ssl
from dataclasses import dataclass

from frontline.channels.email.models import Mailbox
from frontline.channels.email.smtp import tls_context
from frontline.kit.settings import Settings

TIMEOUT = 10.0


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    # not_configured | dns | refused | timeout | certificate | tls | login | folder | protocol
    problem: str | None = None
    detail: str = ""


def _network_problem(error: BaseException) -> CheckResult:
    if isinstance(error, socket.gaierror):
        return CheckResult(False, "dns", str(error))
    if isinstance(error, ConnectionRefusedError):
        return CheckResult(False, "refused", str(error))
    if isinstance(error, (TimeoutError, socket.timeout)):
        return CheckResult(False, "timeout", f"no answer within {TIMEOUT:.0f} s")
    if isinstance(error, ssl.SSLCertVerificationError):
        return CheckResult(False, "certificate", error.verify_message or str(error))
    if isinstance(error, ssl.SSLError):
        return CheckResult(False, "tls", str(error))
    return CheckResult(False, "protocol", f"{type(error).__name__}: {error}")


def problem_of(error: BaseException) -> str:
    """The `problem` key of a failure met while polling or sending (the same words as the connection test)."""
    if isinstance(error, ValueError):
        return "not_configured"
    if isinstance(error, imaplib.IMAP4.error):
        text = _text(error.args[0] if error.args else error).lower()
        if "folder" in text:
            return "folder"
        if any(word in text for word in ("authenticat", "login", "password", "credentials")):
            return "login"
        return "protocol"
    if isinstance(error, (OSError, EOFError)):
        return _network_problem(error).problem or "protocol"
    return "protocol"


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    if isinstance(value, (list, tuple)):
        return " ".join(_text(v) for v in value)
    return str(value)


def check_imap(settings: Settings, mailbox: Mailbox) -> CheckResult:
    if not mailbox.imap_host or not mailbox.imap_user:
        return CheckResult(False, "not_configured")
    port = mailbox.imap_port or (993 if mailbox.imap_security == "ssl" else 143)
    client: imaplib.IMAP4 | None = None
    try:
        if mailbox.imap_security == "ssl":
            client = imaplib.IMAP4_SSL(mailbox.imap_host, port, ssl_context=tls_context(settings), timeout=TIMEOUT)
        else:
            client = imaplib.IMAP4(mailbox.imap_host, port, timeout=TIMEOUT)
            if mailbox.imap_security == "starttls":
                client.starttls(ssl_context=tls_context(settings))
        try:
            client.login(mailbox.imap_user, mailbox.imap_password or "")
        except imaplib.IMAP4.error as error:
            return CheckResult(False, "login", _text(error.args[0] if error.args else error))
        folder = '"' + mailbox.imap_folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
        status, data = client.select(folder, readonly=True)
        if status != "OK":
            return CheckResult(False, "folder", f"{mailbox.imap_folder}: {_text(data)}")
        return CheckResult(True, detail=f"{mailbox.imap_folder}: {_text(data)}")
    except imaplib.IMAP4.error as error:
        return CheckResult(False, "protocol", _text(error.args[0] if error.args else error))
    except (OSError, EOFError) as error:
        return _network_problem(error)
    finally:
        if client is not None:
            with contextlib.suppress(imaplib.IMAP4.error, OSError, EOFError):
                client.logout()


def _login_once(client: smtplib.SMTP, user: str, password: str) -> None:
    """Log in with the best mechanism offered, once: smtplib's login() retries every other mechanism after a
    refusal, which only repeats the failure (and some servers stall on the retry)."""
    client.ehlo_or_helo_if_needed()
    if not client.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("the server offers no login (AUTH)")
    offered = client.esmtp_features["auth"].upper().split()
    for mechanism in ("CRAM-MD5", "PLAIN", "LOGIN"):
        if mechanism in offered:
            client.user, client.password = user, password
            client.auth(mechanism, getattr(client, "auth_" + mechanism.lower().replace("-", "_")))
            return
    raise smtplib.SMTPNotSupportedError(f"no login mechanism we know among {' '.join(offered)}")


def check_smtp(settings: Settings, mailbox: Mailbox) -> CheckResult:
    if not mailbox.smtp_host:
        return CheckResult(False, "not_configured")
    port = mailbox.smtp_port or {"ssl": 465, "starttls": 587}.get(mailbox.smtp_security, 25)
    client: smtplib.SMTP | None = None
    try:
        if mailbox.smtp_security == "ssl":
            client = smtplib.SMTP_SSL(mailbox.smtp_host, port, timeout=TIMEOUT, context=tls_context(settings))
        else:
            client = smtplib.SMTP(mailbox.smtp_host, port, timeout=TIMEOUT)
            if mailbox.smtp_security == "starttls":
                client.starttls(context=tls_context(settings))
        if mailbox.smtp_user:
            _login_once(client, mailbox.smtp_user, mailbox.smtp_password or "")
        code, message = client.noop()
        if code != 250:
            return CheckResult(False, "protocol", f"{code} {_text(message)}")
        return CheckResult(True, detail=f"{code} {_text(message)}")
    except smtplib.SMTPAuthenticationError as error:
        return CheckResult(False, "login", f"{error.smtp_code} {_text(error.smtp_error)}")
    except smtplib.SMTPNotSupportedError as error:
        return CheckResult(False, "tls" if mailbox.smtp_security == "starttls" else "login", str(error))
    except smtplib.SMTPResponseException as error:
        return CheckResult(False, "protocol", f"{error.smtp_code} {_text(error.smtp_error)}")
    except smtplib.SMTPException as error:
        return CheckResult(False, "protocol", f"{type(error).__name__}: {error}")
    except OSError as error:
        return _network_problem(error)
    finally:
        if client is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                client.quit()
