//! Every item of a paged operation, as one lazy stream.
//!
//! Spotnana pages most of its lists by offset: `offset` and `limit` in the query or in the
//! request body (at its root or in a pagination object), the items in an array of the
//! response, and often the total in the response; a few by page number (`pageNumber` and
//! `pageSize` in the query) or by page token (a token request in the body, the next token in
//! the response). The generator finds these shapes in the documents (see
//! `spotnana-codegen`'s `paging`) and gives each such operation a `<method>_items` method
//! returning [`Paged`]: it fetches a page only when the items before it are used up, stops at
//! the total (a page shorter than the limit does not end it then: a server may cap its page
//! size), or, without a total, at an empty page or one shorter than the limit; it keeps the
//! caller's `limit` as the page size, and ends with the first error. A page repeating the one
//! before (a server ignoring the offset) ends it with an error rather than looping. A stream
//! by page token ends at the page that names no next one, or at an empty page, and a token
//! already followed ends it with an error. Every
//! page is an ordinary call: retries, the token, logging, [`crate::CallOptions`] (and a new
//! correlation id) apply to each.
//!
//! The offset, limit, items and total are reached by the document's JSON pointers, through
//! the request and response values (`serde_json::Value`), so that one helper serves every
//! operation whatever the Rust shape of its types. Per page that is the body written to JSON
//! and read back, and the response written to JSON and its items read back: the generated
//! types read back what they write (tested for every example of the documents), and the
//! conversions run on the decoding stack of [`crate::decode`].

use crate::Error;
use futures_core::Stream;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The items of a paged operation, fetched page by page as they are used. A
/// [`futures_core::Stream`]; [`Paged::next`] and [`Paged::try_collect`] need no stream library.
pub struct Paged<'a, T> {
    inner: Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>,
}

impl<T> std::fmt::Debug for Paged<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paged").finish_non_exhaustive()
    }
}

impl<'a, T> Paged<'a, T> {
    /// The next item, fetching the next page when needed; `None` after the last item or
    /// after an error.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx)).await
    }

    /// Every item, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }
}

impl<T> Stream for Paged<'_, T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// One page: its items, when the response says the total number of items, and a
/// fingerprint of the items (to tell a repeated page).
#[doc(hidden)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: Option<u64>,
    pub fingerprint: u64,
}

/// How the stream moves from one page to the next.
#[derive(Clone, Copy)]
enum Step {
    /// By offset: the next page starts after the items read so far.
    Offset,
    /// By page number: the next page is the next number. `before` is how many items the
    /// pages before the first one fetched hold, when known (to compare with the total).
    Number { before: Option<u64> },
}

/// Where the stream stands between pages.
struct State<T, F> {
    fetch: F,
    step: Step,
    /// The offset, or the page number, of the next page.
    position: u64,
    limit: Option<u64>,
    /// Items read so far.
    read: u64,
    buffered: VecDeque<T>,
    done: bool,
    last: Option<u64>,
}

/// The items of the pages `fetch(offset, limit)` returns, from `start` on, `limit` at a time
/// (the server's default when `None`).
#[doc(hidden)]
pub fn offset_items<'a, T, F, Fut>(start: Option<u64>, limit: Option<u64>, fetch: F) -> Paged<'a, T>
where
    T: Send + 'a,
    F: FnMut(u64, Option<u64>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    items(Step::Offset, start.unwrap_or(0), limit, fetch)
}

/// The items of the pages `fetch(number, size)` returns, numbered from `first` (the number
/// of the first page, per the document), from page `start` (`first` when `None`) on, `size`
/// at a time (the server's default when `None`).
#[doc(hidden)]
pub fn page_number_items<'a, T, F, Fut>(first: u64, start: Option<u64>, size: Option<u64>, fetch: F) -> Paged<'a, T>
where
    T: Send + 'a,
    F: FnMut(u64, Option<u64>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    let start = start.unwrap_or(first).max(first);
    let before = match (start - first, size) {
        (0, _) => Some(0),
        (pages, Some(size)) => Some(pages.saturating_mul(size)),
        // Pages skipped of a size only the server knows: the total cannot be compared.
        (_, None) => None,
    };
    items(Step::Number { before }, start, size, fetch)
}

fn items<'a, T, F, Fut>(step: Step, position: u64, limit: Option<u64>, fetch: F) -> Paged<'a, T>
where
    T: Send + 'a,
    F: FnMut(u64, Option<u64>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    let state = State {
        fetch,
        step,
        position,
        limit,
        read: 0,
        buffered: VecDeque::new(),
        done: false,
        last: None,
    };
    let stream = futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffered.pop_front() {
                return Some((Ok(item), state));
            }
            if state.done {
                return None;
            }
            match (state.fetch)(state.position, state.limit).await {
                Err(error) => {
                    state.done = true;
                    return Some((Err(error), state));
                }
                Ok(page) => {
                    let got = page.items.len() as u64;
                    if got > 0 && state.last == Some(page.fingerprint) {
                        state.done = true;
                        let error = Error::Other(match state.step {
                            Step::Offset => format!(
                                "the page at offset {} repeats the one before: the server does not page by offset",
                                state.position
                            ),
                            Step::Number { .. } => format!(
                                "page {} repeats the one before: the server does not page by number",
                                state.position
                            ),
                        });
                        return Some((Err(error), state));
                    }
                    state.last = Some(page.fingerprint);
                    state.read += got;
                    // How many items the pages up to this one hold, if known.
                    let reached = match state.step {
                        Step::Offset => {
                            state.position += got;
                            Some(state.position)
                        }
                        Step::Number { before } => {
                            state.position += 1;
                            before.map(|before| before + state.read)
                        }
                    };
                    // The last page: empty; or reaching the total (which may have shrunk since
                    // the first page); or, without a total, short of the limit asked.
                    state.done = got == 0
                        || match (page.total, reached) {
                            (Some(total), Some(reached)) => reached >= total,
                            _ => state.limit.is_some_and(|limit| got < limit),
                        };
                    state.buffered.extend(page.items);
                }
            }
        }
    });
    Paged {
        inner: Box::pin(stream),
    }
}

/// The items of the pages `fetch(token)` returns: the first with no token (the request as
/// the caller gave it), each next one with the token the page before it returned, until a
/// page returns none (or an empty one), or an empty page. A token seen before ends the stream
/// with an error, after the items already read, rather than looping.
///
/// An empty page ends it even when it names a next page: an empty page that asks for more is
/// what a mock reading the document's examples answers (Prism, whose next request is then
/// refused), and reading past it could run on forever with fresh tokens.
#[doc(hidden)]
pub fn token_items<'a, T, F, Fut>(fetch: F) -> Paged<'a, T>
where
    T: Send + 'a,
    F: FnMut(Option<String>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Page<T>, Option<String>), Error>> + Send + 'a,
{
    struct Tokens<T, F> {
        fetch: F,
        token: Option<String>,
        seen: HashSet<String>,
        buffered: VecDeque<T>,
        /// Why the stream ends, given after the items already read.
        failure: Option<Error>,
        done: bool,
    }
    let state = Tokens {
        fetch,
        token: None,
        seen: HashSet::new(),
        buffered: VecDeque::new(),
        failure: None,
        done: false,
    };
    let stream = futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffered.pop_front() {
                return Some((Ok(item), state));
            }
            if let Some(error) = state.failure.take() {
                return Some((Err(error), state));
            }
            if state.done {
                return None;
            }
            match (state.fetch)(state.token.clone()).await {
                Err(error) => {
                    state.done = true;
                    return Some((Err(error), state));
                }
                Ok((page, next)) => {
                    let next = next.filter(|token| !token.is_empty());
                    let empty = page.items.is_empty();
                    state.buffered.extend(page.items);
                    state.done = true;
                    match next {
                        None => {}
                        Some(_) if empty => {}
                        Some(token) if !state.seen.insert(token.clone()) => {
                            state.failure = Some(Error::Other(
                                "a page returns a token already followed: the server does not page by token".into(),
                            ));
                        }
                        Some(token) => {
                            state.done = false;
                            state.token = Some(token);
                        }
                    }
                }
            }
        }
    });
    Paged {
        inner: Box::pin(stream),
    }
}

/// The integer types an offset or a limit parameter has in the generated code.
#[doc(hidden)]
pub trait Count: Sized {
    /// `n` as this type: saturating, and at least 1 for a non-zero type.
    fn from_count(n: u64) -> Self;
    /// This value as a count (a negative one as 0).
    fn to_count(self) -> u64;
}

macro_rules! count {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn from_count(n: u64) -> Self {
                <$t>::try_from(n).unwrap_or(<$t>::MAX)
            }
            fn to_count(self) -> u64 {
                u64::try_from(self).unwrap_or(0)
            }
        }
    )*};
}
count!(i32, i64, u32, u64);

macro_rules! nonzero_count {
    ($($t:ty => $n:ty),*) => {$(
        impl Count for $t {
            fn from_count(n: u64) -> Self {
                <$t>::new(<$n>::from_count(n)).unwrap_or(<$t>::MIN)
            }
            fn to_count(self) -> u64 {
                self.get().to_count()
            }
        }
    )*};
}
nonzero_count!(std::num::NonZeroU32 => u32, std::num::NonZeroU64 => u64);

/// An offset or limit as the type of the parameter it goes into.
#[doc(hidden)]
pub fn count<N: Count>(n: u64) -> N {
    N::from_count(n)
}

/// An offset or limit the caller set, as a count.
#[doc(hidden)]
pub fn as_count<N: Count>(n: N) -> u64 {
    n.to_count()
}

/// The segments of a JSON pointer, unescaped (`~1` is `/`, `~0` is `~`).
fn segments(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
}

/// The `offset` and `limit` of a request body, at `at` (a JSON pointer to the object holding
/// them: the body itself or its pagination object).
#[doc(hidden)]
pub fn body_window<B: Serialize>(body: &B, at: &str) -> (Option<u64>, Option<u64>) {
    let value = stacker::grow(crate::decode::DECODE_STACK, || serde_json::to_value(body)).unwrap_or(Value::Null);
    let read = |key: &str| {
        value
            .pointer(&format!("{at}/{key}"))
            .and_then(Value::as_i64)
            .map(|n| u64::try_from(n).unwrap_or(0))
    };
    (read("offset"), read("limit"))
}

/// `body` with `offset` and `limit` set in the object at `at` (created, or replacing a
/// `null`, where absent).
#[doc(hidden)]
pub fn body_at<B: Serialize + DeserializeOwned>(
    body: &B,
    at: &str,
    offset: u64,
    limit: Option<u64>,
) -> Result<B, Error> {
    edit_body(body, at, |window| {
        window.insert("offset".into(), offset.into());
        if let Some(limit) = limit {
            window.insert("limit".into(), limit.into());
        }
    })
}

/// `body` asking for the page `token` names. When the request is a union of a page-size
/// and a page-token member (`tag`), the object at `at` becomes the token member,
/// `{"<tag property>": "<tag>", "<token key>": token}`; otherwise the token is set beside
/// what the caller put there (a page size stays).
#[doc(hidden)]
pub fn body_with_token<B: Serialize + DeserializeOwned>(
    body: &B,
    at: &str,
    tag: Option<(&str, &str)>,
    token_key: &str,
    token: &str,
) -> Result<B, Error> {
    edit_body(body, at, |window| {
        if let Some((property, value)) = tag {
            window.clear();
            window.insert(property.into(), value.into());
        }
        window.insert(token_key.into(), token.into());
    })
}

/// `body` with `edit` applied to the object at `at` (created, or replacing a `null`, where
/// absent), read back as the body's type.
fn edit_body<B: Serialize + DeserializeOwned>(
    body: &B,
    at: &str,
    edit: impl FnOnce(&mut serde_json::Map<String, Value>),
) -> Result<B, Error> {
    stacker::grow(crate::decode::DECODE_STACK, || {
        let mut value = serde_json::to_value(body)
            .map_err(|e| Error::InvalidRequest(format!("the body does not serialize: {e}")))?;
        let mut window = &mut value;
        for key in segments(at) {
            let Value::Object(object) = window else {
                return Err(Error::InvalidRequest(format!(
                    "the body has no object at {at:?} to page with"
                )));
            };
            let slot = object.entry(key).or_insert(Value::Null);
            if slot.is_null() {
                *slot = Value::Object(Default::default());
            }
            window = slot;
        }
        let Value::Object(window) = window else {
            return Err(Error::InvalidRequest(format!(
                "the body has no object at {at:?} to page with"
            )));
        };
        edit(window);
        serde_json::from_value(value)
            .map_err(|e| Error::InvalidRequest(format!("the paged body does not read back: {e}")))
    })
}

/// The items (the array at `items`) and the total (the integer at `total`) of a response of
/// the operation `operation`.
#[doc(hidden)]
pub fn page<R: Serialize, T: DeserializeOwned>(
    operation: &str,
    response: &R,
    items: &str,
    total: Option<&str>,
) -> Result<Page<T>, Error> {
    Ok(token_page(operation, response, items, total, None)?.0)
}

/// As [`page`], with the token of the next page (the string at `next`), if any.
#[doc(hidden)]
pub fn token_page<R: Serialize, T: DeserializeOwned>(
    operation: &str,
    response: &R,
    items: &str,
    total: Option<&str>,
    next: Option<&str>,
) -> Result<(Page<T>, Option<String>), Error> {
    stacker::grow(crate::decode::DECODE_STACK, || {
        let failed = |what: &str, e: serde_json::Error| Error::Other(format!("{operation}: {what}: {e}"));
        let mut value = serde_json::to_value(response).map_err(|e| failed("a page does not serialize", e))?;
        let total = total
            .and_then(|pointer| value.pointer(pointer))
            .and_then(Value::as_i64)
            .map(|n| u64::try_from(n).unwrap_or(0));
        let next = next
            .and_then(|pointer| value.pointer(pointer))
            .and_then(Value::as_str)
            .map(str::to_string);
        let list = match value.pointer_mut(items).map(Value::take) {
            Some(Value::Array(list)) => list,
            _ => Vec::new(),
        };
        let fingerprint = {
            use std::hash::{Hash as _, Hasher as _};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            serde_json::to_string(&list).unwrap_or_default().hash(&mut hasher);
            hasher.finish()
        };
        let items = list
            .into_iter()
            .map(serde_json::from_value)
            .collect::<Result<Vec<T>, _>>()
            .map_err(|e| failed("an item of the page does not read back", e))?;
        Ok((
            Page {
                items,
                total,
                fingerprint,
            },
            next,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, serde::Deserialize, Clone, PartialEq, Debug)]
    #[serde(rename_all = "camelCase")]
    struct Body {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pagination_params: Option<Window>,
    }

    #[derive(Serialize, serde::Deserialize, Clone, PartialEq, Debug)]
    struct Window {
        #[serde(default)]
        offset: Option<i32>,
        #[serde(default)]
        limit: Option<i32>,
    }

    #[test]
    fn the_window_is_read_and_set_in_the_body_creating_it_when_absent() {
        let body = Body {
            name: "x".into(),
            pagination_params: None,
        };
        assert_eq!(body_window(&body, "/paginationParams"), (None, None));
        let paged = body_at(&body, "/paginationParams", 40, Some(20)).unwrap();
        assert_eq!(
            paged.pagination_params,
            Some(Window {
                offset: Some(40),
                limit: Some(20)
            })
        );
        assert_eq!(body_window(&paged, "/paginationParams"), (Some(40), Some(20)));
        assert_eq!(paged.name, "x", "the rest of the body is kept");
    }

    #[test]
    fn counts_saturate_into_the_parameter_type() {
        assert_eq!(count::<i32>(u64::MAX), i32::MAX);
        assert_eq!(count::<u64>(7), 7);
        assert_eq!(count::<std::num::NonZeroU32>(0).get(), 1);
        assert_eq!(as_count(-3i64), 0);
    }

    #[test]
    fn a_nested_or_escaped_window_is_reached_segment_by_segment() {
        let body = serde_json::json!({"a/b": {"paging": null}, "keep": [1, 2]});
        let paged: Value = body_at(&body, "/a~1b/paging", 6, Some(3)).unwrap();
        assert_eq!(
            paged,
            serde_json::json!({"a/b": {"paging": {"offset": 6, "limit": 3}}, "keep": [1, 2]})
        );
        assert!(body_at(&serde_json::json!({"a": 1}), "/a/b", 0, None).is_err());
    }

    #[test]
    fn a_token_request_replaces_the_window_object_with_its_tag() {
        let body = serde_json::json!({"paging": {"requestType": "PAGE_SIZE", "pageSize": 5}, "keep": 1});
        let paged: Value =
            body_with_token(&body, "/paging", Some(("requestType", "PAGE_TOKEN")), "pageToken", "t2").unwrap();
        assert_eq!(
            paged,
            serde_json::json!({"paging": {"requestType": "PAGE_TOKEN", "pageToken": "t2"}, "keep": 1})
        );
    }
}
