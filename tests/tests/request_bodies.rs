//! Form-encoded and multipart bodies go out as the documents describe, byte for byte.

use spotnana::Spotnana;
use wiremock::matchers::{body_string, header, header_regex, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn oauth2_token_request_is_form_urlencoded() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/auth/oauth2-token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(
            "client_id=my-id&client_secret=s3cr%26t%3D&grant_type=client_credentials",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "tok", "token_type": "Bearer", "expires_in": 1800
        })))
        .expect(1)
        .mount(&server)
        .await;

    let spotnana = Spotnana::new(server.uri(), reqwest::Client::new());
    let body =
        spotnana::auth::types::OAuthTokenRequest::new("my-id".into(), "s3cr&t=".into(), "client_credentials".into());
    let response = spotnana.auth().fetch_oauth2_token(&body).await.expect("token");
    assert_eq!(response.into_inner().access_token, "tok");
}

#[tokio::test]
async fn document_upload_is_multipart_with_the_parts_given() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/documents"))
        .and(header_regex("content-type", "^multipart/form-data; boundary=.+$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "documentId": "4974a66b-7493-4f41-908c-58ba81093947",
            "documentMetadata": {"documentType": "BOARDING_PASS", "entityType": "PNR", "entityId": "1", "entityMetadata": {}, "name": "a.pdf"}
        })))
        .expect(1)
        .mount(&server)
        .await;

    let spotnana = Spotnana::new(server.uri(), reqwest::Client::new());
    let pdf = b"%PDF-1.4 test".to_vec();
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf.clone())
                .file_name("a.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        )
        .part(
            "documentMetadata",
            reqwest::multipart::Part::text(r#"{"documentType":"BOARDING_PASS"}"#)
                .mime_str("application/json")
                .unwrap(),
        );
    let result = spotnana.document().upload_document(form).await;

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    let content_type = request.headers.get("content-type").unwrap().to_str().unwrap();
    let boundary = content_type.split("boundary=").nth(1).unwrap();
    let body = String::from_utf8_lossy(&request.body);
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 test\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"documentMetadata\"\r\nContent-Type: application/json\r\n\r\n{{\"documentType\":\"BOARDING_PASS\"}}\r\n\
         --{boundary}--\r\n"
    );
    assert_eq!(body, expected);
    let uploaded = result.expect("typed response").into_inner();
    assert_eq!(uploaded.document_id.to_string(), "4974a66b-7493-4f41-908c-58ba81093947");
}
