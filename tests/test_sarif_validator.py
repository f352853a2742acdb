"""Microsoft's SARIF validator, with GitHub's ingestion rules, on mailcheck's real output.

The verdict is the validator's: `.ci/validate-sarif.sh` runs `Sarif.Multitool validate
--rule-kind "Gh;Sarif"` and fails on any error or warning. Skipped when the npm tools are
not installed on a developer's machine; a failure in CI (CI=true).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli_run import BAD, mailcheck, repo, write
from tests.node_tools import ROOT, SARIF_MULTITOOL, require

SCRIPT = ROOT / ".ci" / "validate-sarif.sh"


def validate(*files: Path) -> subprocess.CompletedProcess[str]:
    require(SARIF_MULTITOOL, "Microsoft SARIF validator (@microsoft/sarif-multitool)")
    return subprocess.run(
        ["bash", str(SCRIPT), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def sarif_of(folder: Path, *paths: str) -> Path:
    out = folder / "mailcheck.sarif"
    result = mailcheck(folder, "check", "--output", f"sarif:{out}", *paths)
    assert result.exit_code in (0, 1), result.stderr
    return out


def test_the_examples_pass_the_validator(tmp_path: Path) -> None:
    # mailcheck runs from the repository, as CI does, so paths are repository-relative
    examples = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").glob("*.mail.yaml"))
    out = tmp_path / "examples.sarif"
    assert mailcheck(ROOT, "check", "--output", f"sarif:{out}", *examples).exit_code == 0
    verdict = validate(out)
    assert verdict.returncode == 0, verdict.stdout + verdict.stderr


def test_the_broken_examples_with_a_finding_for_every_rule_pass_the_validator(
    tmp_path: Path,
) -> None:
    out = tmp_path / "broken.sarif"
    assert mailcheck(ROOT, "check", "--output", f"sarif:{out}", "examples/broken").exit_code == 1
    results = json.loads(out.read_text())["runs"][0]["results"]
    assert len({r["ruleId"] for r in results}) >= 20
    verdict = validate(out)
    assert verdict.returncode == 0, verdict.stdout + verdict.stderr


def test_a_file_with_secrets_and_unreadable_yaml_passes_the_validator(
    tmp_path: Path,
) -> None:
    write(repo(tmp_path), "app.mail.yaml", BAD)
    (tmp_path / "broken.mail.yaml").write_bytes(b"version: 1\nprofiles: [\n")
    verdict = validate(sarif_of(tmp_path, "."))
    assert verdict.returncode == 0, verdict.stdout + verdict.stderr


def test_the_validator_script_rejects_a_log_github_would_reject(tmp_path: Path) -> None:
    # proves the check can fail: no ruleId, no region, an absolute path, no tool version
    bad = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "x"}},
                "results": [
                    {
                        "message": {"text": "m."},
                        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "file:///abs/x.yaml"}}}],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "bad.sarif"
    path.write_text(json.dumps(bad))
    verdict = validate(path)
    assert verdict.returncode != 0
    assert "SARIF1010" in verdict.stdout + verdict.stderr


def test_the_probe_report_passes_the_validator(tmp_path: Path) -> None:
    import socket

    pytest.importorskip("mailcheck.probe.runner", reason="the probe is not in this tree yet")
    with socket.socket() as probe_target:  # a loopback port that was free a moment ago: refused
        probe_target.bind(("127.0.0.1", 0))
        port = probe_target.getsockname()[1]
    profile = BAD.replace("smtp.example.com", "127.0.0.1").replace("port: 465", f"port: {port}")
    write(
        repo(tmp_path),
        "app.mail.yaml",
        profile.replace("    tls: {verify: false}\n", "    tls: {server_name: localhost}\n"),
    )
    out = tmp_path / "probe.sarif"
    result = mailcheck(tmp_path, "probe", "app.mail.yaml", "--output", f"sarif:{out}")
    assert result.exit_code == 1, result.stdout + result.stderr
    run = json.loads(out.read_text())["runs"][0]
    assert run["automationDetails"]["id"] == "mailcheck/probe/"
    assert "MC502" in {r["ruleId"] for r in run["results"]}  # connection refused, from the probe
    verdict = validate(out)
    assert verdict.returncode == 0, verdict.stdout + verdict.stderr
