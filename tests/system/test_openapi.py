"""The OpenAPI document is generated from the routes: every JSON route is in it, and it is a
structurally valid OpenAPI 3.1 document whose references all resolve."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Blueprint, Flask
from openapi_spec_validator import validate
from pydantic import BaseModel

from app.core.api import endpoint
from app.core.auth import auth_required
from app.system import openapi

SKIPPED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def document(app: Flask) -> dict:
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def resolve(document: dict, ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for escaped in ref[2:].split("/"):
        part = escaped.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"unresolvable $ref {ref}"
        node = node[part]
    return node


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []


def test_every_routed_json_endpoint_is_documented_or_an_html_page(app):
    assert openapi.undocumented_endpoints(app) == [], (
        "JSON routes without @endpoint metadata (or add HTML pages to openapi.HTML_PAGES)"
    )


def test_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_operation_ids_are_unique_and_every_ref_resolves(document):
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    all_refs = refs(document)
    assert all_refs
    for ref in all_refs:
        resolve(document, ref)
    # and nothing in components is left unused
    used = {r.removeprefix("#/components/schemas/") for r in all_refs}
    assert set(document["components"]["schemas"]) <= used


def test_every_documented_route_and_method_is_in_the_document(app, document):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if not hasattr(view, "__api__"):
            continue
        path = openapi.openapi_path(rule)
        for method in (rule.methods or set()) - SKIPPED_METHODS:
            assert method.lower() in document["paths"].get(path, {}), f"{method} {path}"


def test_system_operations(document):
    info = document["paths"]["/system/info"]["get"]
    assert info["tags"] == ["backend", "system"]
    assert info["security"] == []
    schema = resolve(
        document, info["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    )
    assert set(schema["properties"]) == {
        "version",
        "llm_provider",
        "llm_model",
        "status",
        "llm_configured",
    }
    health = document["paths"]["/health"]["get"]["responses"]
    assert set(health) == {"200", "503", "default"}
    envelope = resolve(document, health["default"]["content"]["application/json"]["schema"]["$ref"])
    assert "detail" in envelope["properties"]  # Backend's {"detail": ...}
    metrics = document["paths"]["/metrics"]["get"]["responses"]["200"]
    assert "text/plain" in metrics["content"]


def test_authenticated_operation_names_both_schemes(document):
    me = document["paths"]["/api/auth/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}, {"cookieAuth": []}]
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["cookieAuth"]["in"] == "cookie"
    assert schemes["cookieAuth"]["name"] == "examhall_session"


def test_shared_token_path_documents_both_content_types(document):
    token = document["paths"]["/token"]["post"]
    content = token["requestBody"]["content"]
    assert set(content) == {"application/json", "application/x-www-form-urlencoded"}
    form = resolve(document, content["application/x-www-form-urlencoded"]["schema"]["$ref"])
    assert set(form["required"]) == {"username", "password"}
    ok = token["responses"]["200"]["content"]["application/json"]["schema"]["oneOf"]
    shapes = [set(resolve(document, s["$ref"])["properties"]) for s in ok]
    # ProctorX's {"access","refresh"} and Backend's {"access_token","token_type"}: two models
    # called TokenOut, kept apart in components
    assert {"access", "refresh"} in shapes and {"access_token", "token_type"} in shapes
    assert {"proctorx", "backend", "web_auth"} <= set(token["tags"])
    # the web page's GET is not an API operation
    assert set(document["paths"]["/login"]) == {"post"}
    assert "application/json" in document["paths"]["/login"]["post"]["requestBody"]["content"]


class ItemQuery(BaseModel):
    page: int = 1
    tags: list[str] = []


class ItemIn(BaseModel):
    name: str


class ItemOut(BaseModel):
    id: int
    name: str


def test_generator_on_a_small_app():
    """Converters become typed path parameters, a query model's fields query parameters, list
    responses arrays of the model, and roles are named."""
    bp = Blueprint("items_demo", __name__)

    @bp.get("/items/<int:item_id>")
    @auth_required("teacher", "admin")
    @endpoint("One item", query=ItemQuery, responses={200: ItemOut, 404: None})
    def get_item(actor, item_id: int, query: ItemQuery) -> str:
        """Shows one item."""
        return ""

    @bp.route("/items", methods=["GET", "POST"])
    @endpoint("List or add items", body=ItemIn, responses={200: list[ItemOut], 201: ItemOut})
    def items(body: ItemIn | None = None) -> str:
        return ""

    app = Flask(__name__)
    app.register_blueprint(bp)
    doc = openapi.build(app)
    validate(doc)
    one = doc["paths"]["/items/{item_id}"]["get"]
    assert one["operationId"] == "items_demo_get_item"
    assert one["x-roles"] == ["teacher", "admin"]
    assert one["description"].startswith("Shows one item.")
    params = {p["name"]: p for p in one["parameters"]}
    assert params["item_id"] == {
        "name": "item_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
    assert params["page"]["in"] == "query" and params["page"]["required"] is False
    assert params["tags"]["schema"]["type"] == "array"
    assert "content" not in one["responses"]["404"]
    listing = doc["paths"]["/items"]
    assert set(listing) == {"get", "post"}
    assert "requestBody" not in listing["get"]
    assert listing["post"]["requestBody"]["required"] is True
    assert listing["get"]["operationId"] == "items_demo_items_get"
    array = listing["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert array == {"type": "array", "items": {"$ref": "#/components/schemas/ItemOut"}}
    assert "ItemQuery" not in doc["components"]["schemas"]  # its fields are parameters instead
