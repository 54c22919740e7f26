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
//! Before the module is live, `pkg/src/early.js` keeps the JavaScript buffer's `track()` calls
//! under keys of its own across an unload, and writes what it could not buffer as a mark with
//! no chunks (`0 <capacity> 0`), which [`Journal::adopt`] counts like any page's.
//!
//! Storage can be missing (sandboxed iframes, privacy modes) or full: the journal then
//! reports itself unavailable, the queue lives in memory, and what the page could not persist
//! is counted as dropped (`storage`) when the page is hidden for good.

use js_sys::{Array, JSON};
use protocol::v1::{Dropped, int_text};
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
    chunks: Vec<(u64, u64)>,
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
            chunks: Vec::new(),
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
        // (tab, head): a few pages at most, so a list (no map code in the module).
        let mut heads: Vec<(String, u64)> = Vec::new();
        // (tab, seq, key) in (tab, seq) order, kept sorted by insertion: a slice sort would
        // add several KB to the module, and pages hold few chunks.
        let mut chunks: Vec<(String, u64, String)> = Vec::new();
        for key in kv.keys() {
            let Some(rest) = key.strip_prefix(self.prefix.as_str()) else {
                continue;
            };
            match cut(rest, b':') {
                Some((tab, seq)) => {
                    if let Some(seq) = number(seq) {
                        let at = chunks.partition_point(|(t, s, _)| (t.as_str(), *s) < (tab, seq));
                        chunks.insert(at, (tab.to_owned(), seq, key));
                    }
                }
                None => {
                    let tab = rest.to_owned();
                    if let Some(value) = kv.get(&key) {
                        let (head, counts) = parse_mark(&value);
                        dropped.add(counts);
                        heads.push((tab, head));
                    }
                    kv.remove(&key);
                }
            }
        }
        for (tab, first, key) in chunks {
            let head = heads.iter().find(|(t, _)| *t == tab).map_or(0, |(_, h)| *h);
            if let Some(value) = kv.get(&key) {
                let mut rest = Some(value.as_str());
                let mut seq = first;
                while let Some(text) = rest {
                    let (line, next) = split(text, b'\n');
                    if seq >= head
                        && let Some((id, json)) = cut(line, b' ')
                    {
                        events.push((id.to_owned(), json.to_owned()));
                    }
                    rest = next;
                    seq += 1;
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
            let key = [self.mark_key.as_str(), ":", &int_text(from as i64)].concat();
            if kv.set(&key, &value) {
                self.chunks.push((from, end));
                self.persisted = end;
            } else {
                ok = false;
            }
        } else {
            self.persisted = from;
        }
        let done = self.chunks.iter().take_while(|c| c.1 <= head).count();
        for &(first, _) in self.chunks.get(..done).unwrap_or_default() {
            kv.remove(&[self.mark_key.as_str(), ":", &int_text(first as i64)].concat());
        }
        self.chunks.drain(..done);
        let mark = (head, engine.dropped());
        if mark != self.mark {
            let written = if self.chunks.is_empty() && mark.1.is_empty() {
                // Nothing of this page left: no mark needed.
                kv.remove(&self.mark_key);
                true
            } else {
                let text = [
                    int_text(head as i64).as_str(),
                    " ",
                    &int_text(mark.1.capacity.into()),
                    " ",
                    &int_text(mark.1.storage.into()),
                ]
                .concat();
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

/// `text` split at the first `byte` (an ASCII separator), without the pattern machinery of
/// `str::split` in the module.
fn cut(text: &str, byte: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == byte)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// The part of `text` before `byte`, and the rest after it (`None`: this was the last part).
fn split(text: &str, byte: u8) -> (&str, Option<&str>) {
    cut(text, byte).map_or((text, None), |(part, rest)| (part, Some(rest)))
}

/// A decimal `u64` (digits only).
fn number(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    text.bytes().try_fold(0u64, |n, b| {
        b.is_ascii_digit()
            .then(|| n.checked_mul(10)?.checked_add(u64::from(b - b'0')))
            .flatten()
    })
}

/// `<head> <capacity> <storage>`; anything unreadable reads as "nothing confirmed".
fn parse_mark(text: &str) -> (u64, Dropped) {
    let mut rest = Some(text);
    let mut next = || {
        let (word, more) = split(rest?, b' ');
        rest = more;
        number(word)
    };
    let head = next().unwrap_or(0);
    let capacity = u32::try_from(next().unwrap_or(0)).unwrap_or(u32::MAX);
    let storage = u32::try_from(next().unwrap_or(0)).unwrap_or(u32::MAX);
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
