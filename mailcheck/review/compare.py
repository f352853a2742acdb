"""Compare two snapshots: profiles added, removed and renamed, settings changed, findings.

Profiles are matched by (file, name). A removed and an added profile with the same settings
(description aside) are one profile renamed or moved; failing that, a pair of the same protocol
sharing most settings is one profile renamed *and* changed, so that a rename cannot hide a
weakening from `--fail-on-weakening`. A profile that is new (not a rename) is reviewed against
SAFE_BASELINE: each weak setting it brings (no encryption to a host on the network, no
certificate check, TLS below 1.2, a secret written in the file) is a weakening the change
introduces, so adding a weak profile cannot pass where weakening an old one fails. A removed
profile is listed and counted, not classed: it no longer connects anywhere, so it weakens
nothing (an application still needing it fails loudly, which review of the code catches).
Findings are matched by the identity code scanning uses (rule, file, profile, setting), with
renamed profiles mapped first, so a finding that only moved lines, or followed its profile to
a new name, is neither new nor fixed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from mailcheck.findings import Finding, sort_key
from mailcheck.locations import identity
from mailcheck.profile import common_default
from mailcheck.review.classify import Effect, Side, classify
from mailcheck.review.settings import Setting, flatten
from mailcheck.review.snapshot import Snapshot

ProfileKey = tuple[str, str]  # (file, profile name)
_IGNORED_FOR_RENAME = ("description",)
_SIMILAR = 0.5  # share of settings two profiles must have in common to be one profile renamed
# What a new profile is compared with, setting by setting: the format's safe defaults, and
# encryption (either mode). A secret is compared with "not set", so any inline one weakens.
SAFE_BASELINE: dict[str, Setting] = {
    "security": Setting("tls", "tls"),
    # the format's own defaults, from the schema the models generate
    "tls.verify": Setting(str(common_default(("tls", "verify"))).lower(), common_default(("tls", "verify"))),
    "tls.min_version": Setting(common_default(("tls", "min_version")), common_default(("tls", "min_version"))),
}


@dataclass(frozen=True)
class Rename:
    before: ProfileKey
    after: ProfileKey
    same_settings: bool


@dataclass(frozen=True)
class Change:
    file: str
    profile: str
    setting: str
    before: str | None  # shown text, never a secret value; None: not set (or a new profile)
    after: str | None
    effect: Effect
    reason: str
    new_profile: bool = False  # a weak setting of a profile the change adds, judged against SAFE_BASELINE


@dataclass
class Review:
    base: str
    head: str
    added: list[ProfileKey] = field(default_factory=list)
    removed: list[ProfileKey] = field(default_factory=list)
    renamed: list[Rename] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    introduced: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)

    def count(self, effect: Effect) -> int:
        return sum(1 for c in self.changes if c.effect is effect)

    def weak_settings(self, key: ProfileKey) -> int:
        """How many weak settings the added profile `key` brings (rows of the table)."""
        return sum(1 for c in self.changes if c.new_profile and (c.file, c.profile) == key)

    @property
    def weakens(self) -> bool:
        return self.count(Effect.WEAKENING) > 0

    def with_text(self, clean: Callable[[str], str]) -> Review:
        """This review with `clean` applied to every text that came from the files: names,
        values, reasons, finding messages and hints (see ReviewResult: the redactor)."""

        def key(k: ProfileKey) -> ProfileKey:
            return clean(k[0]), clean(k[1])

        def text(value: str | None) -> str | None:
            return clean(value) if value is not None else None

        def finding(f: Finding) -> Finding:
            return replace(
                f,
                file=clean(f.file),
                profile=text(f.profile),
                path=clean(f.path),
                message=clean(f.message),
                hint=clean(f.hint),
            )

        def change(c: Change) -> Change:
            return replace(
                c,
                file=clean(c.file),
                profile=clean(c.profile),
                setting=clean(c.setting),
                before=text(c.before),
                after=text(c.after),
                reason=clean(c.reason),
            )

        return Review(
            clean(self.base),
            clean(self.head),
            added=[key(k) for k in self.added],
            removed=[key(k) for k in self.removed],
            renamed=[Rename(key(r.before), key(r.after), r.same_settings) for r in self.renamed],
            changes=[change(c) for c in self.changes],
            introduced=[finding(f) for f in self.introduced],
            fixed=[finding(f) for f in self.fixed],
        )

    def summary(self) -> dict[str, int]:
        return {
            **{effect.value: self.count(effect) for effect in Effect},
            "added": len(self.added),
            "removed": len(self.removed),
            "renamed": len(self.renamed),
            "introduced": len(self.introduced),
            "fixed": len(self.fixed),
        }


def compare(base: Snapshot, head: Snapshot) -> Review:
    old = {(f, n): flatten(body) for f, n, body in base.profiles()}
    new = {(f, n): flatten(body) for f, n, body in head.profiles()}
    review = Review(base.label, head.label)
    removed = [k for k in old if k not in new]
    added = [k for k in new if k not in old]
    review.renamed = _renames(removed, added, old, new)
    renamed_from = {r.before: r.after for r in review.renamed}
    renamed_to = set(renamed_from.values())
    review.removed = [k for k in removed if k not in renamed_from]
    review.added = [k for k in added if k not in renamed_to]
    for key in (k for k in new if k in old):
        review.changes.extend(_changes(key, old[key], new[key]))
    for rename in review.renamed:
        review.changes.extend(_changes(rename.after, old[rename.before], new[rename.after]))
    for key in review.added:
        review.changes.extend(_introduced(key, new[key]))
    review.changes.sort(key=lambda c: (list(Effect).index(c.effect), c.file, c.profile, c.setting))
    review.introduced, review.fixed = _finding_changes(base, head, renamed_from)
    return review


def _renames(
    removed: list[ProfileKey],
    added: list[ProfileKey],
    old: dict[ProfileKey, dict[str, Setting]],
    new: dict[ProfileKey, dict[str, Setting]],
) -> list[Rename]:
    """Exact matches first, then the most similar profile of the same protocol, if similar enough."""
    renames: list[Rename] = []
    gone, candidates = list(removed), list(added)
    for exact in (True, False):
        for before in list(gone):
            scored = [(_similarity(old[before], new[a]), a) for a in candidates]
            wanted = [(score, a) for score, a in scored if (score == 1.0 if exact else score >= _SIMILAR)]
            if wanted:
                score, after = max(wanted, key=lambda pair: pair[0])
                renames.append(Rename(before, after, same_settings=score == 1.0))
                gone.remove(before)
                candidates.remove(after)
    return renames


def _similarity(a: dict[str, Setting], b: dict[str, Setting]) -> float:
    """Share of settings (description aside) equal in both; 0 across protocols."""

    def essential(s: dict[str, Setting]) -> dict[str, object]:
        return {k: v.value for k, v in s.items() if k not in _IGNORED_FOR_RENAME}

    x, y = essential(a), essential(b)
    if x.get("protocol") != y.get("protocol"):
        return 0.0
    keys = set(x) | set(y)
    return sum(1 for k in keys if k in x and k in y and x[k] == y[k]) / len(keys) if keys else 1.0


def _changes(key: ProfileKey, before: dict[str, Setting], after: dict[str, Setting]) -> Iterable[Change]:
    old, new = Side(before), Side(after)
    had_auth, has_auth = _has_auth(before), _has_auth(after)
    if had_auth != has_auth:
        # one change for the whole block: "auth removed" says more than five removed fields
        effect, reason = classify("auth", _presence(had_auth), _presence(has_auth), old, new)
        yield Change(*key, "auth", _shown_auth(before), _shown_auth(after), effect, reason)
    for name in sorted(set(before) | set(after)):
        if had_auth != has_auth and name.startswith("auth."):
            continue
        was, now = before.get(name), after.get(name)
        if was is not None and now is not None and was.value == now.value:
            continue
        effect, reason = classify(name, was, now, old, new)
        shown_after = now.display() if now is not None else None
        if was is not None and now is not None and was.shown == now.shown:
            shown_after = f"{shown_after} (changed)"  # two inline secrets both read "inline secret"
        yield Change(
            *key,
            name,
            was.display() if was is not None else None,
            shown_after,
            effect,
            reason,
        )


def _introduced(key: ProfileKey, settings: dict[str, Setting]) -> Iterable[Change]:
    """The weak settings of a new profile: each one a weakening against SAFE_BASELINE, judged
    by the same rules as a change (a secret under any key counts, loopback without TLS does not)."""
    baseline, profile = Side(SAFE_BASELINE), Side(settings)
    for name in sorted(settings):
        setting = settings[name]
        safe = SAFE_BASELINE.get(name)
        if (safe is None and not setting.secret) or (safe is not None and safe.value == setting.value):
            continue
        effect, reason = classify(name, safe, setting, baseline, profile)
        if effect is Effect.WEAKENING:
            yield Change(*key, name, None, setting.display(), effect, f"new profile: {reason}", new_profile=True)


def _has_auth(settings: dict[str, Setting]) -> bool:
    return any(k == "auth" or k.startswith("auth.") for k in settings if not settings[k].default)


def _presence(present: bool) -> Setting | None:
    return Setting("set", "set") if present else None


def _shown_auth(settings: dict[str, Setting]) -> str | None:
    if not _has_auth(settings):
        return None
    user = settings.get("auth.username")
    return f"username {user.shown}" if user is not None else "set"


def _finding_changes(
    base: Snapshot, head: Snapshot, renamed: dict[ProfileKey, ProfileKey]
) -> tuple[list[Finding], list[Finding]]:
    def keyed(snapshot: Snapshot, mapping: dict[ProfileKey, ProfileKey]) -> list[tuple[tuple[str, ...], Finding]]:
        pairs = []
        for file, result in snapshot.files.items():
            for finding in result.findings:
                target_file, target = mapping.get((file, finding.profile or ""), (file, finding.profile))
                moved = _renamed_finding(finding, target) if target != finding.profile else finding
                pairs.append((identity(moved, target_file), finding))
        return pairs

    old = keyed(base, renamed)
    new = keyed(head, {})
    return _unmatched(new, old), _unmatched(old, new)


def _renamed_finding(finding: Finding, name: str | None) -> Finding:
    prefix = f"profiles.{finding.profile}"
    path = f"profiles.{name}{finding.path[len(prefix) :]}" if finding.path.startswith(prefix) else finding.path
    return replace(finding, profile=name, path=path)


def _unmatched(
    mine: list[tuple[tuple[str, ...], Finding]],
    theirs: list[tuple[tuple[str, ...], Finding]],
) -> list[Finding]:
    """The findings of `mine` with no counterpart in `theirs` (as multisets: two equal stay two)."""
    available = Counter(key for key, _ in theirs)
    left = []
    for key, finding in mine:
        if available[key]:
            available[key] -= 1
        else:
            left.append(finding)
    return sorted(left, key=sort_key)
