"""The API's OpenAPI 3.1 description, generated from the operations the
views declare (`Operation`) and the Pydantic models they answer with.

Nothing here is written by hand about a field: every schema comes from
`schemas.py` (JSON Schema 2020-12, which OpenAPI 3.1 uses as it is), every
path and parameter from the views' declarations.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from . import schemas

REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Operation:
    """One GET operation of the API, as the views declare it."""

    path: str  # OpenAPI form: /api/v1/events/{slug}
    name: str  # operationId, also the view's endpoint
    summary: str
    description: str
    answer: type[BaseModel]
    query: type[schemas.Query] = schemas.Query
    path_parameters: dict[str, dict] = field(default_factory=dict)  # name → (description, JSON Schema)
    tag: str = "events"


def _without_null(schema: dict) -> dict:
    """A query parameter is there or not: its schema never says null."""
    schema = dict(schema)
    options = schema.pop("anyOf", None)
    if options:
        kept = [option for option in options if option.get("type") != "null"]
        if len(kept) == 1:
            schema = {**kept[0], **schema}
        else:
            schema["anyOf"] = kept
    schema.pop("title", None)
    if schema.get("default", 0) is None:
        del schema["default"]
    return schema


def _query_parameters(query: type[schemas.Query], languages: list[str]) -> list[dict]:
    described = query.model_json_schema(by_alias=True)
    parameters = []
    for name, schema in described["properties"].items():
        schema = _without_null(schema)
        description = schema.pop("description", "")
        if name == "lang":
            schema = {"type": "string", "enum": languages}
        parameters.append({"name": name, "in": "query", "required": False,
                           "description": description, "schema": schema})
    return parameters


def _response(description: str, model: type[BaseModel] | None = None,
              media_type: str = "application/json", headers: dict | None = None) -> dict:
    answer: dict = {"description": description}
    if model is not None:
        answer["content"] = {media_type: {"schema": {"$ref": REF.format(model=model.__name__)}}}
    if headers:
        answer["headers"] = headers
    return answer


CACHE_HEADERS = {
    "ETag": {"description": "Send it back in If-None-Match: a 304 says nothing changed.",
             "schema": {"type": "string"}},
    "Cache-Control": {"schema": {"type": "string"}},
}
PROBLEM = "application/problem+json"


def document(operations: list[Operation], *, site_url: str, languages: list[str],
             version: str, examples: dict[str, str] | None = None) -> dict:
    """The OpenAPI 3.1 document of `operations`; `examples`: a value of a path
    parameter that exists now (an upcoming event's slug), for readers and testers."""
    examples = {name: value for name, value in (examples or {}).items() if value}
    models = {op.answer for op in operations} | {schemas.Problem}
    _keys, definitions = models_json_schema(
        [(model, "serialization") for model in sorted(models, key=lambda m: m.__name__)],
        ref_template=REF)
    paths: dict = {}
    for op in operations:
        parameters = []
        for name, (description, schema) in op.path_parameters.items():
            parameter = {"name": name, "in": "path", "required": True, "description": description,
                         "schema": schema}
            if name in examples:
                parameter["examples"] = {"current": {"value": examples[name]}}
            parameters.append(parameter)
        parameters += _query_parameters(op.query, languages)
        parameters.append({
            "name": "If-None-Match", "in": "header", "required": False,
            "description": "The ETag of the answer the client holds.", "schema": {"type": "string"},
        })
        responses = {
            "200": _response("The answer.", op.answer, headers=CACHE_HEADERS),
            "304": _response("Not modified: the answer the client holds (If-None-Match) is current.",
                             headers=CACHE_HEADERS),
            "400": _response("A parameter is not understood.", schemas.Problem, PROBLEM),
            "429": _response("Too many requests from this address: wait (Retry-After).",
                             schemas.Problem, PROBLEM),
        }
        if op.path_parameters:
            responses["404"] = _response("There is no such thing.", schemas.Problem, PROBLEM)
        elif {"council", "theme"} & set(op.query.model_fields):
            responses["404"] = _response("No Sub-council or theme has the slug given.",
                                         schemas.Problem, PROBLEM)
        paths[op.path] = {"get": {
            "operationId": op.name,
            "tags": [op.tag],
            "summary": op.summary,
            "description": op.description,
            "parameters": parameters,
            "responses": responses,
        }}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Community Events API",
            "version": version,
            "summary": "The public events of the London & Middlesex Local Immigration Partnership.",
            "description": (
                "Read-only and public: no key, no personal data. Texts come in the language "
                "asked for (`lang`, else Accept-Language) or, where they have no translation, "
                "in the language they were written in: each text says which. Times are ISO 8601, "
                "in UTC and in the site's time zone. Answers carry an ETag (send it back in "
                "If-None-Match for a 304) and may be kept for a minute; CORS allows any origin."
            ),
        },
        "servers": [{"url": site_url}],
        "tags": [
            {"name": "events", "description": "Community meetings, workshops and neighbourhood events."},
            {"name": "partnership", "description": "Sub-councils, themes and recommendations."},
        ],
        "paths": paths,
        "components": {"schemas": definitions.get("$defs", {})},
    }


def type_text(schema: dict) -> str:
    """A JSON Schema's type in a few words, for the documentation page:
    "string (date-time)", "Moment or null", "list of ThemeRef"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        options = [type_text(option) for option in schema["anyOf"]]
        return " or ".join(options)
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    kind = schema.get("type", "any")
    if kind == "array":
        return "list of " + type_text(schema.get("items", {}))
    if kind == "object" and "additionalProperties" in schema:
        return "map of " + type_text(schema["additionalProperties"])
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return str(kind)


def readable_schemas(spec: dict) -> list[dict]:
    """Every schema of the document as rows (field, type, required, meaning)."""
    found = []
    for name, schema in sorted(spec["components"]["schemas"].items()):
        required = set(schema.get("required", ()))
        found.append({
            "name": name,
            "description": schema.get("description", ""),
            "fields": [
                {"name": field, "type": type_text(value), "required": field in required,
                 "description": value.get("description", "")}
                for field, value in schema.get("properties", {}).items()
            ],
        })
    return found
