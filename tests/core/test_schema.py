"""The published schema is generated from the models, and the linter agrees with it.

`mailcheck check` validates with its own compiled reading of the schema (fast start-up);
these tests hold it to the same verdicts as two independent validators, on the examples,
on the broken fixtures and on generated documents: the `jsonschema` package, and
jsonschema-rs, which reads `pattern` as ECMA-262 does, as JSON Schema says (2020-12 core,
section 6.4) and as editors do. The Python package does not: its `$` also matches before a
final newline, and it lets NaN through every bound (JSON has no NaN); on documents that
hold such values, jsonschema-rs alone is the reference.
"""

from __future__ import annotations

import copy
import json
import math
import sys
from pathlib import Path

import jsonschema
import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailcheck.format import strip_extensions
from mailcheck.loader import read_document
from mailcheck.schema import generate_schema, render_schema
from mailcheck.validator import SchemaValidator

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "schemas" / "mailcheck.schema.json"
PUBLISHED = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
REFERENCE = jsonschema.Draft202012Validator(PUBLISHED, format_checker=None)
ECMA_REFERENCE = jsonschema_rs.Draft202012Validator(PUBLISHED, validate_formats=False)
OURS = SchemaValidator(PUBLISHED)


def test_checked_in_schema_is_generated_from_the_models() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render_schema(generate_schema()), (
        "schemas/mailcheck.schema.json is stale: run `mailcheck schema --generate > schemas/mailcheck.schema.json`"
    )


def test_published_schema_is_valid_json_schema_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(PUBLISHED)
    assert PUBLISHED["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_generating_without_pydantic_is_a_one_line_error(invoke, monkeypatch) -> None:
    # pydantic is the `schema` extra: a runtime install has none, and `check` never needs it
    for name in [m for m in sys.modules if m == "pydantic" or m.startswith(("pydantic.", "mailcheck.model"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pydantic", None)  # `import pydantic` raises ImportError
    result = invoke("schema", "--generate")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "mailprofile-check[schema]" in result.stderr


def test_schema_command_prints_the_published_schema(invoke) -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == PUBLISHED


def profile_files() -> list[Path]:
    """Every profile file in the repository that is YAML data (MC001 fixtures are not)."""
    files = sorted(ROOT.glob("examples/**/*.mail.y*ml")) + sorted(ROOT.glob("tests/**/fixtures/**/*.mail.y*ml"))
    return [f for f in files if not f.name.startswith("mc001-")]


def _python_regex_or_nan_matters(node: object) -> bool:
    """Whether `node` holds what the `jsonschema` package misjudges: a text ending in a
    newline (its `$`), or a non-finite number."""
    if isinstance(node, dict):
        return any(_python_regex_or_nan_matters(k) or _python_regex_or_nan_matters(v) for k, v in node.items())
    if isinstance(node, list):
        return any(_python_regex_or_nan_matters(v) for v in node)
    if isinstance(node, float):
        return not math.isfinite(node)
    return isinstance(node, str) and node.endswith("\n")


def agree(data: object) -> None:
    document = strip_extensions(data) if isinstance(data, dict) else data
    our_violations = OURS.violations(document)
    ecma_valid = ECMA_REFERENCE.is_valid(document)
    assert ecma_valid == (not our_violations), ("jsonschema-rs", ecma_valid, our_violations, document)
    if not _python_regex_or_nan_matters(document):
        reference_valid = REFERENCE.is_valid(document)
        assert reference_valid == (not our_violations), ("jsonschema", reference_valid, our_violations, document)


@pytest.mark.parametrize("path", profile_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_tool_and_jsonschema_agree_on_every_profile_file(path: Path) -> None:
    agree(read_document(path).data)


def test_there_are_profile_files_to_compare() -> None:
    assert len(profile_files()) >= 10


# Documents near the format's edges: a valid profile, then a few random edits (a value
# replaced by a right or wrong one, a key dropped or added), so every constraint is hit
# both on the valid side and just past it.
VALID_PROFILE = {
    "protocol": "smtp", "host": "smtp.example.com", "port": 587, "security": "starttls", "timeout": 10,
    "tls": {"verify": True, "min_version": "1.2", "ca_file": "ca.pem", "server_name": "smtp.example.com"},
    "auth": {"username": "app@example.com", "password": {"env": "PW"}, "mechanism": "auto"},
    "from": {"address": "app@example.com", "name": "App"}, "test": {"send_to": "ops@example.com"},
}  # fmt: skip
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 70000), st.sampled_from([0.0, 1.2, 587.0, 10.5, 300.5, 300.0]),
    st.sampled_from(["smtp", "imap", "pop3", "smtpx", "tls", "starttls", "none", "ssl", "1.2", "1.0", "",
                     "x@example.com", "${PW}", "auto", "xoauth2", "plain", "cram-md5", "587", "smtp\n", "${PW}\n"]),
    st.sampled_from([math.nan, math.inf, -math.inf]),
    st.sampled_from([{"env": "PW"}, {"env": "1BAD"}, {"env": ""}, {"file": "pw.txt"}, {"file": ""},
                     {"env": "A", "file": "b"}, {}, [], {"env": "PW\n"}]),
)  # fmt: skip
edit_paths = [(k,) for k in VALID_PROFILE] + [
    (k, sub) for k, v in VALID_PROFILE.items() if isinstance(v, dict) for sub in v
]
edit_paths += [("ssl",), ("auth", "user"), ("tls", "cafile"), ("from", "email")]


def apply_edit(profile: dict, edit: tuple) -> None:
    path, action, value = edit
    node = profile
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            return
        node = node[key]
    if action == "drop":
        node.pop(path[-1], None)
    else:  # a copy: the sampled mappings are shared, and an edit below one must not make a cycle
        node[path[-1]] = copy.deepcopy(value)


edits = st.tuples(st.sampled_from(edit_paths), st.sampled_from(["set", "drop"]), scalars)


@st.composite
def documents(draw: st.DrawFn) -> dict:
    profile = json.loads(json.dumps(VALID_PROFILE))
    if draw(st.booleans()):
        profile["protocol"] = draw(st.sampled_from(["imap", "pop3"]))
        profile.pop("from"), profile.pop("test")
    for edit in draw(st.lists(edits, max_size=3)):
        apply_edit(profile, edit)
    document: dict = {"version": draw(st.sampled_from([1, 1, 1, 2, "1", True, 1.0])), "profiles": {}}
    document["profiles"][draw(st.sampled_from(["ok", "a.b-c_d", "bad name", "-x", "x" * 65, "app\n"]))] = profile
    for extra in draw(st.lists(st.sampled_from(["x-anchor", "extra", "drop-version", "drop-profiles"]), max_size=2)):
        if extra.startswith("drop-"):
            document.pop(extra[5:], None)
        else:
            document[extra] = draw(scalars)
    return document


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_tool_and_jsonschema_agree_on_generated_documents(document: dict) -> None:
    agree(document)


SINGLE_VALUES = [
    None, True, False, -1, 0, 1, 25, 587, 65535, 65536, 0.0, 1.2, 587.0, 300.0, 300.5, math.nan, math.inf, "", "smtp", "imap",
    "smtpx", "tls", "none", "ssl", "1.2", "1.0", "587", "${PW}", "xoauth2", "cram-md5",
    {"env": "PW"}, {"env": "1BAD"}, {"env": ""}, {"env": "PW\n"}, {"file": "pw.txt"}, {"file": ""}, {}, [],
    "smtp\n", "${PW}\n",
]  # fmt: skip


def test_tool_and_jsonschema_agree_on_every_single_edit() -> None:
    """Exhaustive: each field of a valid profile set to each boundary value, or dropped."""
    checked = 0
    for path in edit_paths:
        for action, value in [("drop", None)] + [("set", v) for v in SINGLE_VALUES]:
            profile = json.loads(json.dumps(VALID_PROFILE))
            apply_edit(profile, (path, action, value))
            agree({"version": 1, "profiles": {"p": profile}})
            checked += 1
    assert checked == len(edit_paths) * (len(SINGLE_VALUES) + 1)


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ({"version": 1, "profiles": {"app\n": {**VALID_PROFILE}}}, "is not a valid name"),
        (
            {
                "version": 1,
                "profiles": {"p": {**VALID_PROFILE, "auth": {"username": "a", "password": {"env": "PW\n"}}}},
            },
            "does not match",
        ),
        ({"version": 1, "profiles": {"p": {**VALID_PROFILE, "timeout": math.nan}}}, "not a finite number"),
        ({"version": 1, "profiles": {"p": {**VALID_PROFILE, "timeout": -math.inf}}}, "not a finite number"),
    ],
    ids=["newline-name", "newline-env", "nan", "minus-inf"],
)
def test_a_final_newline_and_non_finite_numbers_are_violations(document: dict, words: str) -> None:
    # before: Python's `$` took "app\n" as a name, and NaN passed `> 0` and `<= 300`
    violations = OURS.violations(document)
    assert any(words in v.message for v in violations), violations
    assert not ECMA_REFERENCE.is_valid(document)  # editors and jsonschema-rs agree


def test_yaml_nan_timeout_is_a_schema_violation(invoke, write) -> None:
    write(
        "n.mail.yaml",
        "version: 1\nprofiles:\n  p: {protocol: smtp, host: h.example.com, security: tls, timeout: .nan}\n",
    )
    findings = invoke("check", "--format", "json", "n.mail.yaml").json()["findings"]
    finding = next(f for f in findings if f["rule"] == "MC101")
    assert finding["path"] == "profiles.p.timeout"
    assert "not a finite number" in finding["message"]


# --- every hint is concrete: the values, the range or the shape expected ---------------------

# Hints that name no fix: what MC101/MC102 said before for `auth: true`, `security: true`,
# `timeout: 0` and a password mapping of another tool.
GENERIC_HINTS = (
    "write a mapping",
    "write a string",
    "write a number",
    "write a whole number",
    "write a boolean (true or false)",
    "use a value within the range",
    "give the field a value",
    "allowed keys here: env",
)
HINT_PATHS = edit_paths + [
    ("description",),
    ("auth", "token"),
    ("auth", "password", "env"),
    ("auth", "password", "file"),
    ("test", "receive_with"),
]
SECRET_FIELDS = {("auth", "password"), ("auth", "token")}


def _profile_fields(schema: dict, prefix: tuple = ()) -> dict[tuple, dict]:
    """Field path -> its schema, for every field of every profile kind in the published schema
    (secret references are one field each: their inner keys are checked through them)."""

    def resolve(node: dict) -> dict:
        while "$ref" in node:
            node = PUBLISHED["$defs"][node["$ref"].rsplit("/", 1)[1]]
        return node

    fields: dict[tuple, dict] = {}
    for name, sub in resolve(schema).get("properties", {}).items():
        path = (*prefix, name)
        fields[path] = sub
        if path in SECRET_FIELDS:
            continue
        for branch in map(resolve, [sub, *sub.get("anyOf", ())]):
            if branch.get("type") == "object":
                fields.update(_profile_fields(branch, path))
    return fields


FIELDS: dict[tuple, dict] = {}
for _kind in ("SmtpProfile", "ImapProfile", "Pop3Profile"):
    FIELDS.update(_profile_fields(PUBLISHED["$defs"][_kind]))


def _facts(node: dict) -> tuple[list, dict]:
    """The allowed values and numeric bounds the published schema gives a field."""
    values, bounds = [], {}
    for branch in [node, *node.get("anyOf", ())]:
        values += [str(v) for v in branch.get("enum", [])]
        bounds.update(
            {k: branch[k] for k in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum") if k in branch}
        )
    return values, bounds


def test_the_hint_edits_cover_every_field_of_the_format() -> None:
    assert set(FIELDS) <= set(HINT_PATHS), set(FIELDS) - set(HINT_PATHS)


def test_every_single_field_edit_gets_a_concrete_hint(invoke, write) -> None:
    """Each field of a valid profile (smtp, and imap for the smtp-only fields) set to each
    boundary value or dropped, all in one file run through `mailcheck check --format json`."""
    files: dict[str, dict] = {"edits.mail.yaml": {}, "secrets.mail.yaml": {}}
    edits = {}
    for protocol in ("smtp", "imap"):
        for path in HINT_PATHS:
            for action, value in [("drop", None)] + [("set", v) for v in SINGLE_VALUES]:
                profile = json.loads(json.dumps(VALID_PROFILE))
                if protocol == "imap":
                    profile["protocol"] = "imap"
                    profile.pop("from"), profile.pop("test")
                apply_edit(profile, (path, action, value))
                name = f"p{len(edits)}"
                # values written under a secret key are masked in every message of their file
                # (`password: 1` masks each "1"): they go to a file of their own
                files["secrets.mail.yaml" if path[:2] in SECRET_FIELDS else "edits.mail.yaml"][name] = profile
                edits[name] = (path, value)
    findings = []
    for file, profiles in files.items():
        write(file, json.dumps({"version": 1, "profiles": profiles}))  # JSON is YAML 1.2
        findings += invoke("check", "--format", "json", file).json()["findings"]
    structural = [f for f in findings if f["rule"] in ("MC101", "MC102")]
    assert len(structural) > 500

    for finding in structural:
        hint, where = finding["hint"], (finding["path"], finding["message"])
        assert hint not in GENERIC_HINTS and not hint.startswith("write a "), (hint, where)
        keys = tuple(finding["path"].split(".")[2:])
        field = FIELDS.get(keys)
        if field is None:
            continue  # an unknown key or a profile-wide finding
        values, bounds = _facts(field)
        if keys in SECRET_FIELDS:  # every form, and never the value
            assert "{env: NAME}" in hint and "{file: PATH}" in hint, (hint, where)
            _, value = edits[finding["profile"]]
            if isinstance(value, str) and len(value) > 2:
                assert value not in finding["message"] + hint, (value, where)
            continue
        if finding["rule"] == "MC101" and values:  # `security: true`: the values, all of them
            assert all(v in hint for v in values), (hint, values, where)
        if "out of range" in finding["message"] or (bounds and "expected" in finding["message"]):
            assert all(f"{b:g}" in hint for b in bounds.values()), (hint, bounds, where)


def test_the_hints_the_issue_names_say_the_fix(invoke, write) -> None:
    write(
        "h.mail.yaml",
        "version: 1\nprofiles:\n"
        "  a: {protocol: imap, host: imap.example.com, security: tls, auth: true}\n"
        "  b: {protocol: imap, host: imap.example.com, security: true}\n"
        "  c: {protocol: imap, host: imap.example.com, security: tls, timeout: 0}\n"
        "  d: {protocol: imap, host: imap.example.com, security: tls, port: 0}\n"
        "  e: {protocol: imap, host: imap.example.com, security: tls, auth: {username: u, password: {vault: x}}}\n",
    )
    hints = {f["profile"]: f["hint"] for f in invoke("check", "--format", "json", "h.mail.yaml").json()["findings"]}
    assert "auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}" in hints["a"]
    assert "did you mean 'tls'?" in hints["b"] and "tls, starttls, opportunistic, none" in hints["b"]
    assert "more than 0 and at most 300 seconds" in hints["c"]
    assert "from 1 to 65535" in hints["d"]
    assert '{env: NAME}, {file: PATH} or "${NAME}"' in hints["e"] and "rotate" not in hints["e"]


def test_violations_carry_the_facts_a_hint_needs_without_changing_a_verdict() -> None:
    def document(**fields: object) -> dict:
        return {"version": 1, "profiles": {"p": {**VALID_PROFILE, **fields}}}

    [timeout] = OURS.violations(document(timeout=0))
    assert timeout.kind == "range" and timeout.bounds == (("exclusiveMinimum", 0), ("maximum", 300))
    [port] = OURS.violations(document(port=True))  # a type error on a bounded field: the bounds too
    assert port.kind == "type" and port.bounds == (("minimum", 1), ("maximum", 65535))
    [security] = OURS.violations(document(security=True))
    assert security.kind == "type" and security.allowed == ("tls", "starttls", "opportunistic", "none")
    [auth] = OURS.violations(document(auth=True))
    assert set(auth.keys) == {"username", "password", "token", "mechanism"}
    # `{vault: x}` is unknown to both reference forms: the allowed keys of both branches
    found = OURS.violations(document(auth={"username": "u", "password": {"vault": "x"}}))
    assert [v.allowed for v in found if v.kind == "unknown-key"] == [("env", "file")]
    for fields in ({"timeout": 0}, {"port": True}, {"security": True}, {"auth": True}):
        agree(document(**fields))
