"""JSON Schema generation and bookkeeping for the OpenAPI document: one pass of pydantic over
every model, then the `$ref` graph trimmed to what the operations use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema

SCHEMA_PREFIX = "#/components/schemas/"
REF_TEMPLATE = SCHEMA_PREFIX + "{model}"


def unique(items: Iterator[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def one_of(schemas: list[dict]) -> dict:
    schemas = unique(iter(schemas))
    return schemas[0] if len(schemas) == 1 else {"oneOf": schemas}


class Schemas:
    """All request, query, response and error types, generated together into one `$defs`, so two
    models with the same class name in different modules get distinct component names."""

    def __init__(self, wanted: list[tuple[Any, str]]) -> None:
        inputs = [(t, mode, TypeAdapter(t).core_schema) for t, mode in unique(iter(wanted))]
        generator = GenerateJsonSchema(by_alias=True, ref_template=REF_TEMPLATE)
        self.mapping, self.defs = generator.generate_definitions(inputs)  # type: ignore[arg-type]

    def ref(self, t: Any, mode: str) -> dict:
        return self.mapping[(t, mode)]  # type: ignore[index]

    def resolve(self, schema: dict) -> dict:
        ref = schema.get("$ref", "")
        return self.defs[ref.removeprefix(SCHEMA_PREFIX)] if ref else schema  # type: ignore[index]


def walk(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def refs(node: Any) -> set[str]:
    return {
        d["$ref"].removeprefix(SCHEMA_PREFIX)
        for d in walk(node)
        if isinstance(d.get("$ref"), str) and d["$ref"].startswith(SCHEMA_PREFIX)
    }


def short_names(names: list[str]) -> dict[str, str]:
    """pydantic names clashing models `app__auth__views__backend__TokenOut`; `backend.TokenOut`
    reads better and is as unique."""
    taken = {n for n in names if "__" not in n}
    rename = {}
    for name in sorted(n for n in names if "__" in n):
        parts = name.split("__")
        for k in range(2, len(parts) + 1):
            candidate = ".".join(parts[-k:])
            if candidate not in taken:
                break
        taken.add(candidate)
        rename[name] = candidate
    return rename


def reachable(paths: dict, defs: dict) -> dict:
    """Only the components some operation uses (a query model's fields become parameters, so its
    own schema would otherwise be left over)."""
    keep: set[str] = set()
    todo = refs(paths)
    while todo:
        name = todo.pop()
        if name not in keep:
            keep.add(name)
            todo |= refs(defs[name])
    return {name: defs[name] for name in sorted(keep)}
