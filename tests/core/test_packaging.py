"""pyproject.toml's dependencies are what the code imports: the runtime's imports are the
runtime dependencies, the tests' are in the `test` extra, and pydantic (for `schema
--generate` only) is an extra that `check`, `probe` and `diff` never import.

Imports are read from the source (every `import` statement, at any depth), so a module
imported on first use counts as much as one imported at the top.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the runtime dependency on 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
FIRST_PARTY = {"mailcheck", "tests"}
GENERATOR_ONLY = {"mailcheck/model.py"}  # the pydantic models: read by `schema --generate` only


def normalized(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(specs: list[str]) -> set[str]:
    return {normalized(Requirement(spec).name) for spec in specs}


DEPENDENCIES = requirements(PROJECT["dependencies"])
EXTRAS = {name: requirements(specs) for name, specs in PROJECT["optional-dependencies"].items()}


def imported_modules(files: list[Path]) -> set[str]:
    """The top-level names of every third-party module these files import."""
    names: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in FIRST_PARTY and n != "__future__"}


def distributions(module: str) -> set[str]:
    """The distributions that may provide `module` (its own name when none installed does:
    tomli, imported on Python 3.10 only)."""
    return {normalized(d) for d in importlib.metadata.packages_distributions().get(module, [module])}


def runtime_files() -> list[Path]:
    return [
        p for p in sorted((ROOT / "mailcheck").rglob("*.py")) if p.relative_to(ROOT).as_posix() not in GENERATOR_ONLY
    ]


def test_every_runtime_import_is_a_dependency_and_every_dependency_is_imported() -> None:
    provided = {module: distributions(module) for module in imported_modules(runtime_files())}
    missing = {module for module, dists in provided.items() if not dists & DEPENDENCIES}
    assert not missing, f"imported by mailcheck but not in [project] dependencies: {sorted(missing)}"
    unused = DEPENDENCIES - set().union(*provided.values())
    assert not unused, f"dependencies that mailcheck never imports: {sorted(unused)}"


def test_the_generator_and_test_tools_are_extras_not_dependencies() -> None:
    assert {"pydantic", "jsonschema", "jsonschema-rs", "ruamel-yaml", "pytest"}.isdisjoint(DEPENDENCIES)
    assert "pydantic" in EXTRAS["schema"]
    assert imported_modules([ROOT / name for name in GENERATOR_ONLY]) == {"pydantic"}


def test_the_test_extra_has_what_the_tests_import() -> None:
    assert "mailprofile-check" in EXTRAS["test"]  # with the schema extra: test_schema.py generates it
    available = DEPENDENCIES | EXTRAS["test"] | EXTRAS["schema"]
    needed = {module: distributions(module) for module in imported_modules(sorted((ROOT / "tests").rglob("*.py")))}
    missing = {module for module, dists in needed.items() if not dists & available}
    assert not missing, f"imported by the tests but in no dependency or the test extra: {sorted(missing)}"


# The runtime without the extras: pydantic, jsonschema and ruamel.yaml made unimportable.
_WITHOUT_EXTRAS = """
import json, pkgutil, sys
for name in ("pydantic", "jsonschema", "jsonschema_rs", "ruamel", "_ruamel_yaml"):
    sys.modules[name] = None  # `import name` now fails as if it were not installed
import mailcheck
from mailcheck.schema import GeneratorUnavailable, generate_schema
failed = {}
for module in pkgutil.walk_packages(mailcheck.__path__, "mailcheck."):
    if module.name in ("mailcheck.model", "mailcheck.__main__"):  # the generator's; runs the CLI
        continue
    try:
        __import__(module.name)
    except Exception as err:
        failed[module.name] = repr(err)
try:
    generate_schema()
    generated = "no error"
except GeneratorUnavailable as err:
    generated = str(err)
print(json.dumps({"failed": failed, "generated": generated}))
"""


def test_every_module_but_the_models_imports_without_the_extras() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRAS], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    result = json.loads(done.stdout)
    assert result["failed"] == {}
    assert "pip install 'mailprofile-check[schema]'" in result["generated"]


# What a `check` run imports: none of the extras, and no private YAML module.
_CHECK_IMPORTS = """
import json, sys
from pathlib import Path
from mailcheck.run import run_check
run_check(sorted(Path("examples").glob("*.mail.yaml")))
print(json.dumps(sorted(sys.modules)))
"""


def test_a_check_run_imports_no_extra_and_reads_yaml_through_pyyaml() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CHECK_IMPORTS], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    modules = {name.split(".")[0] for name in json.loads(done.stdout)}
    assert {"pydantic", "jsonschema", "jsonschema_rs", "ruamel", "_ruamel_yaml"}.isdisjoint(modules)
    assert "yaml" in modules


@pytest.mark.parametrize("extra", ["schema", "test", "lint", "bench"])
def test_extras_are_declared(extra: str) -> None:
    assert extra in PROJECT["optional-dependencies"]


def test_the_license_is_an_spdx_expression() -> None:
    """PEP 639: `license = "MIT"`; the table form is deprecated by setuptools."""
    assert PROJECT["license"] == "MIT"
