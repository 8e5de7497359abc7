//! The computed agenda, kept per seeker for the minute it was computed in.
//!
//! Computing an agenda means reading the seeker's open pipeline, evaluating
//! every rule and rendering every draft: milliseconds of work. An app polls
//! it, a seeker and their coach read the same one, and the answer only
//! changes when the facts change or time moves on. So `GET /v1/agenda`
//! evaluates at the first request of each minute, and the rendered answer is
//! kept, keyed by the seeker's `facts_revision` (a counter the store bumps in
//! the same transaction as every write to those facts, so every replica sees
//! a write at once) and that minute.
//!
//! Requests that arrive while an agenda is being computed wait for it instead
//! of computing it again. An explicit `?at=` is never cached: it is a what-if.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use tokio::sync::OnceCell;

use crate::error::ApiError;

/// An agenda rendered once: the response body, its `ETag`, and where each
/// action sits in the body, so a `from`/`to` window is cut without
/// serializing again.
#[derive(Debug)]
pub struct Rendered {
    /// The seeker's `facts_revision` the agenda was computed from.
    pub revision: i64,
    /// The instant it was evaluated at.
    pub at: DateTime<Utc>,
    /// `{"at":…,"items":[…]}`, as rendered or packed to be kept.
    body: Body,
    /// The `ETag` of the whole list.
    etag: String,
    /// Each action's due time and the byte range of its JSON in `body`.
    items: Vec<(DateTime<Utc>, Range<usize>)>,
}

impl Rendered {
    /// Renders `items` (with their due times), evaluated at `at`.
    pub fn new<T: Serialize>(
        revision: i64,
        at: DateTime<Utc>,
        items: &[(DateTime<Utc>, T)],
    ) -> Result<Self, ApiError> {
        let internal = |e: serde_json::Error| ApiError::Internal(Box::new(e));
        let mut body = br#"{"at":"#.to_vec();
        serde_json::to_writer(&mut body, &at).map_err(internal)?;
        body.extend_from_slice(br#","items":["#);
        let list_start = body.len() - 1;
        let mut ranges = Vec::with_capacity(items.len());
        for (n, (due_at, item)) in items.iter().enumerate() {
            if n > 0 {
                body.push(b',');
            }
            let start = body.len();
            serde_json::to_writer(&mut body, item).map_err(internal)?;
            ranges.push((*due_at, start..body.len()));
        }
        body.push(b']');
        let etag = etag_of(&body[list_start..]);
        body.push(b'}');
        Ok(Self {
            revision,
            at,
            body: Body::Plain(Bytes::from(body)),
            etag,
            items: ranges,
        })
    }

    /// The same agenda with its body compressed, to be kept: a kept agenda
    /// takes a fifth of the memory or less, and unpacking it costs
    /// microseconds per request.
    fn packed(self) -> Self {
        let Body::Plain(plain) = &self.body else {
            return self;
        };
        match pack(plain) {
            Ok(data) => Self {
                body: Body::Packed {
                    data: data.into_boxed_slice(),
                    len: plain.len(),
                },
                ..self
            },
            // Not worth failing a request for: keep it as it is.
            Err(_) => self,
        }
    }

    /// The whole body, unpacked if need be.
    fn body(&self) -> Result<Bytes, ApiError> {
        match &self.body {
            Body::Plain(plain) => Ok(plain.clone()),
            Body::Packed { data, len } => unpack(data, *len)
                .map(Bytes::from)
                .map_err(|e| ApiError::Internal(Box::new(e))),
        }
    }

    /// The body and `ETag` of the actions due in `[from, to)`; the whole
    /// agenda, without copying, when neither bound is given.
    ///
    /// The `ETag` covers the actions, not the instant: the same actions at a
    /// later `at` are still "not modified".
    pub fn window(
        &self,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<(Bytes, String), ApiError> {
        let whole = self.body()?;
        if from.is_none() && to.is_none() {
            return Ok((whole, self.etag.clone()));
        }
        let mut list = vec![b'['];
        let chosen = self.items.iter().filter(|(due_at, _)| {
            from.is_none_or(|from| *due_at >= from) && to.is_none_or(|to| *due_at < to)
        });
        for (n, (_, range)) in chosen.enumerate() {
            if n > 0 {
                list.push(b',');
            }
            list.extend_from_slice(&whole[range.clone()]);
        }
        list.push(b']');
        let etag = etag_of(&list);
        let mut body = br#"{"at":"#.to_vec();
        serde_json::to_writer(&mut body, &self.at).map_err(|e| ApiError::Internal(Box::new(e)))?;
        body.extend_from_slice(br#","items":"#);
        body.extend_from_slice(&list);
        body.push(b'}');
        Ok((Bytes::from(body), etag))
    }
}

/// A rendered body: as rendered (an answer for one request), or compressed
/// with its length (kept).
#[derive(Debug)]
enum Body {
    Plain(Bytes),
    Packed { data: Box<[u8]>, len: usize },
}

/// zstd's fastest level: JSON of repeated keys packs about six to one.
const PACK_LEVEL: i32 = 1;

thread_local! {
    /// Each thread's zstd contexts, made once and used for every body it
    /// packs or unpacks. `zstd::bulk::decompress` sets a context up and
    /// frees it at every call: a seventh of the HTTP workers' time serving
    /// kept agendas (docs/benchmarks.md, session 17).
    static PACKER: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static UNPACKER: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// Runs `work` with this thread's context in `key`, made by `make` the
/// first time.
fn with_context<C: 'static, T>(
    key: &'static std::thread::LocalKey<RefCell<Option<C>>>,
    make: impl FnOnce() -> std::io::Result<C>,
    work: impl FnOnce(&mut C) -> std::io::Result<T>,
) -> std::io::Result<T> {
    key.with(|cell| {
        let mut slot = cell.try_borrow_mut().map_err(std::io::Error::other)?;
        let context = match &mut *slot {
            Some(context) => context,
            None => slot.insert(make()?),
        };
        work(context)
    })
}

/// `plain` packed at [`PACK_LEVEL`], with this thread's context.
fn pack(plain: &[u8]) -> std::io::Result<Vec<u8>> {
    with_context(
        &PACKER,
        || zstd::bulk::Compressor::new(PACK_LEVEL),
        |packer| packer.compress(plain),
    )
}

/// `data` unpacked to its `len` bytes, with this thread's context.
fn unpack(data: &[u8], len: usize) -> std::io::Result<Vec<u8>> {
    with_context(&UNPACKER, zstd::bulk::Decompressor::new, |unpacker| {
        unpacker.decompress(data, len)
    })
}

fn etag_of(bytes: &[u8]) -> String {
    format!("\"{:x}\"", Sha256::digest(bytes))
}

/// One seeker's agenda for one minute: computed once, by the first request
/// that needs it; the others wait for it.
#[derive(Debug)]
struct Slot {
    minute: DateTime<Utc>,
    /// The revision the request that made the slot had seen; the agenda it
    /// computes is at least as new.
    revision: i64,
    cell: OnceCell<Arc<Rendered>>,
}

impl Slot {
    /// Whether a request that has seen `revision` at `minute` may use it.
    fn serves(&self, minute: DateTime<Utc>, revision: i64) -> bool {
        self.minute == minute
            && (self.revision >= revision
                || self.cell.get().is_some_and(|r| r.revision >= revision))
    }
}

/// Agendas per seeker, for the current minute.
#[derive(Debug)]
pub struct AgendaCache {
    slots: Mutex<HashMap<String, Arc<Slot>>>,
    capacity: usize,
}

impl AgendaCache {
    /// A cache of at most `capacity` seekers' agendas.
    pub fn new(capacity: usize) -> Self {
        Self {
            slots: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// The seeker's agenda at `minute` computed from facts at least as new
    /// as `revision`: the kept one, or one `compute` makes (and the cache
    /// keeps). A failed computation is not kept.
    pub async fn get_or_compute<F, Fut>(
        &self,
        seeker: &str,
        revision: i64,
        minute: DateTime<Utc>,
        compute: F,
    ) -> Result<Arc<Rendered>, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Rendered, ApiError>>,
    {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            match slots.get(seeker) {
                Some(slot) if slot.serves(minute, revision) => Arc::clone(slot),
                _ => {
                    if slots.len() >= self.capacity && !slots.contains_key(seeker) {
                        slots.retain(|_, slot| slot.minute == minute);
                        if slots.len() >= self.capacity
                            && let Some(victim) = slots.keys().next().cloned()
                        {
                            slots.remove(&victim);
                        }
                    }
                    let slot = Arc::new(Slot {
                        minute,
                        revision,
                        cell: OnceCell::new(),
                    });
                    slots.insert(seeker.to_owned(), Arc::clone(&slot));
                    slot
                }
            }
        };
        slot.cell
            .get_or_try_init(|| async { compute().await.map(|r| Arc::new(r.packed())) })
            .await
            .cloned()
    }

    /// How many seekers' agendas are kept.
    pub fn len(&self) -> usize {
        self.slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether no agenda is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use chrono::TimeZone as _;

    use super::*;

    fn minute(m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, 9, m, 0).unwrap()
    }

    fn rendered(revision: i64) -> Rendered {
        let items = [
            (minute(10), serde_json::json!({"id": "a"})),
            (minute(20), serde_json::json!({"id": "b"})),
            (minute(30), serde_json::json!({"id": "c"})),
        ];
        Rendered::new(revision, minute(0), &items).unwrap()
    }

    #[test]
    fn the_body_is_the_plain_serialization_and_the_etag_hashes_the_items() {
        let r = rendered(1);
        let (body, etag) = r.window(None, None).unwrap();
        let expected = serde_json::json!({
            "at": minute(0),
            "items": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
        });
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
            expected
        );
        assert_eq!(etag, etag_of(br#"[{"id":"a"},{"id":"b"},{"id":"c"}]"#));
    }

    #[test]
    fn one_threads_contexts_pack_and_unpack_bodies_of_every_size_in_turn() {
        let bodies: Vec<Vec<u8>> = [0, 1, 30, 30_000, 5, 200_000, 30_000]
            .iter()
            .enumerate()
            .map(|(n, &size)| {
                (0..size)
                    .map(|i| u8::try_from((i * 7 + n * 13) % 61).unwrap() + b'A')
                    .collect()
            })
            .collect();
        let packed: Vec<Vec<u8>> = bodies.iter().map(|b| pack(b).unwrap()).collect();
        // Unpacked in another order than packed: the contexts keep no
        // state from one body to the next.
        for (body, data) in bodies.iter().zip(&packed).rev() {
            assert_eq!(&unpack(data, body.len()).unwrap(), body);
            assert_eq!(data, &zstd::bulk::compress(body, PACK_LEVEL).unwrap());
        }
        assert!(unpack(b"not zstd", 10).is_err());
        // A failed unpack leaves the context fit for the next body.
        assert_eq!(unpack(&packed[3], bodies[3].len()).unwrap(), bodies[3]);
    }

    #[test]
    fn a_kept_agenda_is_packed_and_answers_the_same_bytes() {
        let items: Vec<_> = (0..40)
            .map(|n| {
                (
                    minute(n % 60),
                    serde_json::json!({"id": n, "why": "the same words every time"}),
                )
            })
            .collect();
        let plain = Rendered::new(1, minute(0), &items).unwrap();
        let whole = plain.window(None, None).unwrap();
        let window = plain.window(Some(minute(10)), Some(minute(20))).unwrap();
        let kept = plain.packed();
        match &kept.body {
            Body::Packed { data, len } => {
                assert_eq!(*len, whole.0.len());
                assert!(
                    data.len() * 4 < whole.0.len(),
                    "{} of {}",
                    data.len(),
                    whole.0.len()
                );
            }
            Body::Plain(_) => panic!("not packed"),
        }
        assert_eq!(kept.window(None, None).unwrap(), whole);
        assert_eq!(
            kept.window(Some(minute(10)), Some(minute(20))).unwrap(),
            window
        );
    }

    #[test]
    fn a_window_keeps_from_inclusive_and_to_exclusive() {
        let r = rendered(1);
        let (body, etag) = r.window(Some(minute(20)), Some(minute(30))).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["items"], serde_json::json!([{"id": "b"}]));
        assert_eq!(etag, etag_of(br#"[{"id":"b"}]"#));
        let (body, _) = r.window(Some(minute(40)), None).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["items"], serde_json::json!([]));
    }

    #[actix_web::test]
    async fn a_kept_agenda_serves_the_same_minute_and_revision_only() {
        let cache = AgendaCache::new(8);
        let runs = AtomicUsize::new(0);
        let compute = |revision| {
            let runs = &runs;
            move || async move {
                runs.fetch_add(1, Ordering::SeqCst);
                Ok(rendered(revision))
            }
        };
        cache
            .get_or_compute("s", 3, minute(0), compute(3))
            .await
            .unwrap();
        cache
            .get_or_compute("s", 3, minute(0), compute(3))
            .await
            .unwrap();
        cache
            .get_or_compute("s", 2, minute(0), compute(3))
            .await
            .unwrap();
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "same minute, same or older revision"
        );
        cache
            .get_or_compute("s", 4, minute(0), compute(4))
            .await
            .unwrap();
        assert_eq!(
            runs.load(Ordering::SeqCst),
            2,
            "a newer revision recomputes"
        );
        cache
            .get_or_compute("s", 4, minute(1), compute(4))
            .await
            .unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 3, "a new minute recomputes");
        cache
            .get_or_compute("t", 4, minute(1), compute(4))
            .await
            .unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 4, "seekers do not share");
    }

    #[actix_web::test]
    async fn a_failed_computation_is_not_kept() {
        let cache = AgendaCache::new(8);
        let failed = cache
            .get_or_compute("s", 1, minute(0), || async {
                Err(ApiError::Unavailable("down".to_owned()))
            })
            .await;
        assert!(failed.is_err());
        let ok = cache
            .get_or_compute("s", 1, minute(0), || async { Ok(rendered(1)) })
            .await
            .unwrap();
        assert_eq!(ok.revision, 1);
    }

    #[actix_web::test]
    async fn the_cache_keeps_at_most_its_capacity() {
        let cache = AgendaCache::new(2);
        for seeker in ["a", "b", "c", "d"] {
            cache
                .get_or_compute(seeker, 1, minute(0), || async { Ok(rendered(1)) })
                .await
                .unwrap();
            assert!(cache.len() <= 2);
        }
        cache
            .get_or_compute("e", 1, minute(1), || async { Ok(rendered(1)) })
            .await
            .unwrap();
        assert_eq!(cache.len(), 1, "agendas of a past minute go first");
    }
}
