//! Small hand-written document pairs, one per kind of finding.

use super::model::{Direction, Finding, Kind, Verdict};
use super::{Document, diff_documents, diff_sets, markdown};
use serde_json::{Value, json};

/// Two operations; `Kind` is reached from requests and responses, `Filter` from requests
/// only, `Status` from responses only, `Owner` through `Thing` from both operations.
fn base() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Things", "version": "v2"},
        "security": [{"Bearer": []}],
        "paths": {
            "/v2/things": {
                "post": {
                    "operationId": "createThing",
                    "requestBody": {
                        "required": true,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingRequest"}}}
                    },
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
                        },
                        "404": {"$ref": "#/components/responses/NotFound"}
                    }
                }
            },
            "/v2/things/{thingId}": {
                "parameters": [
                    {"name": "thingId", "in": "path", "required": true, "schema": {"type": "string"}}
                ],
                "get": {
                    "operationId": "getThing",
                    "parameters": [
                        {"name": "verbose", "in": "query", "schema": {"type": "boolean"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
                        },
                        "404": {"$ref": "#/components/responses/NotFound"}
                    }
                }
            }
        },
        "components": {
            "securitySchemes": {"Bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "NotFound": {"description": "Not found"}
            },
            "schemas": {
                "ThingRequest": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                        "filter": {"$ref": "#/components/schemas/Filter"}
                    }
                },
                "Thing": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "string", "description": "The id."},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                        "status": {"$ref": "#/components/schemas/Status"},
                        "owner": {"$ref": "#/components/schemas/Owner"},
                        "payment": {
                            "type": "object",
                            "properties": {
                                "custom": {"type": "object", "properties": {"card": {"type": "string"}}}
                            }
                        }
                    }
                },
                "Owner": {"type": "object", "properties": {"email": {"type": "string"}}},
                "Kind": {"type": "string", "enum": ["A", "B"]},
                "Filter": {"type": "string", "enum": ["X", "Y"]},
                "Status": {"type": "string", "enum": ["ON", "OFF"]},
                "Orphan": {"type": "object", "properties": {"n": {"type": "integer"}}}
            }
        }
    })
}

/// The findings from `base()` to `base()` changed by `change`.
fn diff_after(change: impl FnOnce(&mut Value)) -> Vec<Finding> {
    let old = base();
    let mut new = old.clone();
    change(&mut new);
    diff_documents("m", &old, &new)
}

fn at<'v>(doc: &'v mut Value, pointer: &str) -> &'v mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} is not in the fixture"))
}

fn schema<'v>(doc: &'v mut Value, name: &str) -> &'v mut Value {
    at(doc, &format!("/components/schemas/{name}"))
}

/// The one finding with `id`, failing with every id found otherwise.
fn find<'f>(findings: &'f [Finding], id: &str) -> &'f Finding {
    let ids: Vec<&str> = findings.iter().map(|f| f.id.as_str()).collect();
    findings
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no finding {id}; found {ids:#?}"))
}

fn ids(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.id.as_str()).collect()
}

fn verdicts(f: &Finding) -> (Verdict, Verdict) {
    (f.wire, f.rust)
}

const B: Verdict = Verdict::Breaking;
const N: Verdict = Verdict::NonBreaking;

#[test]
fn identical_documents_have_no_findings() {
    assert!(diff_after(|_| {}).is_empty());
}

#[test]
fn endpoint_removed_and_added() {
    let findings = diff_after(|d| {
        let paths = at(d, "/paths").as_object_mut().unwrap();
        let item = paths.remove("/v2/things/{thingId}").unwrap();
        let mut get = item["get"].clone();
        get["operationId"] = json!("listThings");
        paths.insert("/v2/things/all".into(), json!({ "get": get }));
    });
    let removed = find(&findings, "m/operation-removed/GET /v2/things/{thingId}");
    assert_eq!(verdicts(removed), (B, B));
    assert_eq!(
        removed.old_pointer.as_deref(),
        Some("/paths/~1v2~1things~1{thingId}/get")
    );
    assert_eq!(removed.new_pointer.as_deref(), Some("/paths"));
    assert_eq!(removed.rust_items, ["m::Client::get_thing"]);
    let added = find(&findings, "m/operation-added/GET /v2/things/all");
    assert_eq!(verdicts(added), (N, N));
    assert_eq!(added.rust_items, ["m::Client::list_things"]);
    assert_eq!(findings.len(), 2, "{:#?}", ids(&findings));
}

#[test]
fn path_parameter_names_are_normalised() {
    let findings = diff_after(|d| {
        let paths = at(d, "/paths").as_object_mut().unwrap();
        let mut item = paths.remove("/v2/things/{thingId}").unwrap();
        item["parameters"][0]["name"] = json!("id");
        paths.insert("/v2/things/{id}".into(), item);
    });
    assert_eq!(
        ids(&findings),
        ["m/parameter-renamed/GET /v2/things/{id} path.id"],
        "the operation is matched, only its parameter renamed"
    );
    assert_eq!(verdicts(&findings[0]), (N, N));
}

#[test]
fn required_request_property_added() {
    let findings = diff_after(|d| {
        let s = schema(d, "ThingRequest");
        s["properties"]["size"] = json!({"type": "integer"});
        s["required"] = json!(["name", "size"]);
    });
    let f = find(&findings, "m/property-added/ThingRequest.size");
    assert_eq!(f.direction, Some(Direction::Request));
    assert_eq!(verdicts(f), (B, B));
    assert_eq!(f.rust_items, ["m::types::ThingRequest::size"]);
    assert_eq!(f.operations, ["POST /v2/things"]);
    assert_eq!(
        f.new_pointer.as_deref(),
        Some("/components/schemas/ThingRequest/properties/size")
    );
    assert_eq!(
        f.old_pointer.as_deref(),
        Some("/components/schemas/ThingRequest/properties")
    );
    assert_eq!(findings.len(), 1, "{:#?}", ids(&findings));
}

#[test]
fn optional_properties_added_are_not_breaking_and_nested_ones_are_named_where_they_are() {
    let findings = diff_after(|d| {
        schema(d, "ThingRequest")["properties"]["note"] = json!({"type": "string"});
        schema(d, "Thing")["properties"]["payment"]["properties"]["custom"]["properties"]["noPrepayment"] =
            json!({"$ref": "#/components/schemas/Owner"});
    });
    let request = find(&findings, "m/property-added/ThingRequest.note");
    assert_eq!(verdicts(request), (N, N));
    let nested = find(&findings, "m/property-added/Thing.payment.custom.noPrepayment");
    assert_eq!(nested.direction, Some(Direction::Response));
    assert_eq!(verdicts(nested), (N, N));
    assert_eq!(nested.rust_items, ["m::types::ThingPaymentCustom::no_prepayment"]);
    assert_eq!(
        nested.new_pointer.as_deref(),
        Some("/components/schemas/Thing/properties/payment/properties/custom/properties/noPrepayment")
    );
    assert_eq!(nested.operations, ["GET /v2/things/{thingId}", "POST /v2/things"]);
    assert!(nested.summary.contains("`Owner`"), "{}", nested.summary);
}

#[test]
fn property_type_changed_is_reported_once_where_it_is() {
    let findings = diff_after(|d| schema(d, "Owner")["properties"]["email"]["type"] = json!("integer"));
    assert_eq!(ids(&findings), ["m/type-changed/Owner.email"]);
    let f = &findings[0];
    assert_eq!(verdicts(f), (B, B));
    assert_eq!(f.direction, Some(Direction::Response));
    assert_eq!(f.operations, ["GET /v2/things/{thingId}", "POST /v2/things"]);
    assert_eq!(f.rust_items, ["m::types::Owner::email"]);
    assert!(f.summary.contains("string → integer"), "{}", f.summary);
}

#[test]
fn ref_to_another_schema_is_a_type_change() {
    let findings = diff_after(|d| {
        schema(d, "Thing")["properties"]["owner"] = json!({"$ref": "#/components/schemas/Orphan"});
    });
    let f = find(&findings, "m/type-changed/Thing.owner");
    assert_eq!(verdicts(f), (B, B));
    assert!(f.summary.contains("`Owner` → `Orphan`"), "{}", f.summary);
}

#[test]
fn enum_values_added_and_removed_by_direction() {
    let findings = diff_after(|d| {
        schema(d, "Kind")["enum"] = json!(["A", "B", "C"]);
        schema(d, "Filter")["enum"] = json!(["X", "Z"]);
        schema(d, "Status")["enum"] = json!(["ON", "PAUSED"]);
    });
    let both = find(&findings, "m/enum-value-added/Kind/C");
    assert_eq!(both.direction, Some(Direction::Both));
    assert_eq!(verdicts(both), (N, N));
    assert_eq!(both.rust_items, ["m::types::Kind::C"]);
    assert_eq!(both.new_pointer.as_deref(), Some("/components/schemas/Kind/enum/2"));
    assert_eq!(both.old_pointer.as_deref(), Some("/components/schemas/Kind/enum"));

    let request_added = find(&findings, "m/enum-value-added/Filter/Z");
    assert_eq!(request_added.direction, Some(Direction::Request));
    assert_eq!(verdicts(request_added), (N, N));
    assert!(request_added.note.as_deref().unwrap().contains("non_exhaustive"));
    let request_removed = find(&findings, "m/enum-value-removed/Filter/Y");
    assert_eq!(verdicts(request_removed), (B, B), "a value callers send is refused");

    let response_added = find(&findings, "m/enum-value-added/Status/PAUSED");
    assert_eq!(response_added.direction, Some(Direction::Response));
    assert_eq!(verdicts(response_added), (N, N));
    assert!(response_added.note.as_deref().unwrap().contains("Unrecognized"));
    let response_removed = find(&findings, "m/enum-value-removed/Status/OFF");
    assert_eq!(
        verdicts(response_removed),
        (N, B),
        "the server stops sending it; the variant goes"
    );
    assert_eq!(response_removed.rust_items, ["m::types::Status::Off"]);
    assert_eq!(findings.len(), 5, "{:#?}", ids(&findings));
}

#[test]
fn enum_value_removed_in_both_directions_is_breaking_on_the_wire() {
    let findings = diff_after(|d| schema(d, "Kind")["enum"] = json!(["A"]));
    let f = find(&findings, "m/enum-value-removed/Kind/B");
    assert_eq!(f.direction, Some(Direction::Both));
    assert_eq!(verdicts(f), (B, B));
}

#[test]
fn operation_id_renamed() {
    let findings = diff_after(|d| at(d, "/paths/~1v2~1things/post")["operationId"] = json!("makeThing"));
    assert_eq!(ids(&findings), ["m/operation-id-renamed/POST /v2/things"]);
    let f = &findings[0];
    assert_eq!(verdicts(f), (N, B));
    assert_eq!(f.rust_items, ["m::Client::create_thing", "m::Client::make_thing"]);
}

#[test]
fn property_removed_and_required_changes() {
    let findings = diff_after(|d| {
        schema(d, "Thing")["properties"]
            .as_object_mut()
            .unwrap()
            .remove("owner");
        schema(d, "Thing")["required"] = json!([]);
        schema(d, "ThingRequest")["required"] = json!(["name", "kind"]);
    });
    let removed = find(&findings, "m/property-removed/Thing.owner");
    assert_eq!(verdicts(removed), (B, B));
    assert_eq!(removed.rust_items, ["m::types::Thing::owner"]);
    assert_eq!(
        removed.new_pointer.as_deref(),
        Some("/components/schemas/Thing/properties")
    );
    let loosened = find(&findings, "m/property-required-changed/Thing.id");
    assert_eq!(verdicts(loosened), (B, B), "a response no longer guarantees the field");
    let tightened = find(&findings, "m/property-required-changed/ThingRequest.kind");
    assert_eq!(verdicts(tightened), (B, B), "a request gains a requirement");
    assert_eq!(
        tightened.new_pointer.as_deref(),
        Some("/components/schemas/ThingRequest/required")
    );
    assert_eq!(findings.len(), 3, "{:#?}", ids(&findings));
}

#[test]
fn optional_request_property_becoming_optional_is_wire_safe() {
    let findings = diff_after(|d| schema(d, "ThingRequest")["required"] = json!([]));
    let f = find(&findings, "m/property-required-changed/ThingRequest.name");
    assert_eq!(verdicts(f), (N, B));
}

#[test]
fn parameter_changes() {
    let findings = diff_after(|d| {
        let params = at(d, "/paths/~1v2~1things~1{thingId}/get/parameters");
        params[0]["required"] = json!(true);
        params[0]["schema"] = json!({"type": "string"});
        params
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "limit", "in": "query", "schema": {"type": "integer"}}));
        at(d, "/paths/~1v2~1things/post")["parameters"] =
            json!([{"name": "X-Trace", "in": "header", "required": true, "schema": {"type": "string"}}]);
    });
    let required = find(
        &findings,
        "m/parameter-required-changed/GET /v2/things/{thingId} query.verbose",
    );
    assert_eq!(verdicts(required), (B, B));
    let typed = find(&findings, "m/type-changed/GET /v2/things/{thingId} query.verbose");
    assert_eq!(verdicts(typed), (B, B));
    assert_eq!(
        typed.new_pointer.as_deref(),
        Some("/paths/~1v2~1things~1{thingId}/get/parameters/0/schema/type")
    );
    let optional = find(&findings, "m/parameter-added/GET /v2/things/{thingId} query.limit");
    assert_eq!(verdicts(optional), (N, N), "optional parameters are named: a new field");
    assert_eq!(optional.rust_items, ["m::Client::get_thing"]);
    let header = find(&findings, "m/parameter-added/POST /v2/things header.X-Trace");
    assert_eq!(verdicts(header), (B, B));
    assert_eq!(findings.len(), 4, "{:#?}", ids(&findings));

    let removed = diff_after(|d| at(d, "/paths/~1v2~1things~1{thingId}/get")["parameters"] = json!([]));
    let f = find(&removed, "m/parameter-removed/GET /v2/things/{thingId} query.verbose");
    assert_eq!(verdicts(f), (N, B));
}

#[test]
fn deprecation_beside_a_ref_with_sunset() {
    let findings = diff_after(|d| {
        let p = &mut schema(d, "Thing")["properties"]["kind"];
        p["deprecated"] = json!(true);
        p["x-sunset"] = json!("2027-01-01");
    });
    assert_eq!(
        ids(&findings),
        ["m/deprecated/Thing.kind"],
        "nothing reported at Kind itself"
    );
    let f = &findings[0];
    assert_eq!(verdicts(f), (N, N));
    assert!(f.summary.contains("x-sunset 2027-01-01"), "{}", f.summary);
    assert_eq!(f.rust_items, ["m::types::Thing::kind"]);
    assert_eq!(
        f.new_pointer.as_deref(),
        Some("/components/schemas/Thing/properties/kind/deprecated")
    );

    let op = diff_after(|d| at(d, "/paths/~1v2~1things/post")["deprecated"] = json!(true));
    assert_eq!(ids(&op), ["m/deprecated/POST /v2/things"]);
}

#[test]
fn status_codes_and_media_types() {
    let findings = diff_after(|d| {
        let post = at(d, "/paths/~1v2~1things/post");
        post["responses"]["409"] = json!({"description": "Conflict"});
        post["responses"].as_object_mut().unwrap().remove("404");
        let content = post["requestBody"]["content"].as_object_mut().unwrap();
        let json_body = content.remove("application/json").unwrap();
        content.insert("application/xml".into(), json_body);
        let get = at(d, "/paths/~1v2~1things~1{thingId}/get");
        get["responses"].as_object_mut().unwrap().remove("200");
        get["responses"]["201"] = json!({"description": "Created"});
    });
    assert_eq!(
        verdicts(find(&findings, "m/status-code-added/POST /v2/things 409")),
        (N, N)
    );
    assert_eq!(
        verdicts(find(&findings, "m/status-code-removed/POST /v2/things 404")),
        (N, N)
    );
    assert_eq!(
        verdicts(find(&findings, "m/status-code-removed/GET /v2/things/{thingId} 200")),
        (B, B)
    );
    let created = find(&findings, "m/status-code-added/GET /v2/things/{thingId} 201");
    assert_eq!(verdicts(created), (N, N));
    assert!(created.note.is_some(), "a new success status is pointed out");
    let removed = find(
        &findings,
        "m/media-type-removed/POST /v2/things request/application/json",
    );
    assert_eq!(verdicts(removed), (B, B));
    assert_eq!(removed.direction, Some(Direction::Request));
    let added = find(&findings, "m/media-type-added/POST /v2/things request/application/xml");
    assert_eq!(verdicts(added), (N, N));
    assert_eq!(findings.len(), 6, "{:#?}", ids(&findings));
}

#[test]
fn security_changes() {
    let findings = diff_after(|d| {
        at(d, "/paths/~1v2~1things/post")["security"] = json!([{"ApiKey": []}]);
        at(d, "/components/securitySchemes")["ApiKey"] = json!({"type": "apiKey", "in": "header", "name": "X-Key"});
        at(d, "")["security"] = json!([]);
    });
    let op = find(&findings, "m/security-changed/POST /v2/things");
    assert_eq!(verdicts(op), (B, N));
    assert!(ids(&findings).contains(&"m/security-changed/components.securitySchemes.ApiKey"));
    assert!(ids(&findings).contains(&"m/security-changed/document"));
    assert_eq!(findings.len(), 3, "{:#?}", ids(&findings));
}

mod schemas;
mod verdict_table;
