//! Persistence of the unsent queue: an append-only journal of chunks in `localStorage`.
//!
//! Keys, an SDK-private format (the texts are exactly what goes on the wire):
//! - `cairn:q:<writeKey>:<tab>:<seq>`: a chunk, written once and never rewritten: one line
//!   per event, `<id> <json>`, for the events numbered `seq`, `seq + 1`, … of this page's
//!   queue. Event JSON never holds a raw line break (JSON escapes them) and ids hold no space.
//! - `cairn:q:<writeKey>:<tab>`: the page's mark, `<head> <capacity> <storage>`: every event
//!   numbered below `head` has left the queue (a 2xx confirmed it, or the edge refused it), and
//!   the dropped counts whose report no 2xx has confirmed yet.
//!
//! `track()` does no storage work: the shell calls [`Journal::sync`] at most every
//! [`PERSIST_MS`] while events arrive, right after every response, and on `pagehide` /
//! `visibilitychange` → hidden. A sync writes the events queued since the previous one as one
//! chunk, moves the mark, and removes the chunks whose events have all left the queue, so its
//! cost is proportional to what changed, never to the queue's length.
//!
//! Each page load has its own `<tab>`, so tabs never overwrite each other. At `init` a page
//! adopts every journal of its write key (its own from before a reload, other tabs', live or
//! closed, and the single-key JSON format of earlier versions), skipping what each mark says
//! has left the queue, removes those keys, and writes the adopted events as its own first
//! chunk. A live tab keeps its events in memory and sends them too, so adopting from it can
//! only cause a double delivery, which the edge de-duplicates by event id, never a loss.
//!
//! Storage can be missing (sandboxed iframes, privacy modes) or full: the journal then
//! reports itself unavailable, the queue lives in memory, and what the page could not persist
//! is counted as dropped (`storage`) when the page is hidden for good.

use std::collections::{BTreeMap, VecDeque};

use js_sys::{Array, JSON};
use protocol::v1::Dropped;
use wasm_bindgen::JsCast;

use crate::engine::Engine;

/// Longest time a queued event waits in memory before it is written to storage.
pub(crate) const PERSIST_MS: i32 = 200;

/// A string key-value store (`localStorage`, or a map in tests).
pub(crate) trait Kv {
    /// Every key.
    fn keys(&self) -> Vec<String>;
    /// The value of `key`.
    fn get(&self, key: &str) -> Option<String>;
    /// Stores `value`; false when the store refused it (quota, disabled).
    fn set(&mut self, key: &str, value: &str) -> bool;
    /// Removes `key` (absent keys are fine).
    fn remove(&mut self, key: &str);
}

/// This page's journal of its write key's queue.
#[derive(Debug)]
pub(crate) struct Journal<K> {
    kv: Option<K>,
    /// `cairn:q:<writeKey>:`
    prefix: String,
    /// `cairn:q:<writeKey>:<tab>`
    mark_key: String,
    /// This page's chunks as `[first, end)` sequence ranges, oldest first.
    chunks: VecDeque<(u64, u64)>,
    /// Every event numbered below this is written (or has left the queue).
    persisted: u64,
    /// The mark as last written.
    mark: (u64, Dropped),
    /// The last write failed.
    failed: bool,
    /// Events numbered below this were already counted as dropped for storage.
    counted: u64,
}

impl<K: Kv> Journal<K> {
    /// The journal of `tab` (unique per page load) for `write_key`; `kv` is `None` where
    /// storage is disabled.
    pub(crate) fn new(kv: Option<K>, write_key: &str, tab: &str) -> Self {
        let prefix = ["cairn:q:", write_key, ":"].concat();
        let mark_key = [prefix.as_str(), tab].concat();
        Self {
            kv,
            prefix,
            mark_key,
            chunks: VecDeque::new(),
            persisted: 0,
            mark: (0, Dropped::default()),
            failed: false,
            counted: 0,
        }
    }

    /// Storage works (it exists and its last write succeeded).
    pub(crate) fn available(&self) -> bool {
        self.kv.is_some() && !self.failed
    }

    /// Adopts every journal of this write key as `(id, json)` events, oldest first per page,
    /// and their unconfirmed dropped counts, and removes their keys. The caller imports them
    /// and calls [`Journal::sync`] right after, which writes them under this page's key.
    pub(crate) fn adopt(&mut self) -> (Vec<(String, String)>, Dropped) {
        let mut dropped = Dropped::default();
        let mut events = Vec::new();
        let Some(kv) = &mut self.kv else {
            return (events, dropped);
        };
        let mut heads: BTreeMap<String, u64> = BTreeMap::new();
        let mut chunks: Vec<(String, u64, String)> = Vec::new();
        for key in kv.keys() {
            let Some(rest) = key.strip_prefix(self.prefix.as_str()) else {
                continue;
            };
            match rest.split_once(':') {
                Some((tab, seq)) => {
                    if let Ok(seq) = seq.parse::<u64>() {
                        chunks.push((tab.to_owned(), seq, key));
                    }
                }
                None => {
                    let tab = rest.to_owned();
                    if let Some(value) = kv.get(&key) {
                        let (head, counts) = parse_mark(&value);
                        dropped.add(counts);
                        heads.insert(tab, head);
                    }
                    kv.remove(&key);
                }
            }
        }
        chunks.sort();
        for (tab, first, key) in chunks {
            let head = heads.get(&tab).copied().unwrap_or(0);
            if let Some(value) = kv.get(&key) {
                for (seq, line) in (first..).zip(value.split('\n')) {
                    if seq >= head
                        && let Some((id, json)) = line.split_once(' ')
                    {
                        events.push((id.to_owned(), json.to_owned()));
                    }
                }
            }
            kv.remove(&key);
        }
        (events, dropped)
    }

    /// Writes the events queued since the last sync as one chunk, the mark if it moved, and
    /// removes the chunks whose events have all left the queue. False when a write failed
    /// (the events stay in memory and are written by a later sync).
    pub(crate) fn sync(&mut self, engine: &Engine) -> bool {
        let Some(kv) = &mut self.kv else {
            return false;
        };
        let head = engine.head();
        let end = engine.next_seq();
        let from = self.persisted.max(head);
        let mut ok = true;
        if from < end {
            let mut value = String::new();
            for (i, (id, json)) in engine.entries_from(from).enumerate() {
                if i > 0 {
                    value.push('\n');
                }
                value.push_str(id);
                value.push(' ');
                value.push_str(json);
            }
            let key = [self.mark_key.as_str(), ":", &from.to_string()].concat();
            if kv.set(&key, &value) {
                self.chunks.push_back((from, end));
                self.persisted = end;
            } else {
                ok = false;
            }
        } else {
            self.persisted = from;
        }
        while let Some(&(first, chunk_end)) = self.chunks.front() {
            if chunk_end > head {
                break;
            }
            kv.remove(&[self.mark_key.as_str(), ":", &first.to_string()].concat());
            self.chunks.pop_front();
        }
        let mark = (head, engine.dropped());
        if mark != self.mark {
            let written = if self.chunks.is_empty() && mark.1.is_empty() {
                // Nothing of this page left: no mark needed.
                kv.remove(&self.mark_key);
                true
            } else {
                let text = [
                    head.to_string(),
                    mark.1.capacity.to_string(),
                    mark.1.storage.to_string(),
                ]
                .join(" ");
                kv.set(&self.mark_key, &text)
            };
            if written {
                self.mark = mark;
            } else {
                ok = false;
            }
        }
        self.failed = !ok;
        ok
    }

    /// The queued events that exist only in memory and were not counted yet; counts them as
    /// counted. Called when the page is hidden for good and storage does not work.
    pub(crate) fn count_unkept(&mut self, engine: &Engine) -> u32 {
        let from = self.persisted.max(engine.head()).max(self.counted);
        self.counted = engine.next_seq();
        u32::try_from(engine.next_seq().saturating_sub(from)).unwrap_or(u32::MAX)
    }
}

/// `<head> <capacity> <storage>`; anything unreadable reads as "nothing confirmed".
fn parse_mark(text: &str) -> (u64, Dropped) {
    let mut parts = text.split(' ');
    let mut next = || {
        parts
            .next()
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let head = next();
    let capacity = u32::try_from(next()).unwrap_or(u32::MAX);
    let storage = u32::try_from(next()).unwrap_or(u32::MAX);
    (head, Dropped { capacity, storage })
}

/// `localStorage`.
#[derive(Debug)]
pub(crate) struct Local(web_sys::Storage);

impl Kv for Local {
    fn keys(&self) -> Vec<String> {
        (0..self.0.length().unwrap_or(0))
            .filter_map(|i| self.0.key(i).ok().flatten())
            .collect()
    }

    fn get(&self, key: &str) -> Option<String> {
        self.0.get_item(key).ok().flatten()
    }

    fn set(&mut self, key: &str, value: &str) -> bool {
        self.0.set_item(key, value).is_ok()
    }

    fn remove(&mut self, key: &str) {
        let _ = self.0.remove_item(key);
    }
}

/// The page's `localStorage`, where storage is enabled (reading it throws where it is not).
pub(crate) fn local() -> Option<Local> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .map(Local)
}

/// Adopts queues of the single-key JSON format of earlier versions (`cairn:queue:<writeKey>`
/// and `cairn:queue:<writeKey>:<tab>`, arrays of `[id, json]`) and removes their keys.
pub(crate) fn adopt_legacy(store: &mut Local, write_key: &str) -> Vec<(String, String)> {
    let prefix = ["cairn:queue:", write_key].concat();
    let tabbed = [prefix.as_str(), ":"].concat();
    let mut events = Vec::new();
    for key in store.keys() {
        if key != prefix && !key.starts_with(&tabbed) {
            continue;
        }
        if let Some(text) = store.get(&key)
            && let Ok(value) = JSON::parse(&text)
            && Array::is_array(&value)
        {
            events.extend(value.unchecked_into::<Array>().iter().filter_map(pair));
        }
        store.remove(&key);
    }
    events
}

/// One persisted `[id, json]` pair of the earlier format.
fn pair(value: wasm_bindgen::JsValue) -> Option<(String, String)> {
    if !Array::is_array(&value) {
        return None;
    }
    let pair: Array = value.unchecked_into();
    Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
}

#[cfg(test)]
mod tests;
