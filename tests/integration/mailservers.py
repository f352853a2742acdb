"""Real Postfix + Dovecot instances on loopback for mailcheck's integration tests.

``MailServers`` runs a private, self-contained Postfix and Dovecot (Debian
packages, see ``.ci/install-mail-servers.sh``) from a throw-away directory under
/tmp, on free high ports of 127.0.0.1 (and 127.0.0.2 for the cleartext ports),
with a trustme CA the tests can trust.  The stock configurations in /etc/postfix
and /etc/dovecot are neither used nor changed, mail never leaves the machine
(``default_transport = error:...``), and no systemd is needed.

Usage::

    with MailServers() as servers:
        smtp = smtplib.SMTP(servers.host, servers.ports.smtp_starttls, timeout=5)
        ...
        message = servers.wait_for_message(servers.alice.address, message_id)

Must run as root (Postfix and Dovecot start as root and drop privileges).
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import grp
import imaplib
import os
import pwd
import select
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType

import trustme

POSTFIX_BIN = "/usr/sbin/postfix"
DOVECOT_BIN = "/usr/sbin/dovecot"

#: The address every service listens on; the certificate is valid for it.
HOST = "127.0.0.1"
#: Second loopback address for the cleartext ports.  Dovecot treats a connection
#: whose client IP equals the server IP as secure and then allows plaintext
#: login; clients connecting to 127.0.0.2 get source address 127.0.0.1, so over
#: this address Dovecot really refuses cleartext authentication.
CLEARTEXT_HOST = "127.0.0.2"
#: Name to use for TLS server_hostname (the certificate also covers both IPs).
TLS_HOSTNAME = "localhost"
CERT_IDENTITIES = ("localhost", HOST, CLEARTEXT_HOST)

MAIL_DOMAIN = "example.test"
MAIL_HOSTNAME = f"mail.{MAIL_DOMAIN}"
#: Unix account that owns the Maildirs (Postfix virtual and Dovecot both act as it).
MAIL_ACCOUNT = "mail"

START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
LOG_TAIL_LINES = 40


class MailServersError(RuntimeError):
    """Raised when the servers cannot be started or stopped; the message carries log tails."""


@dataclass(frozen=True)
class MailUser:
    """A mailbox account; ``address`` is also the login name."""

    address: str
    password: str

    @property
    def local_part(self) -> str:
        return self.address.split("@", 1)[0]


@dataclass(frozen=True)
class MailPorts:
    """TCP ports of each service.  ``*_starttls`` ports are cleartext until STARTTLS/STLS."""

    smtp_starttls: int  # submission-like: STARTTLS required, AUTH only after TLS
    smtp_tls: int  # "submissions": implicit TLS (wrappermode)
    imap_starttls: int
    imap_tls: int
    pop3_starttls: int
    pop3_tls: int


ALICE = MailUser(f"alice@{MAIL_DOMAIN}", "alice-Secret-1")
BOB = MailUser(f"bob@{MAIL_DOMAIN}", "bob-Secret-2")
#: Services that also listen on CLEARTEXT_HOST (same port numbers as on HOST).
CLEARTEXT_SERVICES = ("smtp_starttls", "imap_starttls", "pop3_starttls")
#: First bytes of each protocol's greeting, to know a port is really served.
GREETINGS = {"smtp": b"220 ", "imap": b"* OK", "pop3": b"+OK"}


# --------------------------------------------------------------------------- ports


def pick_free_ports(names: tuple[str, ...], also_free_on: tuple[str, ...]) -> dict[str, int]:
    """Return a distinct free port on HOST per name.

    All probe sockets stay open until every port is chosen so no port is handed
    out twice.  A port for a name in ``also_free_on`` must also be bindable on
    CLEARTEXT_HOST, because that service listens there too with the same number.
    """
    held: list[socket.socket] = []
    chosen: dict[str, int] = {}
    try:
        for name in names:
            for _attempt in range(50):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                held.append(sock)
                sock.bind((HOST, 0))
                port = sock.getsockname()[1]
                if name not in also_free_on or _bindable(CLEARTEXT_HOST, port, held):
                    chosen[name] = port
                    break
            else:
                raise MailServersError(f"no port free on both {HOST} and {CLEARTEXT_HOST}")
    finally:
        for sock in held:
            sock.close()
    return chosen


def _bindable(address: str, port: int, held: list[socket.socket]) -> bool:
    """Whether (address, port) can be bound; keeps the socket in ``held`` if so."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((address, port))
    except OSError:
        sock.close()
        return False
    held.append(sock)
    return True


# --------------------------------------------------------------------------- files


def _make_dir(path: Path, mode: int = 0o755, owner: str | None = None) -> Path:
    """mkdir -p with an explicit mode (umask-proof) and optional owner."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(mode)
    if owner is not None:
        shutil.chown(path, owner, _primary_group(owner))
    return path


def _primary_group(user: str) -> str:
    return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name


def _write(path: Path, text: str | bytes, mode: int = 0o644) -> Path:
    """Write a file, backdating its mtime.

    Postfix re-reads main.cf every 300 ms until its mtime is older than the
    current second (a guard against half-written files): backdating saves
    ~1.5 s per postfix command.
    """
    data = text.encode() if isinstance(text, str) else text
    path.write_bytes(data)
    path.chmod(mode)
    backdated = time.time() - 60
    os.utime(path, (backdated, backdated))
    return path


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        content = path.read_text(errors="replace").splitlines()
    except OSError as exc:
        return f"(cannot read {path}: {exc})"
    return "\n".join(content[-lines:]) or "(empty)"


# --------------------------------------------------------------------------- configs


def postfix_main_cf(root: Path, tls_cert: Path, tls_key: Path, sasl_socket: Path) -> str:
    """main.cf of a Postfix that delivers only to virtual Maildirs and logs to a file.

    Every directory is explicit so nothing under /etc/postfix or /var/spool is used;
    maillog_file must sit under maillog_file_prefixes or every postfix command
    exits 1 without a word.
    """
    mail_uid = pwd.getpwnam(MAIL_ACCOUNT).pw_uid
    mail_gid = pwd.getpwnam(MAIL_ACCOUNT).pw_gid
    no_outside = "error:5.7.1 mail leaves nowhere in the mailcheck test harness"
    return f"""\
compatibility_level = 3.6
queue_directory = {root}/postfix/queue
data_directory = {root}/postfix/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = {root}/log/postfix.log
maillog_file_prefixes = {root}/log
myhostname = {MAIL_HOSTNAME}
mydomain = {MAIL_DOMAIN}
myorigin = $mydomain
mydestination =
mynetworks = 127.0.0.1/32
# Only real interface addresses are allowed here (127.0.0.2 is fatal); master.cf
# binds its explicit host:port listeners, 127.0.0.2 included, regardless.
inet_interfaces = {HOST}
inet_protocols = ipv4
smtpd_banner = $myhostname ESMTP mailcheck-test
biff = no
append_dot_mydomain = no
readme_directory = no
alias_maps =
alias_database =
local_recipient_maps =
local_transport = {no_outside}
default_transport = {no_outside}
relay_transport = {no_outside}
virtual_mailbox_domains = {MAIL_DOMAIN}
virtual_mailbox_base = {root}/mail
virtual_mailbox_maps = texthash:{root}/postfix/etc/virtual_mailboxes
virtual_minimum_uid = {mail_uid}
virtual_uid_maps = static:{mail_uid}
virtual_gid_maps = static:{mail_gid}
smtpd_tls_cert_file = {tls_cert}
smtpd_tls_key_file = {tls_key}
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_sasl_type = dovecot
smtpd_sasl_path = {sasl_socket}
smtpd_sasl_auth_enable = no
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
# No 1 s pause before each 4xx/5xx reply: the probe tests provoke many of them.
smtpd_error_sleep_time = 0
"""


SUBMISSION_OPTIONS = (
    "-o smtpd_sasl_auth_enable=yes",
    "-o smtpd_tls_auth_only=yes",
    "-o smtpd_recipient_restrictions=",
    "-o smtpd_relay_restrictions=permit_sasl_authenticated,reject",
    "-o milter_macro_daemon_name=ORIGINATING",
)

#: Postfix's internal services; chroot is "n" everywhere (no init script copies files in).
POSTFIX_INTERNAL_SERVICES = """\
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def postfix_master_cf(ports: MailPorts) -> str:
    """master.cf: STARTTLS submission on both loopback addresses, implicit TLS on HOST."""

    def smtpd(address: str, port: int, log_name: str, extra: tuple[str, ...]) -> str:
        options = (f"-o syslog_name=postfix/{log_name}",) + extra + SUBMISSION_OPTIONS
        return f"{address}:{port} inet n - n - - smtpd\n" + "".join(f"  {o}\n" for o in options)

    starttls = ("-o smtpd_tls_security_level=encrypt",)
    wrapper = ("-o smtpd_tls_wrappermode=yes", "-o smtpd_tls_security_level=encrypt")
    return (
        smtpd(HOST, ports.smtp_starttls, "submission", starttls)
        + smtpd(CLEARTEXT_HOST, ports.smtp_starttls, "submission-cleartext-host", starttls)
        + smtpd(HOST, ports.smtp_tls, "submissions", wrapper)
        + POSTFIX_INTERNAL_SERVICES
    )


def passwd_file_passdb(root: Path) -> str:
    """The normal passdb: the users file written by the harness, plaintext passwords."""
    return f"""\
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/dovecot/users
}}
"""


#: A passdb that accepts every password for every user (Dovecot's static passdb with
#: ``nopassword``): what a misconfigured server does, for MC521.
ANY_PASSWORD_PASSDB = """\
passdb {
  driver = static
  args = nopassword=y
}
"""


def dovecot_conf(
    root: Path,
    ports: MailPorts,
    tls_cert: Path,
    tls_key: Path,
    *,
    name: str = "dovecot",
    passdb: str | None = None,
) -> str:
    """A complete dovecot.conf (no includes) for IMAP/POP3 with and without implicit TLS.

    ``auth_failure_delay = 0`` and the closed anvil-auth-penalty listener keep failed
    logins from slowing (and eventually timing out) the following good ones.  ``name``
    is the instance's directory under ``root`` (and its log's name); ``passdb`` replaces
    the users-file passdb.
    """
    cleartext_addresses = f"{HOST}, {CLEARTEXT_HOST}"
    instance = f"mailcheck-test-{root.name}" + ("" if name == "dovecot" else f"-{name}")
    passdb_block = passwd_file_passdb(root) if passdb is None else passdb
    return f"""\
instance_name = {instance}
base_dir = {root}/{name}/run
state_dir = {root}/{name}/state
log_path = {root}/log/{name}.log
info_log_path = {root}/log/{name}.log
protocols = imap pop3
listen = {HOST}
ssl = required
ssl_cert = <{tls_cert}
ssl_key = <{tls_key}
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0
auth_verbose = yes
first_valid_uid = {pwd.getpwnam(MAIL_ACCOUNT).pw_uid}
mail_location = maildir:{root}/mail/%d/%n
{passdb_block}userdb {{
  driver = static
  args = uid={MAIL_ACCOUNT} gid={_primary_group(MAIL_ACCOUNT)} home={root}/mail/%d/%n
}}
service imap-login {{
  inet_listener imap {{
    address = {cleartext_addresses}
    port = {ports.imap_starttls}
  }}
  inet_listener imaps {{
    address = {HOST}
    port = {ports.imap_tls}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    address = {cleartext_addresses}
    port = {ports.pop3_starttls}
  }}
  inet_listener pop3s {{
    address = {HOST}
    port = {ports.pop3_tls}
    ssl = yes
  }}
}}
service auth {{
  unix_listener auth-postfix {{
    mode = 0660
    user = postfix
    group = postfix
  }}
}}
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""


# --------------------------------------------------------------------------- processes


def _process_state(pid: int) -> str | None:
    """The state letter from /proc/PID/stat, or None if no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def _alive(pid: int) -> bool:
    """Running and not a zombie (a daemon's parent may never reap it here)."""
    return _process_state(pid) not in (None, "Z")


def _session_members(session_id: int) -> list[int]:
    """PIDs of live processes in a session: a daemon master and all its children."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            after_comm = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after_comm: state ppid pgrp session ...
        if int(after_comm[3]) == session_id and after_comm[0] != "Z":
            members.append(int(entry.name))
    return members


def _is_daemon(pid: int, comm: str) -> bool:
    """Whether PID is a live process named ``comm`` (guards against stale or reused PIDs)."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == comm and _alive(pid)
    except OSError:
        return False


@dataclass
class Daemon:
    """A daemon master known by its pid file and process name (/proc/PID/comm)."""

    pid_file: Path
    comm: str
    started_pid: int | None = None

    def pid_from_file(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if _is_daemon(pid, self.comm) else None

    def running_pid(self) -> int | None:
        """The pid file's PID, else the one seen at start (Dovecot removes its pid file on exit)."""
        pid = self.pid_from_file()
        if pid is None and self.started_pid is not None and _is_daemon(self.started_pid, self.comm):
            pid = self.started_pid
        return pid


def _wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Poll ``condition()`` until it is true (-> True) or ``timeout`` seconds pass (-> False)."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def stop_daemons(masters: list[int], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM each master, wait (bounded) for its whole session to exit, then SIGKILL stragglers.

    Both masters call setsid(), so a master's PID is its children's session id;
    waiting on the session makes sure no smtpd/imap-login outlives the test.
    """

    def sessions_gone() -> bool:
        return not any(_session_members(pid) for pid in masters)

    for pid in masters:
        _signal(pid, signal.SIGTERM)
    if _wait_until(sessions_gone, timeout):
        return
    for pid in masters:
        for member in _session_members(pid):
            _signal(member, signal.SIGKILL)
    _wait_until(sessions_gone, 2.0)


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # it exited meanwhile: fine
        os.kill(pid, sig)


def _run_logged(argv: list[str], log_file: Path, timeout: float = START_TIMEOUT) -> int:
    """Run a daemon's start command; return its exit code (-1 on timeout).

    Output goes to a file, not a pipe: Dovecot keeps inherited fds open, so a pipe
    would never reach EOF.  A new session keeps the daemons out of our process group.
    """
    with log_file.open("ab") as log:
        try:
            return subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                start_new_session=True,
                check=False,
            ).returncode
        except subprocess.TimeoutExpired:
            return -1


def _run_on_terminal(argv: list[str], timeout: float = 10.0) -> str:
    """Run a command with stderr on a pseudo-terminal and return what it printed.

    Postfix commands print errors to stderr only when it is a terminal; otherwise
    they go to syslog (no /dev/log here) before maillog_file is even read.
    """
    controller, terminal = os.openpty()
    try:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal, start_new_session=True
        )
        os.close(terminal)
        terminal = -1
        output = bytearray()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.1)
            try:
                chunk = os.read(controller, 4096) if ready else b""
            except OSError:  # EIO: the command exited and closed the terminal
                break
            if ready and not chunk:
                break
            output += chunk
        if process.poll() is None:
            process.kill()
        process.wait(timeout=5)
        return output.decode(errors="replace").strip() or "(no output)"
    finally:
        os.close(controller)
        if terminal != -1:
            os.close(terminal)


# --------------------------------------------------------------------------- readiness


def read_greeting(address: str, port: int, protocol: str, tls_context: ssl.SSLContext | None, timeout: float) -> bytes:
    """Connect (with implicit TLS if a context is given) and return the first server line."""
    with socket.create_connection((address, port), timeout=timeout) as raw:
        raw.settimeout(timeout)
        sock = tls_context.wrap_socket(raw, server_hostname=TLS_HOSTNAME) if tls_context else raw
        with sock:
            line = sock.makefile("rb").readline(1024)
    if not line.startswith(GREETINGS[protocol]):
        raise ConnectionError(f"unexpected {protocol} greeting on {address}:{port}: {line!r}")
    return line


def wait_for_greeting(
    address: str, port: int, protocol: str, tls_context: ssl.SSLContext | None, timeout: float
) -> None:
    """Retry ``read_greeting`` until it succeeds; MailServersError once ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            read_greeting(address, port, protocol, tls_context, timeout=2.0)
            return
        except (OSError, ssl.SSLError) as exc:
            if time.monotonic() >= deadline:
                raise MailServersError(f"{protocol} on {address}:{port} not ready: {exc!r}") from exc
            time.sleep(0.05)


# --------------------------------------------------------------------------- the harness


class MailServers:
    """Private Postfix + Dovecot on loopback; a context manager (``start`` / ``stop``).

    Attributes:
        host            "127.0.0.1": every service listens here.
        cleartext_host  "127.0.0.2": the STARTTLS ports also listen here; connect via it
                        to see cleartext login refused (Dovecot trusts client IP == server IP).
        tls_hostname    "localhost": server_hostname for TLS (cert also covers both IPs).
        domain          "example.test", delivered locally into Maildirs.
        alice, bob      MailUser(address, password); ``users`` is both, alice first.
    After ``start``:
        ports           MailPorts(smtp_starttls, smtp_tls, imap_starttls, imap_tls,
                        pop3_starttls, pop3_tls).
        ca_file         Path of the trustme CA certificate (PEM).
        workdir         the private directory under /tmp (removed by ``stop``).
    """

    host = HOST
    cleartext_host = CLEARTEXT_HOST
    tls_hostname = TLS_HOSTNAME
    domain = MAIL_DOMAIN
    alice = ALICE
    bob = BOB
    users: tuple[MailUser, ...] = (ALICE, BOB)

    def __init__(self, start_timeout: float = START_TIMEOUT) -> None:
        self.start_timeout = start_timeout
        self.workdir: Path | None = None
        self._ports: MailPorts | None = None
        self._ca_file: Path | None = None
        self._daemons: list[Daemon] = []

    # ----- lifecycle

    def __enter__(self) -> MailServers:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Write configs, start both servers and wait until every port greets and a login works.

        On failure everything started is stopped, the directory removed, and
        MailServersError raised with the tails of the server logs.
        """
        if self.workdir is not None:
            raise MailServersError("already started")
        self.workdir = Path(tempfile.mkdtemp(prefix="mailcheck-mailservers-", dir="/tmp"))
        self.workdir.chmod(0o755)  # postfix, dovecot and mail users must traverse it
        try:
            self._prepare()
            self._start_postfix()
            self._start_dovecot()
            self._wait_until_ready()
        except Exception as exc:
            report = self.log_tails()
            self.stop()
            raise MailServersError(f"mail servers failed to start: {exc}\n{report}") from exc

    def stop(self) -> None:
        """Stop both masters by their PIDs (comm checked, bounded wait); remove the directory."""
        if self.workdir is None:
            return
        stop_daemons([pid for pid in (d.running_pid() for d in self._daemons) if pid is not None])
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir = None
        self._daemons = []

    # ----- connection details

    @property
    def ports(self) -> MailPorts:
        if self._ports is None:
            raise MailServersError("mail servers are not started")
        return self._ports

    @property
    def ca_file(self) -> Path:
        if self._ca_file is None:
            raise MailServersError("mail servers are not started")
        return self._ca_file

    def client_context(self) -> ssl.SSLContext:
        """A verifying client SSLContext that trusts only the harness CA."""
        return ssl.create_default_context(cafile=str(self.ca_file))

    # ----- mailbox access

    def maildir(self, address: str) -> Path:
        """The Maildir Postfix delivers to and Dovecot serves for ``address``."""
        local_part, domain = address.split("@", 1)
        return self._root / "mail" / domain / local_part

    def messages(self, address: str) -> list[EmailMessage]:
        """All messages in the user's INBOX (new/ and cur/), in delivery order."""
        maildir = self.maildir(address)
        files = sorted(
            (p for sub in ("new", "cur") if (maildir / sub).is_dir() for p in (maildir / sub).iterdir()),
            key=lambda p: p.name,  # Maildir names start with the delivery time
        )
        messages = []
        for path in files:
            try:
                messages.append(_parse_message(path))
            except FileNotFoundError:
                pass  # Dovecot moved it from new/ to cur/ meanwhile; the next call sees it
        return messages

    def find_message(self, address: str, message_id: str) -> EmailMessage | None:
        """The delivered message with this Message-ID (angle brackets optional), if any."""
        wanted = message_id.strip().strip("<>")
        for message in self.messages(address):
            if str(message.get("Message-ID", "")).strip().strip("<>") == wanted:
                return message
        return None

    def wait_for_message(self, address: str, message_id: str, timeout: float = 10.0) -> EmailMessage:
        """Poll the Maildir until the message arrives; TimeoutError (with log tails) if not."""
        found: list[EmailMessage] = []

        def arrived() -> bool:
            message = self.find_message(address, message_id)
            if message is not None:
                found.append(message)
            return message is not None

        if not _wait_until(arrived, timeout, interval=0.1):
            raise TimeoutError(f"message {message_id} not delivered to {address} in {timeout}s\n{self.log_tails()}")
        return found[0]

    # ----- a second Dovecot

    @contextlib.contextmanager
    def extra_dovecot(self, name: str, passdb: str, timeout: float = START_TIMEOUT) -> Iterator[MailPorts]:
        """Run another Dovecot beside the first, with its own passdb, ports and directory.

        Yields MailPorts whose imap_* and pop3_* ports are the new instance's (also on
        CLEARTEXT_HOST, as the first one's) and whose smtp_* ports are the shared Postfix's
        (whose SASL still goes to the first Dovecot).  It serves the same Maildirs with the
        same certificate, logs to ``log/<name>.log``, and is stopped by PID (bounded wait)
        and its directory removed on exit; the first instance is never touched.
        """
        root = self._root
        if name in ("dovecot", "postfix", "log", "tls", "mail") or not name.isidentifier():
            raise MailServersError(f"unusable name for a second Dovecot: {name!r}")
        wanted = ("imap_starttls", "imap_tls", "pop3_starttls", "pop3_tls")
        chosen = pick_free_ports(wanted, also_free_on=CLEARTEXT_SERVICES)
        ports = MailPorts(smtp_starttls=self.ports.smtp_starttls, smtp_tls=self.ports.smtp_tls, **chosen)
        directory = _make_dir(root / name)
        config = _write(
            directory / "dovecot.conf",
            dovecot_conf(
                root, ports, root / "tls" / "server.pem", root / "tls" / "server.key", name=name, passdb=passdb
            ),
        )
        daemon = Daemon(directory / "run" / "master.pid", "dovecot")
        self._daemons.append(daemon)  # so that stop() ends it too, should this block not
        try:
            try:
                self._start_extra_dovecot(name, config, daemon, ports, timeout)
            except MailServersError as exc:
                raise MailServersError(f"{exc}\n{self.log_tails()}") from exc
            yield ports
        finally:
            pid = daemon.running_pid()
            if pid is not None:
                stop_daemons([pid])
            self._daemons.remove(daemon)
            shutil.rmtree(directory, ignore_errors=True)

    # ----- diagnostics

    def log_tails(self, lines: int = LOG_TAIL_LINES) -> str:
        """Last lines of every log in the working directory, for failure messages."""
        if self.workdir is None or not (self.workdir / "log").is_dir():
            return "(no logs)"
        return "\n".join(
            f"--- {log.name} (last {lines} lines) ---\n{_tail(log, lines)}"
            for log in sorted((self.workdir / "log").iterdir())
        )

    # ----- internals

    @property
    def _root(self) -> Path:
        if self.workdir is None:
            raise MailServersError("mail servers are not started")
        return self.workdir

    def _prepare(self) -> None:
        """Choose ports, issue certificates, create directories, users and configs."""
        root = self._root
        names = tuple(f.name for f in fields(MailPorts))
        self._ports = MailPorts(**pick_free_ports(names, also_free_on=CLEARTEXT_SERVICES))
        # Queue and data directories live outside the config directory: postfix-script
        # warns about every non-root file under config_directory.
        for sub in ("tls", "log", "postfix/etc", "postfix/queue", "dovecot"):
            _make_dir(root / sub)
        _make_dir(root / "postfix" / "data", 0o700, owner="postfix")
        _make_dir(root / "mail", 0o755, owner=MAIL_ACCOUNT)
        cert, key = self._write_tls(root / "tls")
        for user in self.users:
            self._make_maildir(user.address)
        _write(
            root / "postfix" / "etc" / "virtual_mailboxes",
            "".join(f"{u.address} {MAIL_DOMAIN}/{u.local_part}/\n" for u in self.users),
        )
        users_file = _write(
            root / "dovecot" / "users",
            "".join(f"{u.address}:{{PLAIN}}{u.password}\n" for u in self.users),
            mode=0o640,
        )
        shutil.chown(users_file, "root", "dovecot")  # read by the auth process, user dovecot
        sasl_socket = root / "dovecot" / "run" / "auth-postfix"
        _write(root / "postfix" / "etc" / "main.cf", postfix_main_cf(root, cert, key, sasl_socket))
        _write(root / "postfix" / "etc" / "master.cf", postfix_master_cf(self.ports))
        _write(root / "dovecot" / "dovecot.conf", dovecot_conf(root, self.ports, cert, key))
        self._daemons = [
            Daemon(root / "postfix" / "queue" / "pid" / "master.pid", "master"),
            Daemon(root / "dovecot" / "run" / "master.pid", "dovecot"),
        ]

    def _write_tls(self, directory: Path) -> tuple[Path, Path]:
        """trustme CA (public file for clients) and a root-only server key + chain."""
        ca = trustme.CA()
        leaf = ca.issue_cert(*CERT_IDENTITIES)
        self._ca_file = _write(directory / "ca.pem", ca.cert_pem.bytes())
        cert = _write(directory / "server.pem", b"".join(p.bytes() for p in leaf.cert_chain_pems))
        key = _write(directory / "server.key", leaf.private_key_pem.bytes(), mode=0o600)
        return cert, key

    def _make_maildir(self, address: str) -> None:
        """Pre-create the user's Maildir, owned by the account both servers deliver as."""
        maildir = self.maildir(address)
        _make_dir(maildir.parent, 0o755, owner=MAIL_ACCOUNT)
        for sub in ("", "new", "cur", "tmp"):
            _make_dir(maildir / sub, 0o700, owner=MAIL_ACCOUNT)

    def _start_postfix(self) -> None:
        config_dir = str(self._root / "postfix" / "etc")
        if _run_logged([POSTFIX_BIN, "-c", config_dir, "start"], self._root / "log" / "postfix-start.log"):
            # Early fatal errors (bad main.cf) go to syslog, absent here, or to a terminal.
            check = _run_on_terminal([POSTFIX_BIN, "-c", config_dir, "check"])
            raise MailServersError(f"`postfix start` failed; `postfix check` says: {check}")
        self._remember_pid(self._daemons[0], "postfix")

    def _start_dovecot(self) -> None:
        argv = [DOVECOT_BIN, "-c", str(self._root / "dovecot" / "dovecot.conf")]
        if _run_logged(argv, self._root / "log" / "dovecot-start.log"):
            raise MailServersError("`dovecot` failed to start")
        self._remember_pid(self._daemons[1], "dovecot")

    def _start_extra_dovecot(self, name: str, config: Path, daemon: Daemon, ports: MailPorts, timeout: float) -> None:
        """Start the instance of ``extra_dovecot`` and wait (bounded) until its ports greet."""
        if _run_logged([DOVECOT_BIN, "-c", str(config)], self._root / "log" / f"{name}-start.log", timeout=timeout):
            raise MailServersError(f"`dovecot` ({name}) failed to start")
        self._remember_pid(daemon, f"dovecot ({name})")
        deadline = time.monotonic() + timeout
        context = self.client_context()
        for address, port, protocol, implicit_tls in self._endpoints(ports):
            if protocol != "smtp":
                remaining = max(0.5, deadline - time.monotonic())
                wait_for_greeting(address, port, protocol, context if implicit_tls else None, remaining)

    def _remember_pid(self, daemon: Daemon, name: str) -> None:
        """Wait (bounded) for the daemon's pid file and keep its PID for ``stop``."""
        if not _wait_until(lambda: daemon.pid_from_file() is not None, 5.0):
            raise MailServersError(f"{name} wrote no pid file {daemon.pid_file}")
        daemon.started_pid = daemon.pid_from_file()

    def _endpoints(self, ports: MailPorts | None = None) -> list[tuple[str, int, str, bool]]:
        """(address, port, protocol, implicit_tls) for every listener we configured."""
        endpoints = []
        for name in (f.name for f in fields(MailPorts)):
            protocol, kind = name.split("_")
            port = getattr(ports or self.ports, name)
            endpoints.append((HOST, port, protocol, kind == "tls"))
            if name in CLEARTEXT_SERVICES:
                endpoints.append((CLEARTEXT_HOST, port, protocol, False))
        return endpoints

    def _wait_until_ready(self) -> None:
        """Every port greets (through TLS on implicit-TLS ports) and Dovecot accepts a login,
        all within the start timeout; a broken passdb would otherwise only show in the tests."""
        deadline = time.monotonic() + self.start_timeout
        context = self.client_context()
        for address, port, protocol, implicit_tls in self._endpoints():
            remaining = max(0.5, deadline - time.monotonic())
            wait_for_greeting(address, port, protocol, context if implicit_tls else None, remaining)
        self._check_login(context, timeout=max(0.5, deadline - time.monotonic()))

    def _check_login(self, context: ssl.SSLContext, timeout: float) -> None:
        """One IMAPS login as alice: proves certificates, passdb and mail storage work."""
        try:
            with imaplib.IMAP4_SSL(self.host, self.ports.imap_tls, ssl_context=context, timeout=timeout) as imap:
                imap.login(self.alice.address, self.alice.password)
                imap.select("INBOX", readonly=True)
        except (imaplib.IMAP4.error, OSError) as exc:
            raise MailServersError(f"IMAPS login as {self.alice.address} failed: {exc!r}") from exc


def _parse_message(path: Path) -> EmailMessage:
    """Parse a Maildir file with the modern email policy (EmailMessage API)."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message
