"""What the provider index (mailcheck/providers/) costs `mailcheck check` on the 50-file run.

    python benchmarks/providers_bench.py [--runs 21]

Times, in-process, reading names.txt (every run that gets as far as a profile) and
data.json (only when a profile's host or address domain is in names.txt), then
alternates three `mailcheck check` runs on benchmarks/lint_bench.py's 50 files: with the
provider rules disabled, as they are (no profile a provider knows), and with one file's
host changed to smtp.gmail.com (the index is loaded once). Prints medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.lint_bench import write_corpus  # noqa: E402

PROVIDER_RULES = "MC701,MC702,MC703,MC704,MC705,MC706"


def in_process() -> tuple[float, float]:
    """(reading names.txt, importing and loading the index and the rules' shared module),
    each in a process that has imported what `check` imports before it, as a run would."""
    code = (
        "import mailcheck.cli, mailcheck.run, mailcheck.checker;from mailcheck.rules import all_rules;all_rules();"
        "import time;import mailcheck.providers as p;t=time.perf_counter();p.names();a=time.perf_counter()-t;"
        "t=time.perf_counter();import mailcheck.providers.index as i;i.index();import mailcheck.providers.profiles;"
        "b=time.perf_counter()-t;print(a,b)"
    )
    samples = [
        tuple(
            map(
                float,
                subprocess.run(  # not from ROOT: the installed mailcheck, not the checkout's
                    [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tempfile.gettempdir()
                ).stdout.split(),
            )
        )
        for _ in range(11)
    ]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    names_s, index_s = in_process()
    print(f"names.txt: {names_s * 1000:.2f} ms; data.json: {index_s * 1000:.2f} ms (in-process, medians of 11)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / ".git").mkdir()
        small, _ = write_corpus(folder, 1)
        hit = folder / "hit"
        hit.mkdir()
        (hit / ".git").mkdir()
        for i, path in enumerate(small):
            text = path.read_text(encoding="utf-8")
            if i == 0:
                text = text.replace("smtp0.example.com", "smtp.gmail.com").replace("port: 587", "port: 465")
                text = text.replace("security: starttls", "security: tls")
            (hit / path.name).write_text(text, encoding="utf-8")
        base = [sys.executable, "-m", "mailcheck", "check", "--format", "json"]
        commands = {
            "provider rules disabled": [*base, "--disable", PROVIDER_RULES, *map(str, small)],
            "no profile needs the index": [*base, *map(str, small)],
            "one profile needs it": [*base, *(str(hit / p.name) for p in small)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        order = list(commands.items())
        for run in range(args.runs):
            for name, command in order[run % 3 :] + order[: run % 3]:  # each first in turn
                start = time.perf_counter()
                done = subprocess.run(command, check=False, capture_output=True, text=True, cwd=folder)
                times[name].append(time.perf_counter() - start)
                if name == "one profile needs it":
                    assert not json.loads(done.stdout)["findings"], done.stdout
    medians = {name: statistics.median(t) for name, t in times.items()}
    floor = medians["provider rules disabled"]
    for name, median in medians.items():
        print(f"{name}: {median * 1000:.1f} ms ({(median - floor) * 1000:+.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
