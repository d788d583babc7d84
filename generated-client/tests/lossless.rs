//! What Spotnana sends comes back out as it went in: a read-modify-write through the client
//! keeps the properties this version does not know, and every documented status, body-less
//! ones included, is answered as documented.

mod common;

use common::*;
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const USER: &str = "f49d00fe-1eda-4304-ba79-a980f565281d";

/// `BusinessInfo` as a later release of Spotnana sends it: properties the document lacks at
/// the top level, inside a nested object (`legalEntityRef`) and inside an array item
/// (`phoneNumbers[0]`).
fn business_info_from_a_later_release() -> serde_json::Value {
    json!({
        "organizationRef": {"id": "0c6c2b9e-5f0e-4a8e-9a57-0d3c3f1f5a01", "name": "Acme", "addedToReference": {"kept": [1, 2.5, "three"]}},
        "legalEntityRef": {"id": "7d1b3a52-8c4e-4f7a-b1c2-9e8f7a6b5c02", "addedNested": true},
        "designation": "MANAGER",
        // The two properties with a schema `default` are given: the types write defaults out.
        "phoneNumbers": [{"countryCode": 1, "italianLeadingZero": false, "numberOfLeadingZeros": 0,
                          "rawNumber": "4155550100", "addedInArrayItem": "x"}],
        "addedTopLevel": {"deep": {"deeper": null}},
        "manualRemarks": ["remark"]
    })
}

#[tokio::test]
async fn a_read_modify_write_sends_back_the_properties_the_client_does_not_know() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    let business_path = format!("/v2/users/{USER}/business-info");
    let read = business_info_from_a_later_release();
    Mock::given(method("GET"))
        .and(path(business_path.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(&read))
        .mount(&server)
        .await;
    // What the update must carry: everything read, with the one field the caller changed.
    let mut expected = read.clone();
    expected["designation"] = json!("DIRECTOR");
    Mock::given(method("PUT"))
        .and(path(business_path.as_str()))
        .and(body_json(&expected))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let users = client(&server, fast_retry(1));
    let user = USER.parse().unwrap();
    let mut info = users.users().get_business_info(&user).await.unwrap().into_inner();
    assert_eq!(
        info.unknown_properties.get("addedTopLevel"),
        Some(&read["addedTopLevel"])
    );
    assert_eq!(
        info.legal_entity_ref.unknown_properties.get("addedNested"),
        Some(&json!(true))
    );
    // Debug names the unknown properties, never their values (they may be personal data).
    let shown = format!("{info:?}");
    assert!(shown.contains("addedTopLevel") && !shown.contains("three"), "{shown}");

    info.designation = Some("DIRECTOR".into());
    let sent = users.users().update_business_info(&user, &info).await;
    if sent.is_err() {
        let requests = server.received_requests().await.unwrap_or_default();
        let body = requests.last().map(|r| String::from_utf8_lossy(&r.body).to_string());
        panic!("the update was not the object read with one field changed: sent {body:?}, want {expected}");
    }
    // The mock only answers a body equal to `expected`; `.expect(1)` is checked on drop.
}

#[tokio::test]
async fn a_body_less_success_documented_beside_a_body_is_ok_with_none() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    let request: spotnana::air::types::FetchAirFareRuleRequest =
        serde_json::from_value(json!({"pnrId": "1213124111"})).expect("a fare-rule request");
    Mock::given(method("POST"))
        .and(path("/v2/air/fare-rules/fetch"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/air/fare-rules/fetch"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"addedLater": 1})))
        .mount(&server)
        .await;
    let air = client(&server, fast_retry(1));

    let empty = air.air().fetch_air_fare_rules(&request).await.unwrap();
    assert_eq!(empty.status(), 204);
    assert!(empty.into_inner().is_none());

    let full = air.air().fetch_air_fare_rules(&request).await.unwrap();
    assert_eq!(full.status(), 200);
    let rules = full.into_inner().expect("a 200 carries the body");
    assert_eq!(rules.unknown_properties.get("addedLater"), Some(&json!(1)));
}

#[tokio::test]
async fn a_body_less_error_documented_beside_typed_ones_is_a_documented_status() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    Mock::given(method("POST"))
        .and(path(API_USERS_PATH))
        .respond_with(ResponseTemplate::new(409))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(API_USERS_PATH))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"debugIdentifier": "dbg-400", "errorMessages": [{"errorCode": "BAD"}]})),
        )
        .mount(&server)
        .await;
    let auth = client(&server, fast_retry(1));
    let request = spotnana::auth::types::CreateApiUsersRequest::default();

    match auth.auth().create_api_user(&request).await {
        Err(spotnana::Error::Status {
            status,
            documented: true,
            body: None,
            ..
        }) => assert_eq!(status, 409),
        other => panic!("a documented 409 is a documented error status: {other:?}"),
    }
    let error = auth.auth().create_api_user(&request).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.debug_identifier(), Some("dbg-400"));
}
