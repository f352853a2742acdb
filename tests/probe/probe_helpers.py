"""What the probe tests share: the test account, profiles for loopback servers, and a
way to write them into a folder with the test CA and probe them."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trustme
from ruamel.yaml import YAML

from mailcheck.probe.options import ProbeOptions
from mailcheck.probe.report import ProbeReport, ProbeResult
from mailcheck.probe.runner import Target, probe_target, run_probe
from mailcheck.run import run_check
from tests.probe.probe_servers import HOST

USER = "alice@example.com"
PASSWORD = "Corr3ct-Horse-Battery-Staple"
SECRET_ENV = "MAILCHECK_TEST_PASSWORD"
USERS = {USER: PASSWORD}


@dataclass
class Probe:
    """Write profiles into a folder with the test CA, and probe them."""

    folder: Path
    ca: trustme.CA

    def write(self, profiles: dict[str, dict], name: str = "probe.mail.yaml") -> Path:
        (self.folder / "ca.pem").write_bytes(self.ca.cert_pem.bytes())
        path = self.folder / name
        with path.open("w") as handle:
            YAML().dump({"version": 1, "profiles": profiles}, handle)
        return path

    def run(self, profiles: dict[str, dict], **options: Any) -> ProbeReport:
        path = self.write(profiles)
        options.setdefault("environ", {SECRET_ENV: PASSWORD})
        concurrency = options.pop("concurrency", 128)
        return run_probe([path], options=ProbeOptions(**options), concurrency=concurrency)

    def unselected(self, profiles: dict[str, dict], **options: Any) -> dict[str, ProbeResult]:
        """Probe every profile of the file as written, valid or not, past the runner's selection:
        the wire layer's guards must hold even for a profile that selection would let through."""
        path = self.write(profiles)
        options.setdefault("environ", {SECRET_ENV: PASSWORD})
        check, settings = run_check([path])
        (file,) = check.results
        assert file.document is not None
        targets = [Target(file, name, body) for name, body in file.document.data["profiles"].items()]

        async def probe_all() -> list[ProbeResult]:
            return list(await asyncio.gather(*(probe_target(t, ProbeOptions(**options), settings) for t in targets)))

        return {result.profile: result for result in asyncio.run(probe_all())}

    def one(self, profile: dict, **options: Any) -> Timed:
        """Probe one profile; its result and the wall time the whole run took."""
        started = time.monotonic()
        report = self.run({"p": profile}, **options)
        (result,) = report.results
        return Timed(result, time.monotonic() - started, report)


@dataclass
class Timed:
    result: ProbeResult
    wall: float
    report: ProbeReport

    def __repr__(self) -> str:  # what a failing assertion shows: the steps and findings
        steps = "; ".join(f"{s.name} {s.status} {s.seconds:.2f}s {s.detail[:80]}" for s in self.result.steps)
        found = "; ".join(f"{f.rule} {f.message}" for f in self.result.findings)
        return f"<probe in {self.wall:.2f}s: steps: {steps} | findings: {found}>"

    @property
    def rules(self) -> list[str]:
        return [f.rule for f in self.result.findings]

    @property
    def finding(self):
        """The one finding of the probe."""
        (finding,) = self.result.findings
        return finding


def profile(protocol: str, port: int, security: str, *, login: bool = True, **extra: Any) -> dict:
    """A profile for HOST:port that trusts the test CA and, with `login`, logs in as alice.
    `tls={...}` and `auth={...}` add to those sections; other keywords set profile keys."""
    body: dict[str, Any] = {
        "protocol": protocol,
        "host": HOST,
        "port": port,
        "security": security,
        "timeout": extra.pop("timeout", 3),
    }
    if security != "none":
        body["tls"] = {"ca_file": "ca.pem", "server_name": "localhost", **extra.pop("tls", {})}
    if login:
        body["auth"] = {"username": USER, "password": {"env": SECRET_ENV}, **extra.pop("auth", {})}
    body.update(extra)
    return body


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def mailcheck(folder: Path, *args: str, env: dict[str, str] | None = None) -> CliResult:
    """`mailcheck ARGS` run in-process from `folder`, as a user would, without CI variables."""
    import os

    from click.testing import CliRunner

    from mailcheck.cli import cli

    before = Path.cwd()
    os.chdir(folder)
    try:
        variables = {"GITHUB_ACTIONS": None, "NO_COLOR": None, SECRET_ENV: PASSWORD, **(env or {})}
        result = CliRunner().invoke(cli, list(args), env=variables, catch_exceptions=False)
    finally:
        os.chdir(before)
    return CliResult(result.exit_code, result.stdout, result.stderr)
