"""Time `mailcheck check` against check-jsonschema and yamllint on the same generated files.

Prints medians of alternating runs, peak memory and ratios; a script, not a test.

    python benchmarks/lint_bench.py [--runs 7] [--profiles 10000] [--long-line-profiles 2000]
    python benchmarks/lint_bench.py --startup   # where the 50-file run's imports spend their time

Needs check-jsonschema and yamllint next to mailcheck (`pip install '.[bench]'`).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "mailcheck.schema.json"
TARGETS = {  # (mailcheck / other) upper bounds from the issues (12: the 50-file run)
    ("pre-commit: 50 files", "check-jsonschema"): 0.3,
    ("pre-commit: 50 files", "yamllint"): 0.6,
    ("one file, N profiles", "check-jsonschema"): 0.5,
    ("--version", "python -c pass"): 5.0,
}


def profile_yaml(index: int) -> str:
    return (
        f"  app-{index}:\n"
        "    protocol: smtp\n"
        f"    host: smtp{index % 97}.example.com\n"
        "    port: 587\n"
        "    security: starttls\n"
        "    auth:\n"
        f"      username: app{index}@example.com\n"
        "      password: {env: SMTP_PASSWORD}\n"
        "    from:\n"
        f"      address: app{index}@example.com\n"
        f"      name: App {index}\n"
    )


def write_corpus(folder: Path, profiles: int) -> tuple[list[Path], Path]:
    small = []
    for i in range(50):
        path = folder / f"small-{i:02d}.mail.yaml"
        path.write_text("version: 1\nprofiles:\n" + profile_yaml(i), encoding="utf-8")
        small.append(path)
    big = folder / "big.mail.yaml"
    big.write_text("version: 1\nprofiles:\n" + "".join(profile_yaml(i) for i in range(profiles)), encoding="utf-8")
    return small, big


@dataclass
class Sample:
    seconds: float
    peak_kib: int
    exit_code: int


def run_once(command: list[str]) -> Sample:
    """One run with its own peak RSS, from wait4 (per child, not the maximum over all)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Sample(elapsed, usage.ru_maxrss, process.returncode)


def measure(commands: dict[str, list[str]], runs: int) -> dict[str, list[Sample]]:
    """Alternate the tools run by run, so machine noise falls on all of them alike."""
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for command in commands.values():  # warm the file cache and the bytecode once
        run_once(command)
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(run_once(command))
    return samples


def tool(name: str) -> str:
    found = shutil.which(name, path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if found is None:
        sys.exit(f"benchmark: {name} not found; install with pip install -e '.[bench]'")
    return found


def report(title: str, samples: dict[str, list[Sample]]) -> None:
    medians = {name: statistics.median(s.seconds for s in runs) for name, runs in samples.items()}
    peaks = {name: max(s.peak_kib for s in runs) for name, runs in samples.items()}
    ours = "mailcheck"
    print(f"\n{title}")
    print(f"  {'tool':<18} {'median s':>9} {'peak MiB':>9} {'ratio':>7}  target")
    for name in samples:
        ratio = medians[ours] / medians[name] if name != ours else 1.0
        target = TARGETS.get((title, name))
        verdict = "" if target is None else f"<= {target:.1f}x {'met' if ratio <= target else 'MISSED'}"
        print(f"  {name:<18} {medians[name]:>9.3f} {peaks[name] / 1024:>9.1f} {ratio:>6.2f}x  {verdict}")
    exit_codes = {name: {s.exit_code for s in runs} for name, runs in samples.items()}
    print(f"  exit codes: {exit_codes}")


def long_line_file(folder: Path, profiles: int) -> Path:
    """One flow-style line of `profiles` profiles, each with findings (MC201, MC303): the
    case where repeating the source line under every finding made output quadratic."""
    body = ", ".join(
        f"p{i}: {{protocol: smtp, host: smtp{i}.example.com, port: 465, security: starttls, "
        f"auth: {{username: u{i}@example.com, password: pw-{i}}}}}"
        for i in range(profiles)
    )
    path = folder / "one-line.mail.yaml"
    path.write_text(f"version: 1\nprofiles: {{{body}}}\n", encoding="utf-8")
    return path


def output_size(mailcheck: str, path: Path) -> None:
    """Bytes of output per format for the long-line file, against its own size."""
    size = path.stat().st_size
    print(f"\none line of profiles: {size / 1024:.0f} KiB of input")
    print(f"  {'format':<8} {'output KiB':>11} {'output/input':>13} {'seconds':>8} {'peak MiB':>9}")
    for output_format in ("text", "sarif", "json"):
        start = time.perf_counter()
        process = subprocess.Popen(
            [mailcheck, "check", "--format", output_format, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        out = process.stdout.read() if process.stdout is not None else b""
        _, _, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        print(
            f"  {output_format:<8} {len(out) / 1024:>11.0f} {len(out) / size:>12.1f}x {elapsed:>8.2f} {usage.ru_maxrss / 1024:>9.1f}"
        )


def import_times(files: list[str], runs: int) -> dict[str, float]:
    """Median milliseconds of each package's own import time (`-X importtime` self time,
    grouped: `click.core` counts for click, mailcheck by module) in the 50-file run."""
    per_run: list[dict[str, float]] = []
    script = "import sys; from mailcheck.entry import main; sys.argv[0] = 'mailcheck'; main()"
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", script, "check", *files],
            capture_output=True,
            text=True,
            check=False,
        )
        totals: dict[str, float] = {}
        for line in done.stderr.splitlines():
            fields = line.removeprefix("import time:").split("|")
            if len(fields) != 3 or not fields[0].strip().isdigit():
                continue
            module = fields[2].strip()
            group = module if module.startswith("mailcheck.") else module.split(".")[0]
            totals[group] = totals.get(group, 0.0) + int(fields[0]) / 1000
        per_run.append(totals)
    names = {name for totals in per_run for name in totals}
    return {name: statistics.median(t.get(name, 0.0) for t in per_run) for name in names}


def startup(files: list[str], runs: int) -> None:
    """Where the imports of one 50-file run go: the largest, then mailcheck's own in all."""
    times = import_times(files, runs)
    total = sum(times.values())
    ours = sum(v for k, v in times.items() if k == "mailcheck" or k.startswith("mailcheck."))
    print(f"\nimports of `mailcheck check` on 50 files, medians of {runs} runs (-X importtime, self ms):")
    for name, ms in sorted(times.items(), key=lambda item: -item[1])[:15]:
        print(f"  {name:<36} {ms:>6.1f}")
    print(f"  {'mailcheck.* together':<36} {ours:>6.1f}")
    print(f"  {'all imports':<36} {total:>6.1f}  (importtime adds its own overhead to each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--long-line-profiles", type=int, default=2_000)
    parser.add_argument("--startup", action="store_true", help="only break down the 50-file run's import time")
    args = parser.parse_args()
    if args.startup:
        with tempfile.TemporaryDirectory(prefix="mailcheck-bench-") as tmp:
            small, _ = write_corpus(Path(tmp), 1)
            startup([str(p) for p in small], args.runs)
        return
    mailcheck, cjs, yamllint = tool("mailcheck"), tool("check-jsonschema"), tool("yamllint")
    with tempfile.TemporaryDirectory(prefix="mailcheck-bench-") as tmp:
        small, big = write_corpus(Path(tmp), args.profiles)
        files = [str(p) for p in small]
        print(
            f"corpus: 50 files of one profile; one file of {args.profiles} profiles ({big.stat().st_size / 2**20:.1f} MiB)"
        )
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.runs} alternating runs each")
        floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory below {floor:.0f} MiB is this script's own, which a child inherits at fork")
        report(
            "pre-commit: 50 files",
            measure(
                {
                    "mailcheck": [mailcheck, "check", *files],
                    "check-jsonschema": [cjs, "--schemafile", str(SCHEMA), *files],
                    "yamllint": [yamllint, *files],
                },
                args.runs,
            ),
        )
        big_runs = max(3, args.runs // 2)
        report(
            "one file, N profiles",
            measure(
                {
                    "mailcheck": [mailcheck, "check", str(big)],
                    "check-jsonschema": [cjs, "--schemafile", str(SCHEMA), str(big)],
                    "yamllint": [yamllint, str(big)],
                },
                big_runs,
            ),
        )
        report(
            "--version",
            measure(
                {"mailcheck": [mailcheck, "--version"], "python -c pass": [sys.executable, "-c", "pass"]}, args.runs * 3
            ),
        )
        output_size(mailcheck, long_line_file(Path(tmp), args.long_line_profiles))


if __name__ == "__main__":
    main()
