//! Spotnana adds enum values without notice: a response carrying a value the client does
//! not know must still parse, keep the value, and send it back unchanged.

use serde_json::json;
use spotnana::document::types::UploadDocumentResponse;

fn response(document_type: &str) -> serde_json::Value {
    json!({
        "documentId": "f49d00fe-1eda-4304-ba79-a980f565281d",
        "documentMetadata": {
            "documentType": document_type,
            "entityType": "PNR",
            "entityId": "123124",
            "entityMetadata": {},
            "name": "BoardingPass.pdf"
        }
    })
}

#[test]
fn an_unknown_enum_value_parses_and_round_trips() {
    let body = response("HOLOGRAPHIC_TICKET");
    let parsed: UploadDocumentResponse = serde_json::from_value(body.clone()).expect("unknown value accepted");
    let document_type = &parsed.document_metadata.document_type;
    assert_eq!(document_type.as_str(), "HOLOGRAPHIC_TICKET");
    assert_eq!(document_type.to_string(), "HOLOGRAPHIC_TICKET");
    assert_eq!(
        serde_json::to_value(&parsed).unwrap()["documentMetadata"]["documentType"],
        "HOLOGRAPHIC_TICKET"
    );
}

#[test]
fn known_values_keep_their_named_variants() {
    let parsed: UploadDocumentResponse = serde_json::from_value(response("VISA")).unwrap();
    let document_type = parsed.document_metadata.document_type;
    assert_eq!(format!("{document_type:?}"), "Visa");
    assert_eq!(document_type.as_str(), "VISA");
    // FromStr is infallible and agrees with deserialization, for path and query parameters.
    let again: UploadDocumentResponse = serde_json::from_value(response("VISA")).unwrap();
    assert_eq!(again.document_metadata.document_type, "VISA".parse().unwrap());
    let unknown: UploadDocumentResponse = serde_json::from_value(response("NEW")).unwrap();
    assert_eq!(unknown.document_metadata.document_type, "NEW".parse().unwrap());
    assert_ne!(
        unknown.document_metadata.document_type,
        again.document_metadata.document_type
    );
}
