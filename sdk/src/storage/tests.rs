//! Tests of the journal over an in-memory `Kv` shared by several "tabs": appends, marks,
//! reloads, adoption across tabs, failing storage and the counts that survive a reload.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::*;
use crate::engine::{Config, Outcome, Response};

/// One origin's `localStorage`, shared by the tabs of a test; `quota` bounds the total
/// characters of keys and values (`None`: unbounded).
#[derive(Debug, Default)]
struct Mem {
    map: BTreeMap<String, String>,
    quota: Option<usize>,
    writes: usize,
}

#[derive(Debug, Clone, Default)]
struct Shared(Rc<RefCell<Mem>>);

impl Kv for Shared {
    fn keys(&self) -> Vec<String> {
        self.0.borrow().map.keys().cloned().collect()
    }

    fn get(&self, key: &str) -> Option<String> {
        self.0.borrow().map.get(key).cloned()
    }

    fn set(&mut self, key: &str, value: &str) -> bool {
        let mut mem = self.0.borrow_mut();
        let used: usize = mem
            .map
            .iter()
            .filter(|(k, _)| k.as_str() != key)
            .map(|(k, v)| k.len() + v.len())
            .sum();
        if mem
            .quota
            .is_some_and(|q| used + key.len() + value.len() > q)
        {
            return false;
        }
        mem.writes += 1;
        mem.map.insert(key.to_owned(), value.to_owned());
        true
    }

    fn remove(&mut self, key: &str) {
        self.0.borrow_mut().map.remove(key);
    }
}

const OK: Response = Response::Status {
    code: 200,
    retry_after_s: None,
};

/// A page: its engine and journal.
struct Tab {
    engine: Engine,
    journal: Journal<Shared>,
    created: usize,
}

impl Tab {
    /// Loads a page on `kv` (None: storage disabled) that adopts what is there.
    fn open(kv: Option<&Shared>, name: &str, cfg: Config) -> Tab {
        let mut journal = Journal::new(kv.cloned(), "wk", name);
        let mut engine = Engine::new(cfg);
        let (events, dropped) = journal.adopt();
        engine.import(events, 0.0);
        engine.add_dropped(dropped);
        journal.sync(&engine);
        Tab {
            engine,
            journal,
            created: 0,
        }
    }

    /// Tracks `n` events named `<tab>-<k>`.
    fn track(&mut self, tag: &str, n: usize) {
        for _ in 0..n {
            let id = format!("{tag}-{}", self.created);
            self.created += 1;
            let json = format!("{{\"id\":\"{id}\",\"pad\":\"line\\nbreak\"}}");
            self.engine.enqueue(id, json, 0.0).expect("valid");
        }
    }

    /// Sends one batch and confirms it with a 2xx.
    fn deliver(&mut self) -> usize {
        self.engine.request_flush();
        if self.engine.poll(0.0).is_none() {
            return 0;
        }
        match self.engine.on_response(OK, 1.0, 0.0) {
            Outcome::Delivered { count } => count,
            other => panic!("{other:?}"),
        }
    }

    fn ids(&self) -> Vec<String> {
        self.engine.entries().map(|(id, _)| id.to_owned()).collect()
    }
}

fn cfg() -> Config {
    Config {
        flush_at: 1_000_000,
        ..Config::new("wk")
    }
}

fn ids(tag: &str, range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|k| format!("{tag}-{k}")).collect()
}

#[test]
fn a_reload_after_a_sync_loses_nothing_and_resends_nothing_confirmed() {
    // (tracked, batches confirmed, tracked after, expected survivors); a batch carries at
    // most 1,000 events, so 1,002 tracked and one batch confirmed leaves a chunk half sent.
    let cases: &[(&str, usize, usize, usize, std::ops::Range<usize>)] = &[
        ("nothing delivered", 5, 0, 0, 0..5),
        ("all delivered", 5, 1, 0, 0..0),
        ("part of a chunk delivered", 1_002, 1, 0, 1_000..1_002),
        ("part delivered, then more", 1_002, 1, 4, 1_000..1_006),
        ("all delivered, then more", 5, 1, 4, 5..9),
    ];
    for &(name, first, batches, after, ref expect) in cases {
        let kv = Shared::default();
        let mut a = Tab::open(Some(&kv), "a", cfg());
        a.track("a", first);
        assert!(a.journal.sync(&a.engine), "{name}");
        for _ in 0..batches {
            a.deliver();
        }
        a.track("a", after);
        assert!(a.journal.sync(&a.engine), "{name}");
        assert_eq!(a.ids(), ids("a", expect.clone()), "{name}");
        // Reload: the page's memory is gone; the next page adopts its journal.
        drop(a);
        let b = Tab::open(Some(&kv), "b", cfg());
        assert_eq!(b.ids(), ids("a", expect.clone()), "{name}");
        // Only b's journal is left.
        assert!(
            kv.keys().iter().all(|k| k.starts_with("cairn:q:wk:b")),
            "{name}: {:?}",
            kv.keys()
        );
    }
}

#[test]
fn a_confirmed_prefix_inside_a_chunk_is_skipped_on_adoption() {
    let kv = Shared::default();
    let mut a = Tab::open(Some(&kv), "a", cfg());
    a.track("a", 1_002);
    a.journal.sync(&a.engine);
    assert_eq!(a.deliver(), 1_000);
    a.track("a", 2);
    a.journal.sync(&a.engine);
    assert_eq!(kv.get("cairn:q:wk:a").as_deref(), Some("1000 0 0"));
    // The first chunk (0-1001) is half confirmed and stays; the second (1002-1003) too.
    assert_eq!(
        kv.keys(),
        ["cairn:q:wk:a", "cairn:q:wk:a:0", "cairn:q:wk:a:1002"]
    );
    let b = Tab::open(Some(&kv), "b", cfg());
    assert_eq!(b.ids(), ids("a", 1_000..1_004));
}

#[test]
fn sync_writes_only_what_changed() {
    let kv = Shared::default();
    let mut a = Tab::open(Some(&kv), "a", cfg());
    let base = kv.0.borrow().writes;
    // Many syncs with nothing new write nothing.
    for _ in 0..10 {
        a.journal.sync(&a.engine);
    }
    assert_eq!(kv.0.borrow().writes, base);
    // 1,000 events tracked between two syncs: one chunk write, no mark yet (head 0).
    a.track("a", 1_000);
    a.journal.sync(&a.engine);
    assert_eq!(kv.0.borrow().writes, base + 1);
    // Three more syncs with 1 new event each: one small chunk each, the big one untouched.
    for _ in 0..3 {
        a.track("a", 1);
        a.journal.sync(&a.engine);
    }
    assert_eq!(kv.0.borrow().writes, base + 4);
    let sizes: Vec<usize> = kv.0.borrow().map.values().map(String::len).collect();
    assert_eq!(sizes.len(), 4);
    // A first batch (1,000 events, the big chunk exactly): the mark is written (one write)
    // and the big chunk removed; the three small ones stay.
    assert_eq!(a.deliver(), 1_000);
    a.journal.sync(&a.engine);
    assert_eq!(kv.0.borrow().writes, base + 5);
    assert_eq!(
        kv.keys(),
        [
            "cairn:q:wk:a",
            "cairn:q:wk:a:1000",
            "cairn:q:wk:a:1001",
            "cairn:q:wk:a:1002"
        ]
    );
    // The rest: every chunk and the mark are removed.
    assert_eq!(a.deliver(), 3);
    a.journal.sync(&a.engine);
    assert!(kv.keys().is_empty(), "{:?}", kv.keys());
}

#[test]
fn adoption_across_tabs() {
    let kv = Shared::default();
    let mut a = Tab::open(Some(&kv), "a", cfg());
    let mut b = Tab::open(Some(&kv), "b", cfg());
    a.track("a", 3);
    b.track("b", 2);
    a.journal.sync(&a.engine);
    b.journal.sync(&b.engine);
    // A third tab adopts both journals (a closed, b live) and owns them under its key.
    let c = Tab::open(Some(&kv), "c", cfg());
    let mut got = c.ids();
    got.sort();
    let mut want = [ids("a", 0..3), ids("b", 0..2)].concat();
    want.sort();
    assert_eq!(got, want);
    assert!(kv.keys().iter().all(|k| k.starts_with("cairn:q:wk:c")));
    // The live tab b still has its events in memory (a double delivery at worst, which the
    // edge de-duplicates); what it tracks next is journaled under its own key again.
    assert_eq!(b.ids(), ids("b", 0..2));
    b.track("b", 1);
    b.journal.sync(&b.engine);
    let d = Tab::open(Some(&kv), "d", cfg());
    // c's copy of a and b, and b's new chunk: each event once.
    let mut got = d.ids();
    got.sort();
    let mut want = [ids("a", 0..3), ids("b", 0..3)].concat();
    want.sort();
    assert_eq!(got, want);
    // Other write keys are left alone.
    let mut other = Journal::new(Some(kv.clone()), "wk2", "x");
    let mut e = Engine::new(Config::new("wk2"));
    e.enqueue("o".into(), "{}".into(), 0.0).expect("valid");
    other.sync(&e);
    let f = Tab::open(Some(&kv), "f", cfg());
    assert_eq!(f.ids().len(), 6);
    assert!(kv.keys().contains(&"cairn:q:wk2:x:0".to_owned()));
}

#[test]
fn capacity_and_drop_counts_survive_a_reload_until_reported() {
    let small = Config {
        max_queue: 3,
        ..cfg()
    };
    let kv = Shared::default();
    let mut a = Tab::open(Some(&kv), "a", small.clone());
    a.track("a", 5);
    assert_eq!(a.engine.dropped().capacity, 2);
    a.journal.sync(&a.engine);
    assert_eq!(kv.get("cairn:q:wk:a").as_deref(), Some("0 2 0"));
    // Reload: the events and the counts are adopted.
    drop(a);
    let mut b = Tab::open(Some(&kv), "b", small.clone());
    assert_eq!(b.ids(), ids("a", 0..3));
    assert_eq!(b.engine.dropped().capacity, 2);
    // The next batch reports them; its 2xx clears them, in memory and in storage.
    b.engine.request_flush();
    let req = b.engine.poll(0.0).expect("due");
    assert!(
        req.body.contains(r#""dropped":{"capacity":2}"#),
        "{}",
        req.body
    );
    b.engine.on_response(OK, 1.0, 0.0);
    assert!(b.engine.dropped().is_empty());
    b.journal.sync(&b.engine);
    assert!(kv.keys().is_empty(), "{:?}", kv.keys());
}

#[test]
fn failing_or_missing_storage_counts_what_only_memory_held() {
    // (storage, quota, tracked, expected storage count at pagehide)
    let cases: &[(&str, bool, Option<usize>, usize, u32)] = &[
        ("storage disabled", false, None, 4, 4),
        ("quota too small for the chunk", true, Some(60), 4, 4),
        ("enough room", true, None, 4, 0),
    ];
    for &(name, enabled, quota, tracked, expect) in cases {
        let kv = Shared::default();
        kv.0.borrow_mut().quota = quota;
        let mut a = Tab::open(enabled.then_some(&kv), "a", cfg());
        a.track("a", tracked);
        let ok = a.journal.sync(&a.engine);
        assert_eq!(ok, expect == 0, "{name}");
        assert_eq!(a.journal.available(), expect == 0, "{name}");
        let counted = if a.journal.available() {
            0
        } else {
            a.journal.count_unkept(&a.engine)
        };
        assert_eq!(counted, expect, "{name}");
        // A second pagehide (back-forward cache) does not count them again.
        assert_eq!(a.journal.count_unkept(&a.engine), 0, "{name}");
    }
}

#[test]
fn mark_parsing_is_lenient() {
    assert_eq!(parse_mark("7 1 2").0, 7);
    assert_eq!(
        parse_mark("7 1 2").1,
        Dropped {
            capacity: 1,
            storage: 2
        }
    );
    assert_eq!(parse_mark("garbage"), (0, Dropped::default()));
    assert_eq!(parse_mark("3").0, 3);
    assert_eq!(parse_mark("-3 x").0, 0);
    assert_eq!(number("18446744073709551616"), None);
    assert_eq!(number(""), None);
    assert_eq!(cut("a:b:c", b':'), Some(("a", "b:c")));
    assert_eq!(split("abc", b':'), ("abc", None));
}
