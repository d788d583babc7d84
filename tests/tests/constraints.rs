//! Constraints (`pattern`, length limits) hold for what callers build, never against what
//! Spotnana sends: a value outside its pattern in a response parses and is written back
//! unchanged, while building one in the caller's code fails before any request is sent.

use serde_json::Value;
use spotnana::common::{DateModel, DateModelIso8601};

#[test]
fn a_response_value_outside_its_pattern_parses_and_a_built_one_fails() {
    let sent = br#"{"iso8601":"31/12/2026","addedLater":1}"#;
    let read: DateModel = spotnana::decode::from_slice(sent).expect("a response is read as sent");
    assert_eq!(read.iso8601.as_str(), "31/12/2026");
    assert_eq!(
        serde_json::to_value(&read).unwrap(),
        serde_json::from_slice::<Value>(sent).unwrap(),
        "written back unchanged"
    );

    let built = "31/12/2026".parse::<DateModelIso8601>();
    let err = built.expect_err("a value the caller builds is checked");
    assert!(err.to_string().contains("doesn't match pattern"), "{err}");
    let ok = DateModel::new("2026-12-31".parse().unwrap());
    assert_eq!(
        serde_json::to_value(&ok).unwrap(),
        serde_json::json!({"iso8601": "2026-12-31"})
    );
}
