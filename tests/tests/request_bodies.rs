//! Form-encoded and multipart bodies go out as the documents describe, byte for byte.

use spotnana::company::{UploadCompanyPreferencesForm, types::VendorType};
use spotnana::document::UploadDocumentForm;
use spotnana::{FilePart, Spotnana};
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

/// The multipart body a mock server received: its bytes, with the boundary the client chose.
async fn received_multipart(server: &MockServer) -> (String, String) {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    let content_type = request.headers.get("content-type").unwrap().to_str().unwrap();
    let boundary = content_type.split("boundary=").nth(1).unwrap().to_string();
    (boundary, String::from_utf8_lossy(&request.body).into_owned())
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
    let metadata: spotnana::document::types::DocumentMetadata = serde_json::from_value(serde_json::json!({
        "documentType": "BOARDING_PASS", "entityType": "PNR", "entityId": "1",
        "entityMetadata": {"travelType": "AIR"}, "name": "a.pdf"
    }))
    .expect("document metadata");
    let file = FilePart::new(b"%PDF-1.4 test".to_vec())
        .file_name("a.pdf")
        .content_type("application/pdf");
    let form = UploadDocumentForm::new(file).with_document_metadata(metadata);
    let result = spotnana.document().upload_document(form).await;

    let (boundary, body) = received_multipart(&server).await;
    // The document's order: documentMetadata (JSON, serde's serialization of the type), then
    // the file; documentMetadataStr is not set, so not sent.
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"documentMetadata\"\r\nContent-Type: application/json\r\n\r\n\
         {{\"documentType\":\"BOARDING_PASS\",\"entityId\":\"1\",\"entityMetadata\":{{\"travelType\":\"AIR\"}},\"entityType\":\"PNR\",\"name\":\"a.pdf\"}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 test\r\n\
         --{boundary}--\r\n"
    );
    assert_eq!(body, expected);
    let uploaded = result.expect("typed response").into_inner();
    assert_eq!(uploaded.document_id.to_string(), "4974a66b-7493-4f41-908c-58ba81093947");
}

#[tokio::test]
async fn company_preferences_upload_sends_the_enum_as_text_and_the_file_as_octet_stream() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/companies/c-1/vendor-preferences"))
        .and(header_regex("content-type", "^multipart/form-data; boundary=.+$"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let spotnana = Spotnana::new(server.uri(), reqwest::Client::new());
    let form = UploadCompanyPreferencesForm::new(VendorType::HotelChain)
        .with_file(FilePart::new("chain,preferred\nXX,true\n").file_name("chains.csv"));
    spotnana
        .company()
        .upload_company_preferences("c-1", form)
        .await
        .expect("200, no body");

    let (boundary, body) = received_multipart(&server).await;
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"vendorType\"\r\n\r\nHOTEL_CHAIN\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chains.csv\"\r\nContent-Type: application/octet-stream\r\n\r\nchain,preferred\nXX,true\n\r\n\
         --{boundary}--\r\n"
    );
    assert_eq!(body, expected);
}

#[tokio::test]
async fn an_invalid_part_content_type_fails_before_sending() {
    let server = MockServer::start().await;
    let spotnana = Spotnana::new(server.uri(), reqwest::Client::new());
    let form = UploadDocumentForm::new(FilePart::new(b"%PDF".to_vec()).content_type("not a media type"));
    let error = spotnana.document().upload_document(form).await.unwrap_err();
    assert!(
        matches!(&error, spotnana::Error::InvalidRequest(e) if e.contains("`file`")),
        "{error:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}
