"""The catalogue's shape: the JSON Schema `catalogue.schema.json`, and its errors as sentences.

Editors point their YAML editor at the schema (docs/catalogue-format.md); the validator checks
every file against it. The schema's `x-message` (per rule, or one sentence for the whole node) and
`x-missing` (for a required field that is absent) annotations are what an editor reads; without
them jsonschema's own message is shown.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

SCHEMA_PATH = Path(__file__).with_name("catalogue.schema.json")
LANGUAGES = ("en", "ro", "ru")  # the languages the schema file names


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


@cache
def _schema_file() -> dict[str, Any]:
    return dict(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def schema(languages: tuple[str, ...] = LANGUAGES) -> dict[str, Any]:
    """The catalogue's schema; texts and keywords in `languages` (catalogue.yml's) when they differ
    from the three the schema file names."""
    if languages == LANGUAGES:
        return _schema_file()
    patched = copy.deepcopy(_schema_file())
    defs = patched["$defs"]
    every = f"needs a text in each language ({', '.join(languages)})"
    text = defs["text"]
    text.update({"required": list(languages), "x-missing": every})
    text["x-message"]["type"] = every
    text["properties"] = {
        lang: text["properties"].get(lang)
        or {"type": "string", "pattern": r"\S", "x-message": f"the {lang} translation is missing"}
        | {"x-missing": f"the {lang} translation is missing"}
        for lang in languages
    }
    for name in ("keywords", "aliases"):
        words = next(iter(defs[name]["properties"].values()))
        defs[name]["properties"] = {lang: words for lang in languages}
    defs["keywords"]["required"] = list(languages)
    return patched


@cache
def validator(languages: tuple[str, ...]) -> Draft202012Validator:
    return Draft202012Validator(schema(languages))


def shape_problems(file: str, data: Any, validator: Draft202012Validator) -> list[Problem]:
    """The file's departures from the schema, in the order of the file's paths."""
    errors = sorted(validator.iter_errors(_jsonable(data)), key=lambda error: _sort_key(error.absolute_path))
    found = [_problem(file, error, validator.schema) for error in errors]
    return list(dict.fromkeys(found))  # one sentence per place, however many rules it broke


def _problem(file: str, error: ValidationError, root: dict[str, Any]) -> Problem:
    path = list(error.absolute_path)
    rule = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "required":
        name = ast.literal_eval(error.message.rsplit(" is a required property", 1)[0])
        path.append(name)
        described = rule.get("properties", {}).get(name, {})
        message = described.get("x-missing") or _resolve(described, root).get("x-missing") or "is missing"
        return Problem(file, _path(path), message)
    said = rule.get("x-message")
    if isinstance(said, dict):
        said = said.get(error.validator)
    if not said:
        return Problem(file, _path(path), error.message)
    instance = error.instance
    extra = (
        ", ".join(sorted(map(str, set(instance) - set(rule.get("properties", {})))))
        if isinstance(instance, dict)
        else ""
    )
    return Problem(file, _path(path), said.replace("{value}", repr(instance)).replace("{extra}", extra))


def _resolve(described: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    reference = described.get("$ref", "")
    return dict(root["$defs"].get(reference.rsplit("/", 1)[-1], {})) if reference.startswith("#/$defs/") else {}


def _path(parts: list[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _sort_key(parts: Any) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, part) if isinstance(part, int) else (1, str(part)) for part in parts)


def _jsonable(value: Any) -> Any:
    """YAML's data as JSON would hold it: dates as ISO strings (how an editor writes them)."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
