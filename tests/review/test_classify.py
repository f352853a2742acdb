"""Host moves judged by the Public Suffix List that ships with `publicsuffixlist`.

The expected answers come from the list file itself, read here by its format's rules
(publicsuffix.org/list: one rule a line, `//` comments, `*.` wildcards, `!` exceptions),
not from the code under test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mailcheck.review.classify import Effect, Side, classify, registrable_domain
from mailcheck.review.settings import Setting

_NO_SIDE = Side({})


def _host_effect(before: str, after: str) -> Effect:
    return classify("host", Setting(before, before), Setting(after, after), _NO_SIDE, _NO_SIDE)[0]


def _rules() -> list[str]:
    import publicsuffixlist

    text = Path(publicsuffixlist.PSLFILE).read_text(encoding="utf-8")
    return [line.split()[0].lower() for line in text.splitlines() if line.strip() and not line.startswith("//")]


def _sample_of_multi_label_suffixes() -> list[str]:
    """Every 25th plain rule of two labels or more (about 360 of them, ICANN and private),
    leaving out those under which a wildcard makes every child a suffix too."""
    rules = _rules()
    wildcards = {rule[2:] for rule in rules if rule.startswith("*.")}
    plain = sorted({r for r in rules if "." in r and r[0] not in "*!" and r not in wildcards})
    assert len(plain) > 5000  # the real list, not a stub
    return plain[::25]


SUFFIXES = _sample_of_multi_label_suffixes()


@pytest.mark.parametrize("suffix", ["github.io", "me.uk", "co.uk", "blogspot.com", *SUFFIXES])
def test_two_names_under_a_public_suffix_belong_to_two_owners(suffix: str) -> None:
    assert _host_effect(f"a.{suffix}", f"b.{suffix}") is Effect.WEAKENING
    assert _host_effect(f"smtp.example.{suffix}", f"mail.example.{suffix}") is Effect.NEUTRAL


def _wildcard_and_exception_rules() -> list[str]:
    rules = _rules()
    return [r for r in rules if r.startswith("*.")][::5] + [r for r in rules if r.startswith("!")]


@pytest.mark.parametrize("rule", _wildcard_and_exception_rules())
def test_wildcard_and_exception_rules(rule: str) -> None:
    if rule.startswith("*."):  # every child of the rest is a suffix: a.any.W is a registration
        parent = rule[2:]
        assert _host_effect(f"smtp.a.any.{parent}", f"mail.a.any.{parent}") is Effect.NEUTRAL
        assert _host_effect(f"a.any.{parent}", f"b.any.{parent}") is Effect.WEAKENING
    else:  # !E: E itself is registrable, an exception to its parent's wildcard
        name = rule[1:]
        assert _host_effect(f"smtp.{name}", f"mail.{name}") is Effect.NEUTRAL


@pytest.mark.parametrize(
    ("before", "after", "effect"),
    [
        ("smtp.example.co.uk", "mail.example.co.uk", Effect.NEUTRAL),
        ("SMTP.EXAMPLE.COM", "mail.example.com.", Effect.NEUTRAL),  # case, absolute form
        ("smtp.example.com", "smtp.example.com.evil.net", Effect.WEAKENING),
        ("localhost", "127.0.0.1", Effect.NEUTRAL),  # both loopback
        ("localhost", "10.0.0.1", Effect.WEAKENING),
        ("10.0.0.1", "10.0.0.2", Effect.WEAKENING),  # an address is its own owner
        ("2001:db8::1", "2001:0db8:0:0::1", Effect.NEUTRAL),  # one address, two spellings
        ("mailhost", "relayhost", Effect.WEAKENING),  # single labels: no shared part
        ("smtp.corp.internal", "mail.corp.internal", Effect.NEUTRAL),  # unknown TLD: rule `*`
        ("smtp.example.com", "github.io", Effect.WEAKENING),  # a suffix itself
        ("smtp.example.com", "smtp.example..com", Effect.WEAKENING),  # an empty label
    ],
)
def test_hosts_that_are_not_plain_names(before: str, after: str, effect: Effect) -> None:
    assert _host_effect(before, after) is effect


def test_the_reason_names_both_domains() -> None:
    verdict = classify("host", Setting("", "a.github.io"), Setting("", "b.github.io"), _NO_SIDE, _NO_SIDE)
    assert verdict == (Effect.WEAKENING, "mail and credentials now go to another domain (a.github.io -> b.github.io)")
    assert registrable_domain("smtp.mail.example.co.uk") == "example.co.uk"


def test_the_list_is_loaded_only_when_diff_runs(tmp_path: Path) -> None:
    profile = tmp_path / "app.mail.yaml"
    profile.write_text(
        "version: 1\nprofiles:\n  out:\n    protocol: smtp\n    host: smtp.example.com\n"
        "    port: 587\n    security: starttls\n    from: {address: a@example.com}\n"
    )
    program = (
        "import sys\n"
        "from mailcheck.cli import cli\n"
        "try:\n"
        f"    cli(['check', {str(profile)!r}], standalone_mode=False)\n"
        "finally:\n"
        "    print('publicsuffixlist' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr
