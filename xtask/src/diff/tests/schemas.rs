//! Findings beyond one operation: descriptions, unclassified changes, schemas renamed, added
//! and removed, what no operation reaches, nullability, stable ids, and sets of documents.

use super::*;

#[test]
fn description_only_changes_are_their_own_kind() {
    let findings = diff_after(|d| {
        schema(d, "Thing")["properties"]["id"]["description"] = json!("The thing's id.");
        at(d, "/info")["description"] = json!("Now described.");
        at(d, "/components/responses/NotFound")["description"] = json!("Nothing there");
    });
    assert!(
        findings.iter().all(|f| f.kind == Kind::DescriptionChanged),
        "{:#?}",
        ids(&findings)
    );
    assert!(findings.iter().all(|f| !f.is_breaking()));
    find(&findings, "m/description-changed/Thing.id");
    find(&findings, "m/description-changed/document");
    // A shared response is compared where the operations use it.
    let shared = find(&findings, "m/description-changed/POST /v2/things 404");
    assert_eq!(shared.new_pointer.as_deref(), Some("/components/responses/NotFound"));
    find(&findings, "m/description-changed/GET /v2/things/{thingId} 404");
    assert_eq!(findings.len(), 4, "{:#?}", ids(&findings));
}

#[test]
fn changes_without_a_rule_are_unclassified_not_dropped() {
    let findings = diff_after(|d| {
        schema(d, "Owner")["properties"]["email"]["pattern"] = json!("^.+@.+$");
        schema(d, "Thing")["discriminator"] = json!({"propertyName": "kind"});
        at(d, "/components/responses")["Unused"] = json!({"description": "never referenced"});
        at(d, "")["servers"] = json!([{"url": "https://example.com"}]);
    });
    for id in [
        "m/unclassified/Owner.email/pattern",
        "m/unclassified/Thing/discriminator",
        "m/unclassified/components.responses.Unused/responses",
        "m/unclassified/document/servers",
    ] {
        let f = find(&findings, id);
        assert_eq!(verdicts(f), (Verdict::Unknown, Verdict::Unknown));
        assert!(f.is_breaking(), "an unreviewed change does not pass as safe");
    }
    assert_eq!(findings.len(), 4, "{:#?}", ids(&findings));
}

#[test]
fn schema_renamed_unchanged_is_a_rename_not_type_changes() {
    let findings = diff_after(|d| {
        let schemas = at(d, "/components/schemas").as_object_mut().unwrap();
        let owner = schemas.remove("Owner").unwrap();
        schemas.insert("Person".into(), owner);
        schema(d, "Thing")["properties"]["owner"] = json!({"$ref": "#/components/schemas/Person"});
    });
    assert_eq!(ids(&findings), ["m/schema-renamed/Person"]);
    let f = &findings[0];
    assert_eq!(verdicts(f), (N, B));
    assert_eq!(f.rust_items, ["m::types::Owner", "m::types::Person"]);
}

#[test]
fn schemas_added_and_removed() {
    let findings = diff_after(|d| {
        let schemas = at(d, "/components/schemas").as_object_mut().unwrap();
        schemas.remove("Orphan");
        schemas.insert("Fresh".into(), json!({"type": "boolean"}));
    });
    let removed = find(&findings, "m/schema-removed/Orphan");
    assert_eq!(removed.direction, Some(Direction::Unreferenced));
    assert_eq!(verdicts(removed), (N, B));
    assert_eq!(verdicts(find(&findings, "m/schema-added/Fresh")), (N, N));
}

#[test]
fn changes_nobody_reaches_are_not_breaking_on_the_wire() {
    let findings = diff_after(|d| schema(d, "Orphan")["properties"]["n"]["type"] = json!("string"));
    let f = find(&findings, "m/type-changed/Orphan.n");
    assert_eq!(f.direction, Some(Direction::Unreferenced));
    assert_eq!(verdicts(f), (N, B));
    assert!(f.operations.is_empty());
}

#[test]
fn changes_behind_items_additional_properties_and_compositions_are_reached() {
    let mut old = base();
    {
        let thing = &mut schema(&mut old, "Thing")["properties"];
        thing["tags"] = json!({"type": "array", "items": {"$ref": "#/components/schemas/Tag"}});
        thing["extras"] = json!({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Extra"}});
        thing["notes"] =
            json!({"type": "array", "items": {"type": "object", "properties": {"text": {"type": "string"}}}});
    }
    let schemas = at(&mut old, "/components/schemas");
    schemas["Tag"] = json!({"allOf": [
        {"$ref": "#/components/schemas/Label"},
        {"type": "object", "properties": {"weight": {"type": "integer"}}}
    ]});
    schemas["Label"] = json!({"oneOf": [{"$ref": "#/components/schemas/Text"}, {"type": "integer"}]});
    schemas["Text"] = json!({"type": "string", "enum": ["T1"]});
    schemas["Extra"] = json!({"type": "object", "properties": {"code": {"type": "string"}}});
    let mut new = old.clone();
    schema(&mut new, "Text")["enum"] = json!(["T1", "T2"]);
    schema(&mut new, "Tag")["allOf"][1]["properties"]["weight"]["format"] = json!("int64");
    schema(&mut new, "Extra")["properties"]["code"]["type"] = json!("integer");
    schema(&mut new, "Thing")["properties"]["notes"]["items"]["properties"]["text"]["deprecated"] = json!(true);
    schema(&mut new, "Label")["oneOf"][1]["minimum"] = json!(0);
    let findings = diff_documents("m", &old, &new);
    let both = ["GET /v2/things/{thingId}", "POST /v2/things"];
    for id in [
        "m/enum-value-added/Text/T2",
        "m/format-changed/Tag.weight",
        "m/type-changed/Extra.code",
        "m/deprecated/Thing.notes[].text",
        "m/unclassified/Label.oneOf[#0]/minimum",
    ] {
        let f = find(&findings, id);
        assert_eq!(f.operations, both, "{id}");
        assert_eq!(f.direction, Some(Direction::Response), "{id}");
    }
    assert_eq!(
        find(&findings, "m/deprecated/Thing.notes[].text").rust_items,
        ["m::types::ThingNotesItem::text"]
    );
    assert_eq!(
        find(&findings, "m/format-changed/Tag.weight").new_pointer.as_deref(),
        Some("/components/schemas/Tag/allOf/1/properties/weight/format")
    );
    assert_eq!(findings.len(), 5, "{:#?}", ids(&findings));
}

#[test]
fn nullable_changes() {
    let findings = diff_after(|d| schema(d, "Owner")["properties"]["email"]["type"] = json!(["string", "null"]));
    assert_eq!(ids(&findings), ["m/nullable-changed/Owner.email"]);
    assert_eq!(verdicts(&findings[0]), (B, B), "a response may now carry null");
}

#[test]
fn ids_come_from_content_not_order() {
    let shuffled = |d: &mut Value| {
        let schemas = at(d, "/components/schemas").as_object_mut().unwrap();
        let mut entries: Vec<(String, Value)> = std::mem::take(schemas).into_iter().collect();
        entries.reverse();
        schemas.extend(entries);
    };
    let change = |d: &mut Value| schema(d, "Kind")["enum"] = json!(["C", "A", "B"]);
    let plain = diff_after(change);
    let mut old = base();
    shuffled(&mut old);
    let mut new = old.clone();
    change(&mut new);
    let reordered = diff_documents("m", &old, &new);
    assert_eq!(ids(&plain), ["m/enum-value-added/Kind/C"]);
    assert_eq!(ids(&plain), ids(&reordered));
}

#[test]
fn sets_report_hashes_new_apis_and_render_breaking_first() {
    let old = base();
    let mut new = base();
    schema(&mut new, "Kind")["enum"] = json!(["A", "B", "C"]);
    schema(&mut new, "Status")["enum"] = json!(["ON"]);
    let other = json!({"openapi": "3.1.0", "paths": {}});
    let report = diff_sets(
        &[Document {
            module: "m",
            value: &old,
            sha256: "aaa",
        }],
        &[
            Document {
                module: "m",
                value: &new,
                sha256: "bbb",
            },
            Document {
                module: "extra",
                value: &other,
                sha256: "ccc",
            },
        ],
    );
    assert!(report.has_breaking());
    assert_eq!(report.apis[1].findings[0].id, "extra/api-added/document");
    let md = markdown(&report, "old", "new", 1);
    assert!(md.contains("| m | 2 | 0 | 1 | 0 | 0 | `aaa` | `bbb` |"), "{md}");
    assert!(md.contains("| extra | 1 | 0 | 0 | 0 | 0 | — | `ccc` |"), "{md}");
    let breaking = md.find("## Breaking (1)").expect("breaking section");
    let safe = md.find("## Non-breaking (1)").expect("non-breaking section");
    assert!(breaking < safe, "{md}");
    assert!(md[breaking..safe].contains("m/enum-value-removed/Status/OFF"), "{md}");

    let unchanged = diff_sets(
        &[Document {
            module: "m",
            value: &old,
            sha256: "aaa",
        }],
        &[Document {
            module: "m",
            value: &old,
            sha256: "aaa",
        }],
    );
    assert!(!unchanged.has_breaking());
    assert_eq!(unchanged.findings().count(), 0);
}
