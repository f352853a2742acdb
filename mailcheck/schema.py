"""The published JSON Schema: generated from the pydantic models, read back at run time.

Generating needs pydantic (slow to import, and an extra: `mailprofile-check[schema]`);
checking only needs the generated file, so `mailcheck check` starts fast, installs without
pydantic and validates against exactly what editors see.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mailcheck.validator import SchemaValidator

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
PACKAGED_SCHEMA = "mailcheck.schema.json"  # a link to schemas/ in the source tree, a file in the wheel
GENERATOR_EXTRA = "schema"  # [project.optional-dependencies] in pyproject.toml


class GeneratorUnavailable(Exception):
    """pydantic, which only generating the schema needs, is not installed."""

    def __init__(self) -> None:
        super().__init__(
            f"`schema --generate` needs pydantic: pip install 'mailprofile-check[{GENERATOR_EXTRA}]' "
            "(`mailcheck schema` prints the published schema without it)"
        )


def generate_schema() -> dict[str, Any]:
    """Build the JSON Schema from the models (the single source of truth).

    Raises GeneratorUnavailable when pydantic is not installed.
    """
    from mailcheck.format import SCHEMA_ID

    try:
        from mailcheck.model import ProfileFile
    except ModuleNotFoundError as err:
        if err.name != "pydantic":  # pydantic there but broken, or a module of ours: not this
            raise
        raise GeneratorUnavailable() from None

    schema = ProfileFile.model_json_schema(by_alias=True)
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": SCHEMA_ID, **schema}


def render_schema(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def published_schema_text() -> str:
    """The schema file shipped inside the package (kept equal to generate_schema() by a test).

    Read next to this module rather than through importlib.resources, whose import costs
    about 14 ms of every start-up; the package is always installed as files.
    """
    return (Path(__file__).parent / PACKAGED_SCHEMA).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def published_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(published_schema_text())  # a JSON object: the file is ours
    return schema


@lru_cache(maxsize=1)
def validator() -> SchemaValidator:
    from mailcheck.validator import SchemaValidator

    return SchemaValidator(published_schema())


def profile_schema(protocol: str) -> dict[str, Any]:
    """The schema of one protocol's profiles, found through the discriminator mapping."""
    union = published_schema()["properties"]["profiles"]["patternProperties"]
    (branches,) = union.values()
    return validator().resolve({"$ref": branches["discriminator"]["mapping"][protocol]})
