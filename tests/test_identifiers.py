"""No invented web address: the project owns no domain and has no published tag, so nothing
it writes or documents may point at one. Identifiers that a format asks for are names
(URNs), never URLs someone else could register."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from tests.cli_run import GOOD, mailcheck, repo, write

ROOT = Path(__file__).resolve().parent.parent
# placeholders and addresses the project does not own, as they appeared before
INVENTED = re.compile(r"mailcheck\.dev|your-org|your-group|@v0\.1\.0|rev: v0\.1\.0")


def tracked_and_new_files() -> list[Path]:
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=60,
        )
        .stdout.decode("utf-8", "surrogateescape")
        .split("\0")
    )
    return [ROOT / name for name in listed if name and (ROOT / name).is_file()]


def test_no_file_of_the_repository_names_an_invented_address_or_tag() -> None:
    this = Path(__file__).resolve()
    hits = []
    for path in tracked_and_new_files():
        if path.resolve() == this:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        hits += [
            f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
            for n, line in enumerate(text.splitlines(), 1)
            if INVENTED.search(line)
        ]
    assert hits == []


def test_the_schema_id_is_a_urn_and_the_published_schema_carries_it() -> None:
    from mailcheck.format import SCHEMA_ID
    from mailcheck.schema import published_schema_text

    assert SCHEMA_ID == "urn:mailcheck:schema:profile:1"
    assert json.loads(published_schema_text())["$id"] == SCHEMA_ID
    assert json.loads((ROOT / "schemas" / "mailcheck.schema.json").read_text(encoding="utf-8"))["$id"] == SCHEMA_ID


def test_sarif_names_the_tool_by_a_urn_and_gives_no_help_uri(tmp_path: Path) -> None:
    write(repo(tmp_path), "ok.mail.yaml", GOOD)
    result = mailcheck(tmp_path, "check", "--format", "sarif", "ok.mail.yaml")
    assert result.exit_code == 0, result.stderr
    driver = json.loads(result.stdout)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "urn:mailcheck:tool"
    assert [rule["id"] for rule in driver["rules"] if "helpUri" in rule] == []
    assert all(rule["help"]["markdown"] for rule in driver["rules"])  # the documentation travels in the log
