"""Lint every provider in a real-world data set and count the findings per rule.

    python benchmarks/realworld_scan.py [DATA_DIR] [--show RULE ...]

DATA_DIR holds `ispdb_servers.jsonl` (Thunderbird ISPDB) and `nodemailer_services.jsonl`
(nodemailer's well-known services), one server per line; the default is
/work/shared/realworld. Each server becomes one mailcheck profile (see
tests/realworld_convert.py for how), one file per source, and `mailcheck check` runs on
them as a user would. This is a survey, not a test: the tests use a committed sample.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the converter lives with the tests that pin it down
sys.path.insert(0, str(ROOT))

from realworld_convert import convert, profile_file, read_jsonl  # noqa: E402

from mailcheck.rules import all_rules  # noqa: E402
from mailcheck.run import run_check  # noqa: E402

SOURCES = {"ispdb": "ispdb_servers.jsonl", "nodemailer": "nodemailer_services.jsonl"}
DEFAULT_DATA = Path("/work/shared/realworld")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA, help="folder of the .jsonl files")
    parser.add_argument("--show", nargs="*", default=[], metavar="RULE", help="list the findings of these rules")
    args = parser.parse_args(argv)
    missing = [name for name in SOURCES.values() if not (args.data / name).is_file()]
    if missing:
        parser.error(f"{args.data} has no {' or '.join(missing)}")

    with tempfile.TemporaryDirectory(prefix="mailcheck-realworld-") as tmp:
        files, skipped, servers = _write_profiles(args.data, Path(tmp))
        started = time.perf_counter()
        report, _ = run_check(files)
        elapsed = time.perf_counter() - started
        findings = report.findings

    rules = all_rules()
    print(
        f"servers: {servers}, converted: {servers - sum(skipped.values())}, "
        f"not SMTP/IMAP/POP3: {sum(skipped.values())} ({_counts(skipped)})"
    )
    print(f"profiles checked: {report.summary()['profiles']} in {elapsed:.2f} s")
    flagged = {(f.file, f.profile) for f in findings}
    print(f"profiles with at least one finding: {len(flagged)}")
    print()
    print(f"{'rule':<6}  {'name':<30} {'severity':<8} {'ispdb':>6} {'nodemailer':>10} {'total':>6}")
    by_rule: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for finding in findings:
        by_rule[finding.rule][Path(finding.file).stem.split(".")[0]] += 1
    for rule_id in sorted(by_rule):
        counts = by_rule[rule_id]
        rule = rules[rule_id]
        print(
            f"{rule_id:<6}  {rule.name:<30} {rule.severity.value:<8} "
            f"{counts['ispdb']:>6} {counts['nodemailer']:>10} {sum(counts.values()):>6}"
        )
    print(
        f"{'':<6}  {'all findings':<30} {'':<8} "
        f"{sum(c['ispdb'] for c in by_rule.values()):>6} "
        f"{sum(c['nodemailer'] for c in by_rule.values()):>10} {len(findings):>6}"
    )
    for rule_id in (r.upper() for r in args.show):
        print(f"\n{rule_id}:")
        for finding in (f for f in findings if f.rule == rule_id):
            print(f"  {finding.profile}: {finding.message}")
    return 0


def _write_profiles(data: Path, out: Path) -> tuple[list[Path], collections.Counter[str], int]:
    """One profile file per source; returns the files, the skipped protocols, the server count."""
    files: list[Path] = []
    skipped: collections.Counter[str] = collections.Counter()
    servers = 0
    for source, name in SOURCES.items():
        entries = read_jsonl(data / name)
        servers += len(entries)
        profiles = {}
        for (key, profile), entry in zip(convert(entries), entries, strict=True):
            if profile is None:
                skipped[entry.get("protocol", "?")] += 1
            else:
                profiles[key] = profile
        path = out / f"{source}.mail.yaml"
        path.write_text(profile_file(profiles), encoding="utf-8")
        files.append(path)
    return files, skipped, servers


def _counts(counter: collections.Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items()))


if __name__ == "__main__":
    sys.exit(main())
