"""Scheduling links from Slack, through the real HTTP endpoint on SQLite and PostgreSQL: `/interview
invite` and the candidate message's button, the modal (link to copy, the e-mail to send), e-mail
received by a real SMTP server on loopback (aiosmtpd), SMTP failures, revoking from the status,
expiry by the clock, permissions, and the role's link settings."""

from __future__ import annotations

import email
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from bot.sandbox.harness import Sandbox
from handlers.scheduling.links_blocks import LINK_EMAIL_MODAL, LINK_MODAL, REVOKE_LINK, SEND_LINK
from hiring.permissions import Actor
from hiring.scheduling.links import BODY_BLOCK, SUBJECT_BLOCK
from storage.models import Candidate, Role
from tests.factories import TEAM, make_candidate, make_role


class Inbox:
    """An aiosmtpd handler that keeps every message, or refuses recipients when told to."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse = False

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        self.messages.append(email.message_from_bytes(raw))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on loopback."""
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def mail_sandbox(database_url: str, inbox: tuple[Inbox, int]) -> Iterator[Sandbox]:
    """The app with SMTP set up (plain SMTP on loopback: no STARTTLS)."""
    box = Sandbox(
        database_url,
        smtp_host="127.0.0.1",
        smtp_port=inbox[1],
        smtp_starttls=False,
        smtp_from="hiring@example.com",
        smtp_timeout_seconds=2,
    ).start()
    try:
        yield box
    finally:
        box.stop()
    assert not box.fake.block_errors, box.fake.block_errors


def announced(sandbox: Sandbox, **kw: Any) -> tuple[Role, Candidate]:
    """A role (UHANA hiring manager, URITA recruiter) and Grace Hopper, announced in #hiring."""
    db, clock = sandbox.app.db, sandbox.clock
    role = make_role(db, clock)
    candidate = make_candidate(db, clock, role, **kw)
    sandbox.app.services.candidates.announce(TEAM, candidate.id, "URITA")
    return role, candidate


def link_url(view: dict[str, Any] | None) -> str:
    assert view is not None
    code = next(b for b in view["blocks"] if b.get("type") == "section" and "```" in b["text"]["text"])
    return str(code["text"]["text"].strip("`"))


def block(view: dict[str, Any] | None, block_id: str) -> dict[str, Any]:
    assert view is not None
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def test_invite_shows_the_link_and_the_email_and_sends_it_by_smtp(
    mail_sandbox: Sandbox, inbox: tuple[Inbox, int]
) -> None:
    sandbox, (handler, _) = mail_sandbox, inbox
    _, grace = announced(sandbox)
    sandbox.command("URITA", "invite Grace Hopper")
    view = sandbox.fake.last_view("URITA")
    assert view is not None and view["callback_id"] == LINK_EMAIL_MODAL
    url = link_url(view)
    assert url.startswith("http://localhost:3000/candidate/") and len(url.rsplit("/", 1)[1]) >= 43
    assert view["submit"]["text"] == "Send e-mail" and "grace@example.com" in str(view["blocks"])
    body = block(view, BODY_BLOCK)["element"]["initial_value"]
    assert url in body and "Hello Grace" in body
    assert "Senior Backend Engineer" in block(view, SUBJECT_BLOCK)["element"]["initial_value"]

    reply = sandbox.submit(
        "URITA", {SUBJECT_BLOCK: "Your interviews with us", BODY_BLOCK: body + "\nSee you!"}
    )
    assert (reply.status, reply.body) == (200, "")
    [mail] = handler.messages
    assert (mail["To"], mail["From"], mail["Subject"]) == (
        "grace@example.com",
        "hiring@example.com",
        "Your interviews with us",
    )
    text = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert url in text and "See you!" in text
    assert "E-mailed the scheduling link to grace@example.com" in sandbox.fake.dms("URITA")[-1].text
    [listed] = sandbox.app.services.links.listed(TEAM, grace.id)
    assert listed.emailed_at == sandbox.clock.now()
    assert sandbox.app.services.links.open(url.rsplit("/", 1)[1]) is not None


def test_the_email_must_keep_the_link_and_a_subject(mail_sandbox: Sandbox, inbox: tuple[Inbox, int]) -> None:
    sandbox, (handler, _) = mail_sandbox, inbox
    announced(sandbox)
    sandbox.command("UHANA", "invite Grace Hopper")
    reply = sandbox.submit("UHANA", {SUBJECT_BLOCK: "  ", BODY_BLOCK: "Hello, pick a time!"})
    body = reply.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {SUBJECT_BLOCK, BODY_BLOCK}
    assert "Keep the link" in body["errors"][BODY_BLOCK]
    assert handler.messages == []


def test_a_refused_or_silent_mail_server_is_reported_and_the_link_still_works(
    mail_sandbox: Sandbox, inbox: tuple[Inbox, int]
) -> None:
    sandbox, (handler, _) = mail_sandbox, inbox
    _, grace = announced(sandbox)
    handler.refuse = True
    sandbox.command("URITA", "invite Grace Hopper")
    url = link_url(sandbox.fake.last_view("URITA"))
    sandbox.submit("URITA", {})
    told = sandbox.fake.dms("URITA")[-1].text
    assert "The e-mail was not sent" in told and "refused the address" in told and url in told
    assert handler.messages == []
    [listed] = sandbox.app.services.links.listed(TEAM, grace.id)
    assert listed.emailed_at is None and listed.state == "active"
    assert sandbox.app.services.links.open(url.rsplit("/", 1)[1]) is not None


def test_a_mail_server_that_never_answers_times_out(database_url: str) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts connections (the kernel does) and never says a word
    try:
        with Sandbox(
            database_url,
            smtp_host="127.0.0.1",
            smtp_port=silent.getsockname()[1],
            smtp_starttls=False,
            smtp_timeout_seconds=0.5,
        ) as sandbox:
            announced(sandbox)
            sandbox.command("URITA", "invite Grace Hopper")
            url = link_url(sandbox.fake.last_view("URITA"))
            sandbox.submit("URITA", {})
            told = sandbox.fake.dms("URITA")[-1].text
            assert "did not answer in time" in told and url in told
    finally:
        silent.close()


def test_the_candidate_message_button_without_smtp_shows_the_link_to_copy(sandbox: Sandbox) -> None:
    _, grace = announced(sandbox)
    [message] = sandbox.fake.posts("CHIRING")
    [button] = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    assert (button["action_id"], button["value"], button["text"]["text"]) == (
        SEND_LINK,
        str(grace.id),
        "Send scheduling link",
    )
    sandbox.click("UHANA", SEND_LINK, str(grace.id), message=message)
    view = sandbox.fake.last_view("UHANA")
    assert view is not None and view["callback_id"] == LINK_MODAL and "submit" not in view
    assert [b for b in view["blocks"] if b["type"] == "input"] == []
    assert "E-mail is not set up" in str(view["blocks"])
    assert link_url(view).startswith("http://localhost:3000/candidate/")
    assert [v.created_by for v in sandbox.app.services.links.listed(TEAM, grace.id)] == ["UHANA"]


def test_a_candidate_without_an_email_gets_the_link_to_copy(mail_sandbox: Sandbox) -> None:
    announced(mail_sandbox, email="")
    mail_sandbox.command("URITA", "invite Grace Hopper")
    view = mail_sandbox.fake.last_view("URITA")
    assert view is not None and view["callback_id"] == LINK_MODAL
    assert "has no e-mail address on file" in str(view["blocks"])


def test_interviewers_may_not_send_links_and_unknown_names_get_suggestions(sandbox: Sandbox) -> None:
    _, grace = announced(sandbox)
    sandbox.command("UPRIYA", "invite Grace Hopper")
    assert "Only the hiring manager" in sandbox.last_reply("UPRIYA")
    [message] = sandbox.fake.posts("CHIRING")
    sandbox.click("UPRIYA", SEND_LINK, str(grace.id), message=message)
    assert "Only the hiring manager" in sandbox.last_reply("UPRIYA")
    assert sandbox.fake.last_view("UPRIYA") is None
    assert sandbox.app.services.links.listed(TEAM, grace.id) == []

    sandbox.command("URITA", "invite Grace Hoper")
    assert "Did you mean “Grace Hopper”" in sandbox.last_reply("URITA")
    sandbox.command("URITA", "invite")
    assert "/interview invite Ada Lovelace" in sandbox.last_reply("URITA")


def status_links(sandbox: Sandbox, user_id: str) -> list[dict[str, Any]]:
    """The link lines of the newest status answer the user saw."""
    blocks = sandbox.fake.ephemerals(user_id)[-1].blocks
    return [b for b in blocks if b["type"] == "section" and "made by" in b["text"]["text"]]


def test_status_lists_links_revoke_updates_it_and_expiry_follows_the_clock(sandbox: Sandbox) -> None:
    _, grace = announced(sandbox)
    links = sandbox.app.services.links
    old = links.issue(Actor(TEAM, "URITA"), grace.id, days=2)
    new = links.issue(Actor(TEAM, "UHANA"), grace.id)
    sandbox.command("UHANA", "status Grace Hopper")
    lines = status_links(sandbox, "UHANA")
    assert len(lines) == 2 and all("*active*" in b["text"]["text"] for b in lines)
    assert [b["accessory"]["value"] for b in lines] == [str(new.link_id), str(old.link_id)]

    shown = sandbox.fake.ephemerals("UHANA")[-1]
    sandbox.click("UHANA", REVOKE_LINK, str(new.link_id), message=shown)
    lines = status_links(sandbox, "UHANA")
    assert "*revoked*" in lines[0]["text"]["text"] and "accessory" not in lines[0]
    assert "*active*" in lines[1]["text"]["text"]
    assert links.open(new.token) is None and links.open(old.token) is not None

    sandbox.advance(days=2, minutes=1)
    sandbox.command("UHANA", "status Grace Hopper")
    lines = status_links(sandbox, "UHANA")
    assert "*expired*" in lines[1]["text"]["text"] and "accessory" not in lines[1]
    assert links.open(old.token) is None

    # Interviewers see their own schedule only: no links.
    sandbox.click("UPRIYA", REVOKE_LINK, str(old.link_id), message=shown)
    assert "Only the hiring manager" in sandbox.last_reply("UPRIYA")


def test_the_roles_link_days_and_cancel_cutoff_are_edited_in_the_role_modal(sandbox: Sandbox) -> None:
    _, grace = announced(sandbox)
    sandbox.command("UHANA", "role Senior Backend Engineer")
    view = sandbox.fake.last_view("UHANA")
    assert block(view, "link_days")["element"]["initial_value"] == "7"
    assert block(view, "cancel_cutoff_hours")["element"]["initial_value"] == "24"
    errors = sandbox.submit("UHANA", {"link_days": "0", "cancel_cutoff_hours": "a day"}).json()["errors"]
    assert set(errors) == {"link_days", "cancel_cutoff_hours"}
    assert "1 to 30" in errors["link_days"] and "0 to 336" in errors["cancel_cutoff_hours"]
    assert sandbox.submit("UHANA", {"link_days": "3", "cancel_cutoff_hours": "48"}).body == ""
    issued = sandbox.app.services.links.issue(Actor(TEAM, "URITA"), grace.id)
    assert issued.expires_at == sandbox.clock.now() + timedelta(days=3)
    opened = sandbox.app.services.links.open(issued.token)
    assert opened is not None and opened.cancel_cutoff_hours == 48
    sandbox.command("UHANA", "role Senior Backend Engineer")
    assert block(sandbox.fake.last_view("UHANA"), "link_days")["element"]["initial_value"] == "3"


def test_smtp_login_is_used_and_a_refused_login_is_reported_without_the_password(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    handler, port = Inbox(), free_port()
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"right-pass-123", handled=False)

    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    caplog.set_level("DEBUG")
    try:
        for password, delivered in (("wrong-pass-456", 0), ("right-pass-123", 1)):
            with Sandbox(
                database_url,
                smtp_host="127.0.0.1",
                smtp_port=port,
                smtp_starttls=False,
                smtp_username="loopbot",
                smtp_password=password,
            ) as sandbox:
                if password.startswith("wrong"):
                    announced(sandbox)
                sandbox.command("URITA", "invite Grace Hopper")
                sandbox.submit("URITA", {})
                told = sandbox.fake.dms("URITA")[-1].text
                assert len(handler.messages) == delivered
                assert ("refused Loopbot's login" in told) == (delivered == 0)
                assert password not in told
    finally:
        controller.stop()
    assert logins and all(login == b"loopbot" for login, _ in logins)
    assert not [r for r in caplog.records if "pass-" in r.getMessage()]


def test_a_hostile_candidate_name_is_escaped_in_the_modal(sandbox: Sandbox) -> None:
    _, bob = announced(sandbox, name="<!channel> *Bob* <https://evil.example|x>")
    sandbox.command("URITA", f"invite #{bob.id}")
    view = sandbox.fake.last_view("URITA")
    assert view is not None and view["callback_id"] == LINK_MODAL
    shown = str(view["blocks"])
    assert "<!channel>" not in shown and "<https://evil" not in shown and "*Bob*" not in shown
    assert "&lt;!channel&gt;" in shown


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and its key), which the client trusts through SSL_CERT_FILE."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    # OpenSSL checks validity against the real clock, which differs from Python's when the suite runs
    # at another date (scripts/test-at-date moves only Python's): a wide window holds either way.
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=3650))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "smtp.pem", tmp_path / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def test_starttls_is_used_and_an_untrusted_certificate_is_refused(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert_path, key_path = self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert_path, key_path)
    handler, port = Inbox(), free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, tls_context=server_tls, require_starttls=True
    )
    controller.start()
    try:
        for trusted in (False, True):
            if trusted:
                monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))  # the machine trusts the server's CA
            with Sandbox(
                database_url, smtp_host="127.0.0.1", smtp_port=port, smtp_timeout_seconds=5
            ) as sandbox:
                if not trusted:
                    announced(sandbox)
                sandbox.command("URITA", "invite Grace Hopper")
                sandbox.submit("URITA", {})
                told = sandbox.fake.dms("URITA")[-1].text
                assert len(handler.messages) == int(trusted)
                assert ("E-mailed the scheduling link" in told) == trusted
                assert ("SSLCertVerificationError" in told) == (not trusted)
    finally:
        controller.stop()
