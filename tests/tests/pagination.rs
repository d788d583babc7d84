//! Paged operations stream every item, page by page, for each shape of window Spotnana's
//! documents use: `offset`/`limit` in the query (`getApiUsers`), in an object of the request
//! body (`listGrades`: `paginationParams`), and at the body's root (`listEvents`), and a page
//! number and size in the query (`listLegalEntities`: `pageNumber` from 1, `pageSize`); the
//! total at the response's root or inside its pagination object. Against a mock that answers
//! each page, and only for the page size the caller asked. The page-token window
//! (`hotelSearch`) has its own scenarios below (`by_token`): it has no offset or total.

mod support;

use serde_json::{Value, json};
use spotnana::{Paged, Spotnana};
use std::num::NonZeroU32;
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

const COMPANY: &str = "4974a66b-7493-4f41-908c-58ba81093947";
const PAGE_SIZE: u64 = 2;

#[derive(Clone, Copy, Debug)]
enum Shape {
    Query,
    BodyObject,
    BodyRoot,
    PageNumber,
}

const SHAPES: [Shape; 4] = [Shape::Query, Shape::BodyObject, Shape::BodyRoot, Shape::PageNumber];

impl Shape {
    /// The property naming an item (what the test reads back).
    fn key(self) -> &'static str {
        match self {
            Shape::Query => "clientId",
            Shape::BodyObject | Shape::BodyRoot | Shape::PageNumber => "name",
        }
    }

    fn item(self, i: u64) -> Value {
        match self {
            Shape::Query => json!({"clientId": format!("item-{i}")}),
            Shape::BodyObject | Shape::PageNumber => {
                json!({"id": format!("00000000-0000-4000-8000-{i:012}"), "name": format!("item-{i}")})
            }
            Shape::BodyRoot => json!({"name": format!("item-{i}")}),
        }
    }

    /// A page of `items`, with `total` when given.
    fn page(self, items: std::ops::Range<u64>, total: Option<u64>) -> Value {
        let items: Vec<Value> = items.map(|i| self.item(i)).collect();
        let mut page = match self {
            Shape::Query => json!({"apiUsers": items, "totalCount": total}),
            Shape::BodyObject => json!({"grades": items, "paginationParams": {"totalNumResults": total}}),
            Shape::BodyRoot => json!({"events": items, "paginationParams": {"totalNumResults": total}}),
            Shape::PageNumber => json!({"elements": items, "totalNumResults": total}),
        };
        if total.is_none() {
            page.as_object_mut()
                .unwrap()
                .retain(|k, _| ["apiUsers", "grades", "events", "elements"].contains(&k.as_str()));
        }
        page
    }

    /// The request of the `nth` page (from 0), at `offset`, of `PAGE_SIZE` items.
    fn request(self, nth: usize, offset: u64) -> MockBuilder {
        match self {
            Shape::Query => Mock::given(method("GET"))
                .and(path("/v2/api-users"))
                .and(query_param("offset", offset.to_string()))
                .and(query_param("limit", PAGE_SIZE.to_string())),
            Shape::BodyObject => Mock::given(method("POST"))
                .and(path(format!("/v2/companies/{COMPANY}/grades/list")))
                .and(body_partial_json(
                    json!({"paginationParams": {"offset": offset, "limit": PAGE_SIZE}}),
                )),
            Shape::BodyRoot => Mock::given(method("POST"))
                .and(path("/v2/events/list"))
                .and(body_partial_json(json!({"offset": offset, "limit": PAGE_SIZE}))),
            // Pages numbered from 1, as the document's `minimum` says.
            Shape::PageNumber => Mock::given(method("GET"))
                .and(path(format!("/v2/companies/{COMPANY}/legal-entities")))
                .and(query_param("pageNumber", (nth + 1).to_string()))
                .and(query_param("pageSize", PAGE_SIZE.to_string())),
        }
    }

    async fn answer(
        self,
        server: &MockServer,
        nth: usize,
        offset: u64,
        items: std::ops::Range<u64>,
        total: Option<u64>,
    ) {
        self.request(nth, offset)
            .respond_with(ResponseTemplate::new(200).set_body_json(self.page(items, total)))
            .mount(server)
            .await;
    }

    /// Reads the whole stream: the items' names, and the error that ended it, if any.
    async fn read(self, server: &MockServer) -> (Vec<String>, Option<spotnana::Error>) {
        let spotnana = Spotnana::new(server.uri(), reqwest::Client::new());
        match self {
            Shape::Query => {
                let auth = spotnana.auth();
                let params = spotnana::auth::GetApiUsersParams::new().limit(PAGE_SIZE as i64);
                drain(auth.get_api_users_items(params), self.key()).await
            }
            Shape::BodyObject => {
                let company = spotnana.company();
                let mut window = spotnana::common::OffsetBasedPaginationRequestParams::new();
                window.limit = NonZeroU32::new(PAGE_SIZE as u32).unwrap();
                let body = spotnana::company::types::ListGradesRequest::new(window);
                let id = COMPANY.parse().unwrap();
                drain(company.list_grades_items(&id, body), self.key()).await
            }
            Shape::BodyRoot => {
                let event = spotnana.event();
                let mut body = spotnana::event::types::ListEventsRequest::new();
                body.limit = PAGE_SIZE as i64;
                drain(event.list_events_items(body), self.key()).await
            }
            Shape::PageNumber => {
                let company = spotnana.company();
                let size = NonZeroU32::new(PAGE_SIZE as u32).unwrap();
                let params = spotnana::company::ListLegalEntitiesParams::new().page_size(size);
                let id = COMPANY.parse().unwrap();
                drain(company.list_legal_entities_items(&id, params), self.key()).await
            }
        }
    }
}

async fn drain<T: serde::Serialize>(mut paged: Paged<'_, T>, key: &str) -> (Vec<String>, Option<spotnana::Error>) {
    let mut names = Vec::new();
    while let Some(item) = paged.next().await {
        match item {
            Ok(item) => names.push(serde_json::to_value(&item).unwrap()[key].as_str().unwrap().to_string()),
            Err(error) => {
                assert!(paged.next().await.is_none(), "the stream ends at its first error");
                return (names, Some(error));
            }
        }
    }
    (names, None)
}

fn names(range: std::ops::Range<u64>) -> Vec<String> {
    range.map(|i| format!("item-{i}")).collect()
}

async fn sent(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// For every shape: the server answers `pages` (offset, items, total); reading the stream
/// gives `expected` items, no error, in `requests` requests.
async fn check(pages: &[(u64, std::ops::Range<u64>, Option<u64>)], expected: std::ops::Range<u64>, requests: usize) {
    // `listGrades` requires its total: the shapes without one are the other two.
    let shapes: &[Shape] = if pages.iter().any(|(_, _, total)| total.is_none()) {
        &[Shape::Query, Shape::BodyRoot, Shape::PageNumber]
    } else {
        &SHAPES
    };
    for &shape in shapes {
        let server = MockServer::start().await;
        for (nth, (offset, items, total)) in pages.iter().enumerate() {
            shape.answer(&server, nth, *offset, items.clone(), *total).await;
        }
        let (got, error) = shape.read(&server).await;
        assert!(error.is_none(), "{shape:?}: {error:?}");
        assert_eq!(got, names(expected.clone()), "{shape:?}");
        assert_eq!(sent(&server).await, requests, "{shape:?}: requests");
    }
}

#[tokio::test]
async fn every_item_in_order_and_no_request_past_the_total() {
    // The page at offset 4 is past the total: never asked for.
    check(&[(0, 0..2, Some(4)), (2, 2..4, Some(4)), (4, 4..6, Some(4))], 0..4, 2).await;
}

#[tokio::test]
async fn the_total_ends_the_stream_not_a_short_page() {
    // A server capping its page size below the limit asked: the total says there is more.
    check(&[(0, 0..1, Some(3)), (1, 1..2, Some(3)), (2, 2..3, Some(3))], 0..3, 3).await;
}

#[tokio::test]
async fn without_a_total_a_short_page_ends_the_stream() {
    // The page after the short one would be asked for if the short one did not end it.
    check(&[(0, 0..2, None), (2, 2..3, None), (3, 3..5, None)], 0..3, 2).await;
}

#[tokio::test]
async fn without_a_total_an_empty_page_ends_the_stream() {
    check(&[(0, 0..2, None), (2, 2..4, None), (4, 4..4, None)], 0..4, 3).await;
}

#[tokio::test]
async fn an_empty_first_page_is_an_empty_stream() {
    check(&[(0, 0..0, Some(0))], 0..0, 1).await;
}

#[tokio::test]
async fn a_total_that_shrinks_mid_way_ends_the_stream_there() {
    // Items were removed meanwhile: the total is 3 on the second page, and 4 have been read.
    check(&[(0, 0..2, Some(10)), (2, 2..4, Some(3)), (4, 4..6, Some(3))], 0..4, 2).await;
}

#[tokio::test]
async fn a_server_that_ignores_the_offset_ends_the_stream_with_an_error() {
    for shape in [Shape::Query, Shape::BodyRoot, Shape::PageNumber] {
        let server = MockServer::start().await;
        // The same two items whatever the offset, and no total.
        for (nth, offset) in [0, 2, 4].into_iter().enumerate() {
            shape.answer(&server, nth, offset, 0..2, None).await;
        }
        let (got, error) = shape.read(&server).await;
        assert_eq!(got, names(0..2), "{shape:?}");
        let error = error.unwrap_or_else(|| panic!("{shape:?}: a repeated page went unnoticed"));
        assert!(error.to_string().contains("repeats"), "{shape:?}: {error}");
        assert_eq!(sent(&server).await, 2, "{shape:?}");
    }
}

/// A caller starting at page 3 of 2 items: the total counts the 4 items of the pages skipped.
#[tokio::test]
async fn a_page_number_stream_starts_at_the_page_given_and_counts_the_pages_skipped() {
    let server = MockServer::start().await;
    // Full pages: only the count of the items skipped (pages 1 and 2) says page 4 reaches
    // the total.
    for (page, items) in [(3, 4..6), (4, 6..8), (5, 8..10)] {
        Mock::given(method("GET"))
            .and(path(format!("/v2/companies/{COMPANY}/legal-entities")))
            .and(query_param("pageNumber", page.to_string()))
            .and(query_param("pageSize", PAGE_SIZE.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(Shape::PageNumber.page(items, Some(8))))
            .mount(&server)
            .await;
    }
    let spotnana = Spotnana::new(server.uri(), reqwest::Client::new());
    let size = NonZeroU32::new(PAGE_SIZE as u32).unwrap();
    let params = spotnana::company::ListLegalEntitiesParams::new()
        .page_number(NonZeroU32::new(3).unwrap())
        .page_size(size);
    let id = COMPANY.parse().unwrap();
    let (got, error) = drain(spotnana.company().list_legal_entities_items(&id, params), "name").await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(got, names(4..8));
    assert_eq!(sent(&server).await, 2, "page 5 is past the total");
}

#[tokio::test]
async fn an_error_on_page_three_comes_after_the_items_of_the_first_two() {
    for shape in SHAPES {
        let server = MockServer::start().await;
        shape.answer(&server, 0, 0, 0..2, Some(10)).await;
        shape.answer(&server, 1, 2, 2..4, Some(10)).await;
        shape
            .request(2, 4)
            .respond_with(ResponseTemplate::new(400).set_body_json(json!({"debugIdentifier": "dbg-page-3"})))
            .mount(&server)
            .await;
        let (got, error) = shape.read(&server).await;
        assert_eq!(got, names(0..4), "{shape:?}");
        let error = error.unwrap_or_else(|| panic!("{shape:?}: no error"));
        assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{shape:?}: {error:?}");
        assert_eq!(error.debug_identifier(), Some("dbg-page-3"), "{shape:?}");
        assert_eq!(sent(&server).await, 3, "{shape:?}");
    }
}

/// The page-token window (`hotelSearch`): the first page asked with the body as given, each
/// next one with the token the page before returned (a `PAGE_TOKEN` member of the body's
/// pagination union), until a page returns none. Items and bodies are sampled from the hotel
/// document, so they are what its types read.
mod by_token {
    use super::*;

    struct Hotel {
        doc: Value,
    }

    impl Hotel {
        fn new() -> Self {
            let api = support::manifest()
                .api
                .into_iter()
                .find(|a| a.module == "hotel")
                .expect("hotel API");
            Hotel {
                doc: serde_json::from_slice(&support::document(&api)).unwrap(),
            }
        }

        fn sample(&self, component: &str) -> Value {
            let sampler = support::sampler::Sampler::new(&self.doc, true, true);
            let schema = json!({"$ref": format!("#/components/schemas/{component}")});
            sampler
                .sample(&schema, 0)
                .unwrap_or_else(|| panic!("{component}: no sample"))
        }

        /// A page of `items` (named by `hotelDetailsKey`), with `next` as its next token.
        fn page(&self, items: std::ops::Range<u64>, next: Option<&str>) -> Value {
            let hotels: Vec<Value> = items
                .map(|i| {
                    let mut hotel = self.sample("HotelSearchData");
                    hotel["hotelDetailsKey"] = json!(format!("item-{i}"));
                    hotel
                })
                .collect();
            let mut page = self.sample("HotelSearchResponse");
            page["hotels"] = json!(hotels);
            page["paginationParams"] = json!({"currentPageSize": hotels.len()});
            if let Some(next) = next {
                page["paginationParams"]["nextPageToken"] = json!(next);
            }
            page
        }

        /// The request for the page `token` names (the first page: none).
        fn request(token: Option<&str>) -> MockBuilder {
            let given = Mock::given(method("POST")).and(path("/v2/hotel/search"));
            match token {
                Some(token) => given.and(body_partial_json(
                    json!({"paginationParams": {"requestType": "PAGE_TOKEN", "pageToken": token}}),
                )),
                None => given.and(body_partial_json(
                    json!({"paginationParams": {"requestType": "PAGE_SIZE", "pageSize": PAGE_SIZE}}),
                )),
            }
        }

        async fn answer(
            &self,
            server: &MockServer,
            token: Option<&str>,
            items: std::ops::Range<u64>,
            next: Option<&str>,
        ) {
            Self::request(token)
                .respond_with(ResponseTemplate::new(200).set_body_json(self.page(items, next)))
                .mount(server)
                .await;
        }

        async fn read(&self, server: &MockServer) -> (Vec<String>, Option<spotnana::Error>) {
            let spotnana = Spotnana::new(server.uri(), reqwest::Client::new());
            let mut body = self.sample("HotelSearchRequest");
            body["paginationParams"] = json!({"requestType": "PAGE_SIZE", "pageSize": PAGE_SIZE});
            let body: spotnana::hotel::types::HotelSearchRequest = serde_json::from_value(body).unwrap();
            drain(spotnana.hotel().hotel_search_items(body), "hotelDetailsKey").await
        }
    }

    #[tokio::test]
    async fn every_item_in_order_until_a_page_has_no_next_token() {
        let hotel = Hotel::new();
        let server = MockServer::start().await;
        hotel.answer(&server, None, 0..2, Some("t1")).await;
        hotel.answer(&server, Some("t1"), 2..4, Some("t2")).await;
        hotel.answer(&server, Some("t2"), 4..5, None).await;
        let (got, error) = hotel.read(&server).await;
        assert!(error.is_none(), "{error:?}");
        assert_eq!(got, names(0..5));
        assert_eq!(sent(&server).await, 3);
    }

    #[tokio::test]
    async fn an_empty_first_page_is_an_empty_stream() {
        let hotel = Hotel::new();
        let server = MockServer::start().await;
        hotel.answer(&server, None, 0..0, None).await;
        let (got, error) = hotel.read(&server).await;
        assert!(error.is_none(), "{error:?}");
        assert!(got.is_empty());
        assert_eq!(sent(&server).await, 1);
    }

    #[tokio::test]
    async fn an_empty_page_ends_the_stream_though_it_names_a_next_page() {
        let hotel = Hotel::new();
        let server = MockServer::start().await;
        hotel.answer(&server, None, 0..2, Some("t1")).await;
        hotel.answer(&server, Some("t1"), 2..2, Some("t2")).await;
        hotel.answer(&server, Some("t2"), 2..4, None).await;
        let (got, error) = hotel.read(&server).await;
        assert!(error.is_none(), "{error:?}");
        assert_eq!(got, names(0..2));
        assert_eq!(sent(&server).await, 2, "no request after the empty page");
    }

    #[tokio::test]
    async fn a_cycle_of_tokens_ends_the_stream_with_an_error_after_its_items() {
        let hotel = Hotel::new();
        let server = MockServer::start().await;
        hotel.answer(&server, None, 0..2, Some("t1")).await;
        hotel.answer(&server, Some("t1"), 2..4, Some("t2")).await;
        hotel.answer(&server, Some("t2"), 4..6, Some("t1")).await;
        let (got, error) = hotel.read(&server).await;
        assert_eq!(got, names(0..6));
        assert!(error.expect("an error").to_string().contains("already followed"));
        assert_eq!(sent(&server).await, 3);
    }

    #[tokio::test]
    async fn an_error_on_page_three_comes_after_the_items_of_the_first_two() {
        let hotel = Hotel::new();
        let server = MockServer::start().await;
        hotel.answer(&server, None, 0..2, Some("t1")).await;
        hotel.answer(&server, Some("t1"), 2..4, Some("t2")).await;
        Hotel::request(Some("t2"))
            .respond_with(ResponseTemplate::new(400).set_body_json(json!({"debugIdentifier": "dbg-page-3"})))
            .mount(&server)
            .await;
        let (got, error) = hotel.read(&server).await;
        assert_eq!(got, names(0..4));
        let error = error.expect("an error");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{error:?}");
        assert_eq!(sent(&server).await, 3);
    }

    #[tokio::test]
    async fn a_page_returning_the_token_it_was_asked_with_ends_the_stream_with_an_error() {
        let hotel = Hotel::new();
        let server = MockServer::start().await;
        hotel.answer(&server, None, 0..2, Some("t1")).await;
        hotel.answer(&server, Some("t1"), 2..4, Some("t1")).await;
        let (got, error) = hotel.read(&server).await;
        assert_eq!(got, names(0..4));
        assert!(error.expect("an error").to_string().contains("token"));
        assert_eq!(sent(&server).await, 2);
    }
}
