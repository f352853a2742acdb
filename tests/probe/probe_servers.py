"""Real servers on free 127.0.0.1 ports for the probe tests: aiosmtpd for SMTP, small
threaded socket servers for IMAP, POP3 and the hostile ones, a UDP NXDOMAIN resolver.

Everything listens on loopback only and stops at the end of its test.
"""

from __future__ import annotations

import base64
import datetime
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"
IO_TIMEOUT = 10.0  # no server thread outlives a test by more than this


def free_port() -> int:
    """A port free on 127.0.0.1 now (aiosmtpd cannot take port 0)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# -- certificates


def server_context(
    ca: trustme.CA,
    *names: str,
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
    max_version: ssl.TLSVersion | None = None,
) -> ssl.SSLContext:
    """A server context with a certificate from `ca` for `names` (default: localhost and 127.0.0.1)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    leaf = ca.issue_cert(*(names or ("localhost", HOST)), not_before=not_before, not_after=not_after)
    leaf.configure_cert(context)
    if max_version is not None:
        context.maximum_version = max_version
    return context


def days_from_now(days: float) -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(days=days)


# -- SMTP: aiosmtpd


@dataclass
class Mailbox:
    """What an aiosmtpd server received."""

    messages: list[bytes] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)  # (mechanism, username)
    passwords: list[str] = field(default_factory=list)  # what each PLAIN/LOGIN attempt sent, in order


@dataclass
class StoredMessage:
    uid: int
    data: bytes
    folder: str = "INBOX"
    flags: set[str] = field(default_factory=set)

    def header(self, name: str) -> str | None:
        from email.parser import BytesHeaderParser

        value = BytesHeaderParser().parsebytes(self.data).get(name)
        return None if value is None else str(value).strip()


@dataclass
class MailStore:
    """An in-memory mailbox an aiosmtpd server delivers into and the IMAP and POP3 test
    servers serve: `deliver_to` a folder, after `delay` seconds, or never (`drop`)."""

    messages: list[StoredMessage] = field(default_factory=list)
    deliver_to: str = "INBOX"
    delay: float = 0.0
    drop: bool = False
    delivered_at: list[float] = field(default_factory=list)  # time.monotonic() of each delivery
    lock: threading.Lock = field(default_factory=threading.Lock)
    _next_uid: int = 1

    def add(self, data: bytes, folder: str = "INBOX", flags: set[str] | None = None) -> StoredMessage:
        with self.lock:
            message = StoredMessage(self._next_uid, data, folder, set(flags or ()))
            self._next_uid += 1
            self.messages.append(message)
            self.delivered_at.append(time.monotonic())
            return message

    def deliver(self, data: bytes) -> None:
        if self.drop:
            return
        if self.delay:
            threading.Timer(self.delay, self.add, (data, self.deliver_to)).start()
        else:
            self.add(data, self.deliver_to)

    def folder(self, name: str) -> list[StoredMessage]:
        with self.lock:
            return [m for m in self.messages if m.folder.upper() == name.upper()]

    def remove(self, messages: list[StoredMessage]) -> None:
        with self.lock:
            self.messages = [m for m in self.messages if m not in messages]


def plain_message(subject: str = "hello", **headers: str) -> bytes:
    lines = ["From: carol@example.com", f"To: {USER_ADDRESS}", f"Subject: {subject}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\nSomeone else's message.\r\n").encode()


USER_ADDRESS = "alice@example.com"


class _Handler:
    """Accepts mail (or refuses recipients, with `reject_rcpt`); AUTH PLAIN and LOGIN.
    With a `store`, what it accepts is delivered there too."""

    def __init__(self, mailbox: Mailbox, reject_rcpt: str | None, store: MailStore | None = None) -> None:
        self.mailbox = mailbox
        self.reject_rcpt = reject_rcpt
        self.store = store

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_rcpt is not None:
            return self.reject_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.mailbox.messages.append(envelope.original_content or envelope.content)
        if self.store is not None:
            self.store.deliver(envelope.original_content or envelope.content)
        return "250 2.0.0 Ok: queued as TEST123"


class _HandlerWithMoreAuth(_Handler):
    """Also CRAM-MD5 and XOAUTH2 (aiosmtpd maps auth_CRAM__MD5 to the name CRAM-MD5)."""

    async def auth_CRAM__MD5(self, server, args):
        import hashlib
        import hmac

        challenge = b"<1896.697170952@mailcheck.test>"
        response = await server.challenge_auth(challenge)
        user, _, digest = response.partition(b" ")
        secret = server._authenticator.users.get(user.decode())  # the test's users
        ok = secret is not None and hmac.compare_digest(
            digest, hmac.new(secret.encode(), challenge, hashlib.md5).hexdigest().encode()
        )
        self.mailbox.logins.append(("CRAM-MD5", user.decode()))
        return AuthResult(success=ok, handled=False)

    async def auth_XOAUTH2(self, server, args):
        blob = base64.b64decode(args[1]) if len(args) > 1 else await server.challenge_auth("")
        fields = dict(part.split(b"=", 1) for part in blob.split(b"\x01") if b"=" in part)
        user, token = fields.get(b"user", b"").decode(), fields.get(b"auth", b"").decode()
        ok = server._authenticator.users.get(user) == token.removeprefix("Bearer ")
        self.mailbox.logins.append(("XOAUTH2", user))
        if not ok:
            await server.challenge_auth(b'{"status":"401","schemes":"bearer"}')
        return AuthResult(success=ok, handled=False)


class _Users:
    """aiosmtpd authenticator over {username: password}; with `accept_any`, a broken one
    that lets any username and password in."""

    def __init__(self, users: dict[str, str], mailbox: Mailbox, accept_any: bool = False) -> None:
        self.users = users
        self.mailbox = mailbox
        self.accept_any = accept_any

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.mailbox.logins.append((mechanism, user))
        self.mailbox.passwords.append(password)
        return AuthResult(success=self.accept_any or self.users.get(user) == password, handled=False)


@dataclass
class SmtpServer:
    port: int
    mailbox: Mailbox
    controller: Controller


def start_smtp(
    mode: str,
    context: ssl.SSLContext | None,
    users: dict[str, str],
    *,
    exclude_mechanisms: tuple[str, ...] = (),
    reject_rcpt: str | None = None,
    more_auth: bool = False,
    accept_any: bool = False,
    store: MailStore | None = None,
    host: str = HOST,
    port: int | None = None,
) -> SmtpServer:
    """An aiosmtpd server: `starttls` (required, AUTH only after it), `tls` (implicit), or `none`.
    It offers AUTH PLAIN and LOGIN, and with `more_auth` CRAM-MD5 and XOAUTH2 too; with
    `accept_any` its PLAIN and LOGIN accept any credentials. It listens on `host`:`port`
    (default: a free port of 127.0.0.1; `init --discover` tests use a standard port)."""
    mailbox = Mailbox()
    authenticator = _Users(users, mailbox, accept_any)
    kwargs: dict = {
        "hostname": host,
        "port": port or free_port(),
        "server_hostname": "mx.mailcheck.test",
        "authenticator": authenticator,
        "auth_exclude_mechanism": list(exclude_mechanisms),
    }
    if mode == "starttls":
        kwargs.update(tls_context=context, require_starttls=True, auth_require_tls=True)
    elif mode == "tls":
        # aiosmtpd advertises no AUTH on an implicit-TLS port unless auth_require_tls is False
        kwargs.update(ssl_context=context, auth_require_tls=False)
    else:
        kwargs.update(auth_require_tls=False)
    handler = (_HandlerWithMoreAuth if more_auth else _Handler)(mailbox, reject_rcpt, store)
    controller = Controller(handler, **kwargs)
    controller.start()
    return SmtpServer(kwargs["port"], mailbox, controller)


# -- threaded socket servers for IMAP, POP3 and hostile behaviour


class Peer:
    """One accepted connection, as a behaviour function sees it."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.sock = sock
        self.stop = stop
        self.tls = False
        self.received: list[bytes] = []  # every line the client sent, for assertions
        self._buffer = b""

    def send(self, data: str | bytes) -> None:
        self.sock.sendall(data if isinstance(data, bytes) else data.encode() + b"\r\n")

    def recv_line(self) -> str | None:
        while b"\n" not in self._buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        self.received.append(line.rstrip(b"\r"))
        return line.rstrip(b"\r").decode()

    def starttls(self, context: ssl.SSLContext) -> None:
        self.sock = context.wrap_socket(self.sock, server_side=True)
        self.tls = True

    def pause(self, seconds: float) -> None:
        """Sleep, but end early when the server stops."""
        self.stop.wait(seconds)


Behaviour = Callable[[Peer], None]


@dataclass
class LineServer:
    port: int
    peers: list[Peer]
    server: socketserver.ThreadingTCPServer
    stop: threading.Event

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


def start_line_server(behaviour: Behaviour, host: str = HOST, port: int = 0) -> LineServer:
    """Run `behaviour` for each connection to `host`:`port` (default: a free port of 127.0.0.1)."""
    stop = threading.Event()
    peers: list[Peer] = []

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.settimeout(IO_TIMEOUT)
            peer = Peer(self.request, stop)
            peers.append(peer)
            try:
                behaviour(peer)
            except (OSError, ssl.SSLError):
                pass  # the client went away, or refused our certificate: expected in these tests

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True
        request_queue_size = 256

    server = Server((host, port), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return LineServer(server.server_address[1], peers, server, stop)


# -- IMAP and POP3 servers, small but by the RFCs as far as the probe goes


def imap_behaviour(
    context: ssl.SSLContext,
    users: dict[str, str],
    *,
    implicit_tls: bool = False,
    mechanisms: tuple[str, ...] = ("PLAIN",),
    sasl_ir: bool = True,
    accept_any: bool = False,
    store: MailStore | None = None,
    uidplus: bool = True,
    folders: tuple[tuple[str, str], ...] = (("Junk", "\\Junk"),),
) -> Behaviour:
    """`accept_any`: a broken server whose LOGIN and AUTHENTICATE let anyone in. With a
    `store`, a logged-in client may LIST (INBOX and `folders`: (name, attributes)), SELECT,
    EXAMINE, UID SEARCH HEADER, UID STORE, EXPUNGE and, with `uidplus`, UID EXPUNGE."""

    def behave(peer: Peer) -> None:
        if implicit_tls:
            peer.starttls(context)
        peer.send("* OK [CAPABILITY IMAP4rev1] fake IMAP ready")
        mailbox: dict[str, object] = {}
        while (line := peer.recv_line()) is not None:
            if store is not None and _imap_mailbox_command(peer, line, store, mailbox, uidplus, folders):
                continue
            tag, _, rest = line.partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                caps = ["IMAP4rev1"]
                caps += ["STARTTLS", "LOGINDISABLED"] if not peer.tls else [f"AUTH={m}" for m in mechanisms]
                caps += ["SASL-IR"] if sasl_ir else []
                caps += ["UIDPLUS"] if uidplus and store is not None and peer.tls else []
                peer.send("* CAPABILITY " + " ".join(caps))
                peer.send(f"{tag} OK CAPABILITY completed")
            elif command == "STARTTLS" and not peer.tls:
                peer.send(f"{tag} OK Begin TLS negotiation now")
                peer.starttls(context)
            elif command == "LOGIN" and peer.tls:
                user, password = [part.strip('"') for part in args.split(" ", 1)]
                _answer_imap(peer, tag, accept_any or users.get(user) == password)
            elif command == "AUTHENTICATE" and peer.tls:
                _mechanism, _, initial = args.partition(" ")
                if not initial:
                    peer.send("+ ")
                    initial = peer.recv_line() or ""
                _, user, password = base64.b64decode(initial).decode().split("\0")
                _answer_imap(peer, tag, accept_any or users.get(user) == password)
            elif command == "LOGOUT":
                peer.send("* BYE logging out")
                peer.send(f"{tag} OK LOGOUT completed")
                return
            else:
                peer.send(f"{tag} BAD command not allowed now")

    return behave


def _imap_mailbox_command(
    peer: Peer,
    line: str,
    store: MailStore,
    selected: dict[str, object],
    uidplus: bool,
    folders: tuple[tuple[str, str], ...],
) -> bool:
    """Answer one mailbox command (True), or leave the line to the caller (False)."""
    tag, _, rest = line.partition(" ")
    words = rest.split(" ")
    command = words[0].upper()
    if command == "UID" and len(words) > 1:
        command = "UID " + words[1].upper()
        words = words[1:]
    folder = selected.get("folder")
    if command == "LIST":
        peer.send('* LIST (\\HasNoChildren) "/" INBOX')
        for name, attributes in folders:
            shown = f'"{name}"' if " " in name else name
            peer.send(f'* LIST (\\HasNoChildren {attributes}) "/" {shown}'.replace(" )", ")"))
        peer.send(f"{tag} OK LIST completed")
    elif command in ("SELECT", "EXAMINE"):
        name = rest.split(" ", 1)[1].strip('"')
        known = {"INBOX", *(n.upper() for n, _ in folders)}
        if name.upper() not in known:
            peer.send(f"{tag} NO [NONEXISTENT] Mailbox doesn't exist: {name}")
            return True
        selected.update(folder=name, writable=command == "SELECT")
        messages = store.folder(name)
        peer.send(f"* {len(messages)} EXISTS")
        peer.send("* OK [UIDVALIDITY 1] UIDs valid")
        peer.send(f"{tag} OK [{'READ-WRITE' if command == 'SELECT' else 'READ-ONLY'}] {command} completed")
    elif command == "UID SEARCH" and folder is not None:
        # UID SEARCH HEADER <name> <value>
        _, _, name, value = words[:4]
        uids = [m.uid for m in store.folder(str(folder)) if (m.header(name) or "").find(value) >= 0]
        peer.send("* SEARCH" + "".join(f" {uid}" for uid in uids))
        peer.send(f"{tag} OK SEARCH completed")
    elif command == "UID STORE" and folder is not None:
        if not selected.get("writable"):
            peer.send(f"{tag} NO Mailbox is read-only")
            return True
        uid = int(words[1])
        for number, message in enumerate(store.folder(str(folder)), start=1):
            if message.uid == uid and "+FLAGS" in words[2].upper():
                message.flags.add("\\Deleted")
                peer.send(f"* {number} FETCH (UID {uid} FLAGS ({' '.join(sorted(message.flags))}))")
        peer.send(f"{tag} OK STORE completed")
    elif command == "UID EXPUNGE" and folder is not None and uidplus:
        uid = int(words[1])
        gone = [m for m in store.folder(str(folder)) if m.uid == uid and "\\Deleted" in m.flags]
        _expunge(peer, store, str(folder), gone)
        peer.send(f"{tag} OK EXPUNGE completed")
    elif command == "EXPUNGE" and folder is not None:
        _expunge(peer, store, str(folder), [m for m in store.folder(str(folder)) if "\\Deleted" in m.flags])
        peer.send(f"{tag} OK EXPUNGE completed")
    elif command == "NOOP":
        peer.send(f"{tag} OK NOOP completed")
    else:
        return False
    return True


def _expunge(peer: Peer, store: MailStore, folder: str, gone: list[StoredMessage]) -> None:
    messages = store.folder(folder)
    for message in reversed(gone):
        peer.send(f"* {messages.index(message) + 1} EXPUNGE")
    store.remove(gone)


def _answer_imap(peer: Peer, tag: str, ok: bool) -> None:
    peer.send(
        f"{tag} OK [CAPABILITY IMAP4rev1] Logged in"
        if ok
        else f"{tag} NO [AUTHENTICATIONFAILED] Authentication failed."
    )


def pop3_behaviour(
    context: ssl.SSLContext,
    users: dict[str, str],
    *,
    implicit_tls: bool = False,
    sasl: tuple[str, ...] = ("PLAIN",),
    user_command: bool = True,
    echo_failed_password: bool = False,
    accept_any: bool = False,
    store: MailStore | None = None,
    uidl: bool = True,
) -> Behaviour:
    """`echo_failed_password`: a broken server that quotes what it was sent in its error;
    `accept_any`: one whose PASS and AUTH let anyone in. With a `store`, its INBOX is the
    maildrop, taken at login: UIDL (with `uidl`), STAT, TOP, DELE, committed by QUIT."""

    def behave(peer: Peer) -> None:
        if implicit_tls:
            peer.starttls(context)
        peer.send("+OK fake POP3 ready")
        user = ""
        drop: list[StoredMessage] | None = None
        deleted: list[StoredMessage] = []
        while (line := peer.recv_line()) is not None:
            command, _, args = line.partition(" ")
            command = command.upper()
            if store is not None and command in ("UIDL", "STAT", "TOP", "DELE") and drop is None:
                drop = store.folder("INBOX")  # the maildrop, as of the first command after login
            if store is not None and drop is not None and command == "UIDL" and uidl:
                listing = [f"{n} uid-{m.uid}" for n, m in enumerate(drop, start=1) if m not in deleted]
                peer.send("+OK\r\n" + "".join(f"{entry}\r\n" for entry in listing) + ".")
            elif store is not None and drop is not None and command == "STAT":
                peer.send(f"+OK {len(drop)} {sum(len(m.data) for m in drop)}")
            elif store is not None and drop is not None and command == "TOP":
                number = int(args.split()[0])
                message = drop[number - 1]
                head = message.data.split(b"\r\n\r\n", 1)[0].decode()
                peer.send("+OK\r\n" + head + "\r\n\r\n.")
            elif store is not None and drop is not None and command == "DELE":
                deleted.append(drop[int(args) - 1])
                peer.send("+OK message deleted")
            elif command == "QUIT" and store is not None:
                store.remove(deleted)
                peer.send("+OK Logging out, messages deleted.")
                return
            elif command == "CAPA":
                caps = ["TOP", "UIDL"] + (["STLS"] if not peer.tls else [])
                if peer.tls:
                    caps += (["USER"] if user_command else []) + ([f"SASL {' '.join(sasl)}"] if sasl else [])
                peer.send("+OK Capability list follows\r\n" + "\r\n".join(caps) + "\r\n.")
            elif command == "STLS" and not peer.tls:
                peer.send("+OK Begin TLS negotiation")
                peer.starttls(context)
            elif command == "USER" and peer.tls:
                user = args
                peer.send("+OK")
            elif command == "PASS" and peer.tls:
                ok = accept_any or users.get(user) == args
                peer.send(
                    "+OK Logged in."
                    if ok
                    else "-ERR [AUTH] Authentication failed." + (f" (got {args})" if echo_failed_password else "")
                )
            elif command == "AUTH" and peer.tls:
                _mechanism, _, initial = args.partition(" ")
                if not initial:
                    peer.send("+ ")
                    initial = peer.recv_line() or ""
                _, who, password = base64.b64decode(initial).decode().split("\0")
                ok = accept_any or users.get(who) == password
                peer.send(
                    "+OK Logged in."
                    if ok
                    else "-ERR [AUTH] Authentication failed." + (f" (got {initial})" if echo_failed_password else "")
                )
            elif command == "QUIT":
                peer.send("+OK Logging out.")
                return
            else:
                peer.send("-ERR command not allowed now")

    return behave


# -- DNS: resolvers on loopback, one that knows no name, one that knows every name as 127.0.0.1


@dataclass
class NxdomainResolver:
    port: int
    queries: list[str]
    sock: socket.socket

    def close(self) -> None:
        self.sock.close()


def start_nxdomain_resolver() -> NxdomainResolver:
    """Answers every query with NXDOMAIN, so a DNS failure is tested without any query leaving."""
    return _start_resolver(loopback_answers=False)


def start_loopback_resolver() -> NxdomainResolver:
    """Answers every A query with 127.0.0.1 (and AAAA with no record), keeping the names asked."""
    return _start_resolver(loopback_answers=True)


def _start_resolver(*, loopback_answers: bool) -> NxdomainResolver:
    import dns.message
    import dns.rcode
    import dns.rdatatype
    import dns.rrset

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((HOST, 0))
    queries: list[str] = []

    def serve() -> None:
        while True:
            try:
                data, peer = sock.recvfrom(4096)
            except OSError:
                return
            query = dns.message.from_wire(data)
            question = query.question[0]
            queries.append(str(question.name))
            response = dns.message.make_response(query)
            if not loopback_answers:
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif question.rdtype == dns.rdatatype.A:
                response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "A", HOST))
            sock.sendto(response.to_wire(), peer)

    threading.Thread(target=serve, daemon=True).start()
    return NxdomainResolver(sock.getsockname()[1], queries, sock)


# -- ports that do not answer as a server would


def closed_port() -> socket.socket:
    """A bound socket that does not listen: connections to its port are refused."""
    sock = socket.socket()
    sock.bind((HOST, 0))
    return sock


def silent_listener(backlog: int = 512) -> socket.socket:
    """A listener that never accepts: the kernel completes connections, nothing is ever said."""
    sock = socket.socket()
    sock.bind((HOST, 0))
    sock.listen(backlog)
    return sock


def full_backlog_listener() -> tuple[socket.socket, list[socket.socket]]:
    """A listener whose accept queue is full: further connection requests (SYNs) are dropped,
    so a client's connect times out, all on loopback."""
    sock = socket.socket()
    sock.bind((HOST, 0))
    sock.listen(0)
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(sock.getsockname())
        except BlockingIOError:
            pass
        fillers.append(filler)
    time.sleep(0.1)
    return sock, fillers
