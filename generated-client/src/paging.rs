//! Every item of a paged operation, as one lazy stream.
//!
//! Spotnana pages its lists by offset: `offset` and `limit` in the query or in the request
//! body (at its root or in a pagination object), the items in an array of the response, and
//! often the total in the response. The generator finds these shapes in the documents (see
//! `spotnana-codegen`'s `paging`) and gives each such operation a `<method>_items` method
//! returning [`Paged`]: it fetches a page only when the items before it are used up, stops at
//! the total (or at a short or empty page when there is none), keeps the caller's `limit` as
//! the page size, and ends with the first error. Every page is an ordinary call: retries,
//! the token, logging and [`crate::CallOptions`] apply to each.
//!
//! The offset, limit, items and total are reached by the document's JSON pointers, through
//! the request and response values (`serde_json::Value`), so that one helper serves every
//! operation whatever the Rust shape of its types: a page costs one extra conversion of its
//! JSON, which is small beside the request.

use crate::Error;
use futures_core::Stream;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The items of a paged operation, fetched page by page as they are used. A
/// [`futures_core::Stream`]; [`Paged::next`] and [`Paged::collect`] need no stream library.
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
    pub async fn collect(mut self) -> Result<Vec<T>, Error> {
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

/// One page: its items and, when the response says, the total number of items.
#[doc(hidden)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: Option<u64>,
}

/// Where the stream stands between pages.
struct State<T, F> {
    fetch: F,
    offset: u64,
    limit: Option<u64>,
    buffered: VecDeque<T>,
    done: bool,
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
    let state = State {
        fetch,
        offset: start.unwrap_or(0),
        limit,
        buffered: VecDeque::new(),
        done: false,
    };
    let stream = futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffered.pop_front() {
                return Some((Ok(item), state));
            }
            if state.done {
                return None;
            }
            match (state.fetch)(state.offset, state.limit).await {
                Err(error) => {
                    state.done = true;
                    return Some((Err(error), state));
                }
                Ok(page) => {
                    let got = page.items.len() as u64;
                    state.offset += got;
                    // The last page: empty, short of the limit asked, or reaching the total
                    // (which may have shrunk since the first page).
                    state.done = got == 0
                        || state.limit.is_some_and(|limit| got < limit)
                        || page.total.is_some_and(|total| state.offset >= total);
                    state.buffered.extend(page.items);
                }
            }
        }
    });
    Paged {
        inner: Box::pin(stream),
    }
}

/// An offset or limit as the integer type of the parameter it goes into (saturating).
#[doc(hidden)]
pub fn count<N: TryFrom<u64> + num_bound::Max>(n: u64) -> N {
    N::try_from(n).unwrap_or(N::MAX)
}

/// An offset or limit the caller set, as `u64` (a negative one as 0).
#[doc(hidden)]
pub fn as_count<N: TryInto<u64>>(n: N) -> u64 {
    n.try_into().unwrap_or(0)
}

#[doc(hidden)]
pub mod num_bound {
    //! The largest value of the integer types parameters use (`count` saturates to it).
    pub trait Max {
        const MAX: Self;
    }
    macro_rules! max {
        ($($t:ty),*) => { $(impl Max for $t { const MAX: Self = <$t>::MAX; })* };
    }
    max!(i32, i64, u32, u64);
}

/// The `offset` and `limit` of a request body, at `at` (a JSON pointer to the object holding
/// them: the body itself or its pagination object).
#[doc(hidden)]
pub fn body_window<B: Serialize>(body: &B, at: &str) -> (Option<u64>, Option<u64>) {
    let value = serde_json::to_value(body).unwrap_or(Value::Null);
    let read = |key: &str| {
        value
            .pointer(&format!("{at}/{key}"))
            .and_then(Value::as_i64)
            .map(|n| u64::try_from(n).unwrap_or(0))
    };
    (read("offset"), read("limit"))
}

/// `body` with `offset` and `limit` set in the object at `at`.
#[doc(hidden)]
pub fn body_at<B: Serialize + DeserializeOwned>(
    body: &B,
    at: &str,
    offset: u64,
    limit: Option<u64>,
) -> Result<B, Error> {
    let mut value =
        serde_json::to_value(body).map_err(|e| Error::InvalidRequest(format!("the body does not serialize: {e}")))?;
    let target = if at.is_empty() {
        Some(&mut value)
    } else {
        // The pagination object may be absent: create it.
        let key = at.trim_start_matches('/');
        value
            .as_object_mut()
            .map(|o| o.entry(key).or_insert_with(|| Value::Object(Default::default())))
    };
    let Some(Value::Object(window)) = target else {
        return Err(Error::InvalidRequest(format!(
            "the body has no object at {at:?} to page with"
        )));
    };
    window.insert("offset".into(), offset.into());
    if let Some(limit) = limit {
        window.insert("limit".into(), limit.into());
    }
    serde_json::from_value(value).map_err(|e| Error::InvalidRequest(format!("the paged body does not read back: {e}")))
}

/// The items (the array at `items`) and the total (the integer at `total`) of a response.
#[doc(hidden)]
pub fn page<R: Serialize, T: DeserializeOwned>(
    response: &R,
    items: &str,
    total: Option<&str>,
) -> Result<Page<T>, Error> {
    let value = serde_json::to_value(response).map_err(|e| Error::Other(format!("a page does not serialize: {e}")))?;
    let list = match value.pointer(items) {
        Some(Value::Array(list)) => list.clone(),
        _ => Vec::new(),
    };
    let items = list
        .into_iter()
        .map(serde_json::from_value)
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| Error::Other(format!("an item of the page does not read back: {e}")))?;
    let total = total
        .and_then(|pointer| value.pointer(pointer))
        .and_then(Value::as_i64)
        .map(|n| u64::try_from(n).unwrap_or(0));
    Ok(Page { items, total })
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
        assert_eq!(as_count(-3i64), 0);
    }
}
