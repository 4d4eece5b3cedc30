"""/documentation/api: a readable page rendered on the server from the OpenAPI document.

No script and no CDN (the CSP is strict and the network closed): the page is plain HTML built
from app.extensions["hrtele_api"].spec, the very document served at /api/v1/openapi.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, render_template

from hrtele.integrations.services import SCOPES

bp = Blueprint("api_docs_page", __name__, url_prefix="/documentation")

METHOD_ORDER = ("get", "post", "put", "patch", "delete")


@dataclass
class PropertyRow:
    """One field of a schema, as a table row."""

    name: str
    type: str
    required: bool
    description: str
    depth: int = 0


@dataclass
class Operation:
    """One API operation, ready to print."""

    method: str
    path: str
    anchor: str
    summary: str
    description: str
    scope: str
    parameters: list[dict[str, Any]] = field(default_factory=list)
    body: list[PropertyRow] = field(default_factory=list)
    body_name: str = ""
    responses: list[tuple[str, str, str]] = field(default_factory=list)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _resolve(spec: dict, schema: dict) -> dict:
    seen = 0
    while "$ref" in schema and seen < 20:
        schema = spec["components"]["schemas"].get(_ref_name(schema["$ref"]), {})
        seen += 1
    return schema


def type_label(spec: dict, schema: dict) -> str:
    """Short readable type: « texte », « entier », « liste de Employee » …"""
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    kinds = schema.get("type", "")
    if isinstance(kinds, list):
        base = [k for k in kinds if k != "null"]
        label = " ou ".join(_TYPE_FR.get(k, k) for k in base) or "valeur"
        label += " ou null" if "null" in kinds else ""
    else:
        label = _TYPE_FR.get(kinds, kinds or "valeur")
    if kinds == "array" and "items" in schema:
        label = "liste de " + type_label(spec, schema["items"])
    if schema.get("format"):
        label += f" ({schema['format']})"
    if schema.get("enum"):
        label += " : " + ", ".join(str(v) for v in schema["enum"][:12])
        if len(schema["enum"]) > 12:
            label += " …"
    if "minimum" in schema or "maximum" in schema:
        label += f" [{schema.get('minimum', '')} … {schema.get('maximum', '')}]"
    if schema.get("maxLength"):
        label += f" (≤ {schema['maxLength']} car.)"
    return label


_TYPE_FR = {
    "string": "texte", "integer": "entier", "number": "nombre", "boolean": "booléen",
    "object": "objet", "array": "liste", "null": "null",
}


def schema_rows(spec: dict, schema: dict, depth: int = 0, seen: frozenset = frozenset()
                ) -> list[PropertyRow]:
    """Rows for each property of a schema (nested objects indented, one level deep)."""
    resolved = _resolve(spec, schema)
    rows = []
    required = set(resolved.get("required", ()))
    for name, prop in resolved.get("properties", {}).items():
        rows.append(PropertyRow(name, type_label(spec, prop), name in required,
                                prop.get("description", ""), depth))
        target = prop.get("items", prop)
        if "$ref" in target and depth < 1 and target["$ref"] not in seen:
            rows.extend(schema_rows(spec, target, depth + 1, seen | {target["$ref"]}))
    return rows


def operations(spec: dict) -> dict[str, list[Operation]]:
    """Operations grouped by tag, in path order."""
    groups: dict[str, list[Operation]] = {}
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHOD_ORDER:
            op = item.get(method)
            if op is None:
                continue
            doc = (op.get("description") or "").strip()
            anchor = f"op-{op.get('operationId') or (method + path)}".replace("/", "-") \
                .replace("{", "").replace("}", "")
            operation = Operation(
                method=method.upper(), path=path, anchor=anchor,
                summary=op.get("summary", ""), description=doc,
                scope=op.get("x-scope", ""),
                parameters=[*shared, *op.get("parameters", [])],
            )
            body = op.get("requestBody", {}).get("content", {})
            for content in body.values():
                schema = content.get("schema", {})
                operation.body_name = type_label(spec, schema)
                operation.body = schema_rows(spec, schema)
            for code, response in sorted(op.get("responses", {}).items()):
                if "$ref" in response:
                    response = spec["components"]["responses"].get(
                        _ref_name(response["$ref"]), {})
                content = response.get("content", {})
                kind = ", ".join(content) if content else ""
                operation.responses.append((str(code), response.get("description", ""), kind))
            for tag in op.get("tags", ["api"]):
                groups.setdefault(tag, []).append(operation)
    return groups


@bp.get("/api")
def page():
    """Documentation de l'API, lisible, générée depuis le document OpenAPI."""
    spec = current_app.extensions["hrtele_api"].spec.to_dict()
    tags = {t["name"]: t.get("description", "") for t in spec.get("tags", [])}
    schemas = {
        name: schema_rows(spec, {"$ref": f"#/components/schemas/{name}"})
        for name in sorted(spec.get("components", {}).get("schemas", {}))
    }
    return render_template(
        "api/docs.html", spec=spec, info=spec["info"], groups=operations(spec), tags=tags,
        schemas=schemas, scopes=SCOPES, type_label=type_label,
    )
