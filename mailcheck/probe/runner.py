"""Run `probe` over paths: lint first, pick the structurally valid profiles, probe them
concurrently (each within its own timeout), and turn what each probe found into findings
located in the profile file, with every secret masked."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mailcheck.checker import FileResult, settle
from mailcheck.config import Settings
from mailcheck.findings import Finding
from mailcheck.format import profiles_of
from mailcheck.outcome import Outcome
from mailcheck.probe import DEFAULT_CONCURRENCY, srv
from mailcheck.probe.options import ProbeOptions
from mailcheck.probe.report import NotProbed, ProbeReport, ProbeResult
from mailcheck.probe.session import Session
from mailcheck.probe.tls import TlsContexts
from mailcheck.profile import ProfileView
from mailcheck.rules import probe_rule_of
from mailcheck.rules.base import ProfileContext
from mailcheck.run import RunError, run_check
from mailcheck.sources import Source

SAFETY_MARGIN = 1.0  # seconds past a profile's timeout before the runner abandons its probe

OnResult = Callable[[ProbeResult], None]


@dataclass(frozen=True)
class Target:
    file: FileResult
    name: str
    body: dict[str, Any]
    receiver: tuple[str, dict[str, Any]] | None = None  # --round-trip: the profile test.receive_with names

    @property
    def base_dir(self) -> Path:
        assert self.file.document is not None
        return self.file.document.path.parent


def run_probe(
    paths: list[Path],
    *,
    profiles: Iterable[str] = (),
    options: ProbeOptions | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    config_path: Path | None = None,
    on_start: Callable[[int], None] | None = None,
    on_result: OnResult | None = None,
    before_check: Callable[[list[Path]], None] | None = None,
    read_as: Source | None = None,
) -> ProbeReport:
    """Lint `paths`, probe the selected profiles; RunError for a usage problem.
    `before_check` is run_check's: it sees the files read before any is checked."""
    started = time.monotonic()
    check, settings = run_check(paths, config_path=config_path, before_check=before_check, read_as=read_as)
    wanted = frozenset(profiles)
    options = options or ProbeOptions()
    targets, not_probed = select(check.results, wanted, round_trip=options.round_trip)
    if on_start is not None:
        on_start(len(targets))
    results = asyncio.run(_probe_all(targets, options, settings, concurrency, on_result))
    return ProbeReport(check, results, not_probed, time.monotonic() - started, only=wanted)


def select(
    files: list[FileResult], wanted: frozenset[str], *, round_trip: bool = False
) -> tuple[list[Target], list[NotProbed]]:
    """The profiles to probe (all, or those named), and the selected ones that cannot be.
    With `round_trip`, an SMTP profile whose test.receive_with cannot be used is one."""
    targets: list[Target] = []
    not_probed: list[NotProbed] = []
    seen: set[str] = set()
    for file in files:
        profiles = profiles_of(file.document.data) if file.document is not None else None
        if profiles is None:
            if not wanted:
                not_probed.append(
                    NotProbed(file.file, None, "the file has no readable profiles (see the lint findings)")
                )
            continue
        for name in profiles:
            if wanted and name not in wanted:
                continue
            seen.add(name)
            unsafe = unsafe_values(file, str(name))
            deferred = file.document.deferred.get(str(name)) if file.document is not None else None
            if deferred:
                keys = ", ".join(".".join(k) for k in sorted(deferred))
                not_probed.append(NotProbed(file.file, name, f"the app reads {keys} only when it runs"))
            elif name not in file.valid_profiles:
                not_probed.append(NotProbed(file.file, name, "structurally invalid (see the lint findings)"))
            elif unsafe:
                not_probed.append(NotProbed(file.file, name, f"{unsafe} cannot be sent (see the lint findings)"))
            elif round_trip and (unusable := receiver_problem(file, str(name))):
                not_probed.append(NotProbed(file.file, name, f"the round trip cannot run: {unusable}"))
            else:
                body = file.valid_profiles[name]
                receiver = receiver_of(body) if round_trip else None
                targets.append(
                    Target(file, name, body, (receiver, file.valid_profiles[receiver]) if receiver else None)
                )
    missing = sorted(wanted - seen)
    if missing:
        raise RunError(f"no profile named {', '.join(map(repr, missing))} in the files given")
    return targets, not_probed


def receiver_of(body: dict[str, Any]) -> str | None:
    """The name an SMTP profile's test.receive_with gives, if it sets one (and test.send_to)."""
    test = body.get("test") if body.get("protocol") == "smtp" else None
    name = test.get("receive_with") if isinstance(test, dict) else None
    return name if isinstance(name, str) else None


def receiver_problem(file: FileResult, profile: str) -> str:
    """Why `profile`'s test.receive_with cannot receive its test message (MC404, or a
    receiving profile that is invalid or unsafe to send); empty when it can, or when the
    profile names none."""
    from mailcheck.rules.mc404_round_trip_receiver_unknown import receiver_problem as unknown

    name = receiver_of(file.valid_profiles[profile])
    if name is None:
        return ""
    assert file.document is not None
    problem = unknown(name, profiles_of(file.document.data))
    if problem is not None:
        return f"{problem} (MC404)"
    if name not in file.valid_profiles:
        return f"the receiving profile {name!r} is structurally invalid (see the lint findings)"
    if file.document.deferred.get(name):
        return f"the receiving profile {name!r} is read by its app only when it runs"
    unsafe = unsafe_values(file, name)
    return f"the receiving profile {name!r} has {unsafe}: it cannot be sent" if unsafe else ""


def unsafe_values(file: FileResult, profile: str) -> str:
    """The fields of `profile` that lint findings call unsafe to send (an invalid host or
    address, a control character), as "MC213 at auth.username"; empty when there are none.
    A suppressed finding does not stop the probe: its wire guard still refuses control
    characters."""
    from mailcheck.rules import all_rules

    rules = all_rules()
    unsafe = [
        f"{f.rule} at {f.path.split('.', 2)[-1]}"
        for f in file.findings
        if f.profile == profile and f.rule in rules and rules[f.rule].blocks_probe
    ]
    return ", ".join(dict.fromkeys(unsafe))


def effective_concurrency(requested: int) -> int:
    """`requested`, lowered if the open-file limit cannot take two sockets per probe."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, ValueError, OSError):  # no resource module on Windows
        return max(1, requested)
    if soft == resource.RLIM_INFINITY:
        return max(1, requested)
    return max(1, min(requested, (soft - 64) // 2))


async def _probe_all(
    targets: list[Target], options: ProbeOptions, settings: Settings, concurrency: int, on_result: OnResult | None
) -> list[ProbeResult]:
    gate = asyncio.Semaphore(effective_concurrency(concurrency))
    contexts = TlsContexts()  # one per distinct TLS setting for the whole run

    async def one(target: Target) -> ProbeResult:
        async with gate:
            result = await probe_target(target, options, settings, contexts)
        if on_result is not None:
            on_result(result)
        return result

    return list(await asyncio.gather(*(one(t) for t in targets)))


async def probe_target(
    target: Target, options: ProbeOptions, settings: Settings, contexts: TlsContexts | None = None
) -> ProbeResult:
    view = ProfileView(target.name, target.body)
    receiver = ProfileView(*target.receiver) if target.receiver is not None else None
    session = Session(view, target.base_dir, options, contexts=contexts, receiver=receiver)
    # --dns: beside the probe, on a deadline of its own, so that it changes nothing of it
    dns_srv = asyncio.ensure_future(srv.check(view, options)) if options.dns else None
    try:
        try:  # a round trip waits for the message after the profile's own timeout, within its window
            await asyncio.wait_for(session.run(), view.timeout + session.round_trip_window + SAFETY_MARGIN)
        except asyncio.TimeoutError:
            session.ran_out()
        if dns_srv is not None:
            step, outcomes = await dns_srv
            session.steps.insert(0, step)
            session.outcomes.extend(outcomes)
    finally:
        if dns_srv is not None:
            dns_srv.cancel()
    return _result(target, view, session, settings)


def _result(target: Target, view: ProfileView, session: Session, settings: Settings) -> ProbeResult:
    document = target.file.document
    assert document is not None

    def redact(text: str) -> str:  # the probe's own secrets, then any the file holds
        return target.file.redact(session.redact(text))

    context = ProfileContext(document, target.file.file, view)
    findings = [_finding(outcome, context, redact) for outcome in session.outcomes]
    capabilities = session.capabilities
    test_message = session.test_message
    return ProbeResult(
        profile=view.name,
        file=target.file.file,
        protocol=view.protocol.value,
        host=view.host,
        port=view.port,
        security=view.security.value,
        seconds=session.seconds,
        steps=[replace(s, detail=redact(s.detail)) for s in session.steps],
        tls=session.tls,
        auth_mechanisms=capabilities.offered() if capabilities is not None else None,
        login=session.login.value,
        test_message=replace(test_message, reply=redact(test_message.reply)) if test_message else None,
        findings=settle(findings, settings, document),
    )


def _finding(outcome: Outcome, context: ProfileContext, redact: Callable[[str], str]) -> Finding:
    """`outcome` as a finding of the rule whose module built it, at the first of its keys
    the profile writes, with every secret masked."""
    problem = context.problem(context.first_written(*outcome.keys), redact(outcome.message), redact(outcome.hint))
    return probe_rule_of(outcome).stamp(problem, context.file)
