"""The composite GitHub Action (action.yml): its inputs drive a real mailcheck run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.cli_run import BAD, GOOD, repo, write
from tests.node_tools import ROOT

ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))
MAILCHECK = Path(sys.executable).parent / "mailcheck"


def step(name: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if s.get("name") == name)


def run_check_step(folder: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    """The action's check step, with inputs as the runner passes them and the venv faked."""
    if not MAILCHECK.exists():
        pytest.skip("mailcheck is not installed next to this Python")
    runner_temp = folder / "runner-temp"
    (runner_temp / "mailcheck-venv" / "bin").mkdir(parents=True, exist_ok=True)
    link = runner_temp / "mailcheck-venv" / "bin" / "mailcheck"
    if not link.exists():
        link.symlink_to(MAILCHECK)
    defaults = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    values = {**defaults, **inputs}
    env = {
        **os.environ,
        "RUNNER_TEMP": str(runner_temp),
        "PATHS": values["paths"],
        "FORMAT": values["format"],
        "FAIL_ON": values["fail-on"],
        "SARIF_FILE": values["sarif-file"],
    }
    return subprocess.run(
        ["bash", "-e", "-c", step("mailcheck check")["run"]],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_action_declares_its_inputs_and_is_composite() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert {"paths", "format", "fail-on", "sarif-file"} <= set(ACTION["inputs"])
    assert set(step("mailcheck check")["env"]) == {
        "PATHS",
        "FORMAT",
        "FAIL_ON",
        "SARIF_FILE",
    }


def test_annotations_and_sarif_from_several_paths(tmp_path: Path) -> None:
    write(repo(tmp_path), "a.mail.yaml", BAD)
    write(tmp_path, "b.mail.yaml", GOOD)
    done = run_check_step(tmp_path, paths="a.mail.yaml\nb.mail.yaml", **{"sarif-file": "mailcheck.sarif"})
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("::error file=a.mail.yaml,line=")
    results = json.loads((tmp_path / "mailcheck.sarif").read_text())["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"MC201", "MC206", "MC303"}


WARNING_ONLY = GOOD.replace("    from:", "    tls: {verify: false}\n    from:")  # MC206, a warning


def test_fail_on_is_passed_through(tmp_path: Path) -> None:
    write(repo(tmp_path), "w.mail.yaml", WARNING_ONLY)
    assert run_check_step(tmp_path, paths="w.mail.yaml").returncode == 0
    assert run_check_step(tmp_path, paths="w.mail.yaml", **{"fail-on": "warning"}).returncode == 1


def test_fail_on_defaults_to_empty_so_the_project_config_decides(tmp_path: Path) -> None:
    # A project that fails on warnings locally must fail on them in CI too.
    assert ACTION["inputs"]["fail-on"]["default"] == ""
    write(repo(tmp_path), "w.mail.yaml", WARNING_ONLY)
    write(tmp_path, ".mailcheck.yaml", "fail-on: warning\n")
    local = subprocess.run(
        [str(MAILCHECK), "check", "w.mail.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1", "GITHUB_ACTIONS": ""},
    )
    assert local.returncode == 1, local.stdout + local.stderr
    in_ci = run_check_step(tmp_path, paths="w.mail.yaml")
    assert in_ci.returncode == 1, in_ci.stdout + in_ci.stderr
    assert in_ci.stdout.startswith("::warning file=w.mail.yaml,line=")
    # the input, when given, still wins over the configuration
    assert run_check_step(tmp_path, paths="w.mail.yaml", **{"fail-on": "error"}).returncode == 0


def test_pyproject_fail_on_is_honoured_too(tmp_path: Path) -> None:
    write(repo(tmp_path), "w.mail.yaml", WARNING_ONLY)
    write(tmp_path, "pyproject.toml", '[tool.mailcheck]\nfail-on = "warning"\n')
    assert run_check_step(tmp_path, paths="w.mail.yaml").returncode == 1


def test_a_path_cannot_inject_a_command(tmp_path: Path) -> None:
    write(repo(tmp_path), "ok.mail.yaml", GOOD)
    done = run_check_step(tmp_path, paths="ok.mail.yaml $(touch injected) ;touch injected2")
    assert done.returncode == 2  # the odd words are treated as missing paths
    assert not (tmp_path / "injected").exists() and not (tmp_path / "injected2").exists()
