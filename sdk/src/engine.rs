//! The sans-IO event pipeline: queue, batching, retry with backoff, and unload beacons.
//!
//! Pure state: every input carries the time (`now`, ms since the epoch) and, for retries, a
//! random number, so the behaviour is deterministic under test. The browser shell feeds it
//! events and HTTP outcomes and carries out what it returns.

use protocol::v1::{Dropped, MAX_EVENT_BYTES, MAX_EVENTS, batch_body_with, batch_overhead};
use rules::Timestamp;

use crate::error::SdkError;

/// Largest request body the engine builds (the edge accepts 500 KB; keep a margin).
pub const MAX_BATCH_BYTES: usize = 480 * 1024;
/// Largest beacon body (browsers allow 64 KiB in flight for all keepalive requests together).
pub const MAX_BEACON_BYTES: usize = 60 * 1024;
/// First retry delay before jitter.
pub const BACKOFF_BASE_MS: f64 = 1_000.0;
/// Longest retry delay computed by backoff.
pub const BACKOFF_CAP_MS: f64 = 60_000.0;
/// Longest `Retry-After` honoured.
pub const RETRY_AFTER_CAP_MS: f64 = 300_000.0;
/// Most events queued by default.
pub const MAX_QUEUE: usize = 10_000;
/// Most bytes of event JSON queued by default (2 MiB).
pub const MAX_QUEUE_BYTES: usize = 2 * 1024 * 1024;

/// Tunables of the pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The workspace's public write key (goes into every batch).
    pub write_key: String,
    /// Send as soon as this many events are queued.
    pub flush_at: usize,
    /// Send when the oldest unsent event has waited this long.
    pub flush_interval_ms: f64,
    /// Most events kept; a new event beyond it is refused and counted as dropped.
    pub max_queue: usize,
    /// Most bytes of event JSON kept; likewise.
    pub max_bytes: usize,
}

impl Config {
    /// The defaults: flush at 20 events or after 5 s, keep at most 10,000 events or 2 MiB.
    pub fn new(write_key: impl Into<String>) -> Self {
        Self {
            write_key: write_key.into(),
            flush_at: 20,
            flush_interval_ms: 5_000.0,
            max_queue: MAX_QUEUE,
            max_bytes: MAX_QUEUE_BYTES,
        }
    }
}

/// A batch to POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The request body (`batch_body`).
    pub body: String,
    /// How many events it carries.
    pub count: usize,
}

/// How a request ended, as the transport saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Response {
    /// No HTTP response (offline, DNS, CORS, aborted).
    NetworkError,
    /// An HTTP status, with `Retry-After` in seconds when the server sent one.
    Status {
        /// The HTTP status.
        code: u16,
        /// `Retry-After`, seconds.
        retry_after_s: Option<f64>,
    },
}

/// What the engine made of a response.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// 2xx: this many events left the queue.
    Delivered {
        /// Events removed.
        count: usize,
    },
    /// Transient failure: the batch is sent again at `at` (ms since the epoch).
    Retry {
        /// When.
        at: f64,
    },
    /// Permanent failure (4xx other than 408 and 429): the batch was dropped.
    Dropped {
        /// Events dropped.
        count: usize,
        /// The status that condemned them.
        status: u16,
    },
    /// No request was in flight.
    Ignored,
}

#[derive(Debug, Clone)]
struct Entry {
    seq: u64,
    id: String,
    json: String,
    queued_at: f64,
}

/// The queue and its delivery state.
#[derive(Debug)]
pub struct Engine {
    cfg: Config,
    overhead: usize,
    /// Oldest first; sequence numbers are consecutive (only a prefix is ever removed). A
    /// `Vec` keeps the module small: removing a delivered prefix moves the rest once per
    /// response, never per `track()`.
    queue: Vec<Entry>,
    /// Bytes of event JSON queued.
    bytes: usize,
    next_seq: u64,
    /// Events not kept since the last confirmed report, by reason.
    dropped: Dropped,
    /// The counts the request in flight reports.
    dropped_in_flight: Dropped,
    /// Last sequence number of the batch in flight (a batch is always a prefix of the queue).
    in_flight: Option<u64>,
    failures: u32,
    retry_at: Option<f64>,
    flush_requested: bool,
    /// The path of the page this tab is on, sent with every batch.
    page: Option<String>,
    /// The browser's language, sent with every batch.
    locale: Option<String>,
}

impl Engine {
    /// An empty pipeline.
    pub fn new(cfg: Config) -> Self {
        let overhead = batch_overhead(&cfg.write_key, None, None);
        Self {
            cfg,
            overhead,
            queue: Vec::new(),
            bytes: 0,
            next_seq: 0,
            dropped: Dropped::default(),
            dropped_in_flight: Dropped::default(),
            in_flight: None,
            failures: 0,
            retry_at: None,
            flush_requested: false,
            page: None,
            locale: None,
        }
    }

    /// Records the page this tab is on; batches carry it so the edge can match page
    /// triggers and conditions.
    pub fn set_page(&mut self, path: &str) {
        self.page = (path.starts_with('/') && path.len() <= 2000).then(|| path.to_owned());
        self.overhead = batch_overhead(
            &self.cfg.write_key,
            self.page.as_deref(),
            self.locale.as_deref(),
        );
    }

    /// Records the browser's language (ignored unless it looks like `en-US`).
    pub fn set_locale(&mut self, tag: &str) {
        let ok = !tag.is_empty()
            && tag.len() <= 35
            && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        self.locale = ok.then(|| tag.to_owned());
        self.overhead = batch_overhead(
            &self.cfg.write_key,
            self.page.as_deref(),
            self.locale.as_deref(),
        );
    }

    /// The browser's language, if known.
    pub fn locale(&self) -> Option<&str> {
        self.locale.as_deref()
    }

    /// The workspace's public write key.
    pub fn write_key(&self) -> &str {
        &self.cfg.write_key
    }

    /// The page this tab is on, if known.
    pub fn page(&self) -> Option<&str> {
        self.page.as_deref()
    }

    /// Queued events (including those in flight).
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Nothing queued.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// A request is awaiting its response.
    pub fn in_flight(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Queues one encoded event in O(1). `Ok(false)`: the queue is full (events or bytes);
    /// the event was not kept and is counted in [`Engine::dropped`] (reason `capacity`).
    pub fn enqueue(&mut self, id: String, json: String, now: f64) -> Result<bool, SdkError> {
        if json.len() > MAX_EVENT_BYTES {
            return Err(SdkError::EventTooLarge);
        }
        if self.queue.len() >= self.cfg.max_queue.max(1)
            || self.bytes + json.len() > self.cfg.max_bytes
        {
            self.dropped.capacity = self.dropped.capacity.saturating_add(1);
            return Ok(false);
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.bytes += json.len();
        self.queue.push(Entry {
            seq,
            id,
            json,
            queued_at: now,
        });
        Ok(true)
    }

    /// Events not kept since the last report a 2xx confirmed (including those in flight).
    pub fn dropped(&self) -> Dropped {
        self.dropped
    }

    /// Counts more events that could not be kept (e.g. adopted from another page's storage).
    pub fn add_dropped(&mut self, more: Dropped) {
        self.dropped.add(more);
    }

    /// Forgets counts reported by other means (an unload beacon that is the page's last word).
    pub fn forget_dropped(&mut self) {
        self.dropped = Dropped::default();
        self.dropped_in_flight = Dropped::default();
    }

    /// The sequence number of the oldest queued event (or of the next one when empty):
    /// every event numbered below it has left the queue.
    pub fn head(&self) -> u64 {
        self.queue.first().map_or(self.next_seq, |e| e.seq)
    }

    /// The sequence number the next queued event gets.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Queued events numbered `from` or later, as `(id, json)`, oldest first.
    pub fn entries_from(&self, from: u64) -> impl Iterator<Item = (&str, &str)> {
        let skip = from.saturating_sub(self.head());
        self.queue
            .iter()
            .skip(usize::try_from(skip).unwrap_or(usize::MAX))
            .map(|e| (e.id.as_str(), e.json.as_str()))
    }

    /// Sends everything queued now, regardless of `flush_at` and the interval (not of backoff).
    pub fn request_flush(&mut self) {
        self.flush_requested = true;
    }

    /// The next request to send, if one is due now.
    pub fn poll(&mut self, now: f64) -> Option<Request> {
        if self.in_flight.is_some() {
            return None;
        }
        let Some(front) = self.queue.first() else {
            self.flush_requested = false;
            return None;
        };
        let due = match self.retry_at {
            Some(at) => now >= at,
            None => {
                self.flush_requested
                    || self.queue.len() >= self.cfg.flush_at.max(1)
                    || now - front.queued_at >= self.cfg.flush_interval_ms
            }
        };
        if !due {
            return None;
        }
        let count = self.cut(MAX_BATCH_BYTES, 0);
        if count == self.queue.len() {
            self.flush_requested = false;
        }
        let texts: Vec<&str> = self
            .queue
            .iter()
            .take(count)
            .map(|e| e.json.as_str())
            .collect();
        let body = batch_body_with(
            &self.cfg.write_key,
            Timestamp(now as i64),
            self.page.as_deref(),
            self.locale.as_deref(),
            self.dropped,
            &texts,
        );
        self.dropped_in_flight = self.dropped;
        self.in_flight = self.queue.get(count.checked_sub(1)?).map(|e| e.seq);
        Some(Request { body, count })
    }

    /// When the shell should call [`Engine::poll`] again (ms since the epoch), if ever.
    pub fn next_wakeup(&self) -> Option<f64> {
        if self.in_flight.is_some() {
            return None;
        }
        let front = self.queue.first()?;
        Some(
            self.retry_at
                .unwrap_or(front.queued_at + self.cfg.flush_interval_ms),
        )
    }

    /// Settles the request in flight. `rand` in `[0, 1)` jitters the backoff.
    pub fn on_response(&mut self, response: Response, now: f64, rand: f64) -> Outcome {
        let Some(last) = self.in_flight.take() else {
            return Outcome::Ignored;
        };
        let (code, retry_after_s) = match response {
            Response::NetworkError => (0, None),
            Response::Status {
                code,
                retry_after_s,
            } => (code, retry_after_s),
        };
        if code == 0 || code >= 500 || code == 408 || code == 429 {
            self.failures = self.failures.saturating_add(1);
            let delay = match retry_after_s {
                Some(s) if s >= 0.0 => (s * 1_000.0).min(RETRY_AFTER_CAP_MS),
                _ => backoff_ms(self.failures, rand),
            };
            let at = now + delay;
            self.retry_at = Some(at);
            return Outcome::Retry { at };
        }
        self.failures = 0;
        self.retry_at = None;
        let before = self.queue.len();
        self.queue.retain(|e| e.seq > last);
        let count = before - self.queue.len();
        self.bytes = self.queue.iter().map(|e| e.json.len()).sum();
        if (200..300).contains(&code) {
            self.dropped.sub(self.dropped_in_flight);
            self.dropped_in_flight = Dropped::default();
            Outcome::Delivered { count }
        } else {
            Outcome::Dropped {
                count,
                status: code,
            }
        }
    }

    /// Every queued event as beacon bodies of at most [`MAX_BEACON_BYTES`], oldest first; the
    /// first carries `dropped`. The events stay queued: only a 2xx removes them (the edge
    /// de-duplicates by id).
    pub fn beacon_chunks(&self, now: f64, dropped: Dropped) -> Vec<String> {
        let mut chunks = Vec::new();
        let mut start = 0;
        while start < self.queue.len() {
            let count = self.cut(MAX_BEACON_BYTES, start);
            let texts: Vec<&str> = self
                .queue
                .iter()
                .skip(start)
                .take(count)
                .map(|e| e.json.as_str())
                .collect();
            chunks.push(batch_body_with(
                &self.cfg.write_key,
                Timestamp(now as i64),
                self.page.as_deref(),
                self.locale.as_deref(),
                if start == 0 {
                    dropped
                } else {
                    Dropped::default()
                },
                &texts,
            ));
            start += count;
        }
        chunks
    }

    /// The queued events' JSON texts, oldest first.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.queue.iter().map(|e| e.json.as_str())
    }

    /// The queued events as `(id, json)`, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries_from(0)
    }

    /// The queue as JSON texts, oldest first.
    pub fn export(&self) -> Vec<String> {
        self.texts().map(str::to_owned).collect()
    }

    /// Queues persisted events `(id, json)` from earlier pages (at `init`, into an empty
    /// queue), oldest first. Events beyond the capacity are counted as dropped. Ids are not
    /// checked against each other: journals never hold an event twice (adopting removes the
    /// keys), and should two pages send one, the edge stores it once.
    pub fn import(&mut self, events: Vec<(String, String)>, now: f64) {
        for (id, json) in events {
            // Persisted events were accepted once; only the cap can refuse them.
            let _ = self.enqueue(id, json, now);
        }
    }

    /// How many events from `start` fit in a body of at most `limit` bytes (at least one).
    fn cut(&self, limit: usize, start: usize) -> usize {
        let mut size = self.overhead;
        let mut count = 0;
        for e in self.queue.iter().skip(start) {
            let add = e.json.len() + usize::from(count > 0);
            if count > 0 && (size + add > limit || count >= MAX_EVENTS) {
                break;
            }
            size += add;
            count += 1;
        }
        count
    }
}

/// Exponential backoff with "equal jitter": the n-th consecutive failure waits
/// `d/2 + rand·d/2` where `d = min(cap, base·2^(n-1))`.
pub fn backoff_ms(failures: u32, rand: f64) -> f64 {
    let exp = failures.saturating_sub(1).min(16);
    let d = (BACKOFF_BASE_MS * f64::from(1u32 << exp)).min(BACKOFF_CAP_MS);
    let r = rand.clamp(0.0, 1.0);
    d / 2.0 + r * d / 2.0
}

#[cfg(test)]
mod tests;
