//! Table-driven tests of the engine: each case is a script of inputs and expected outputs.

use super::*;

/// One input to the engine, with what it must answer.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// Queue `n` events of about `bytes` bytes each at time `at`: `Add(n, bytes, at)`.
    Add(usize, usize, f64),
    /// Ask for a flush.
    Flush,
    /// Poll at `at`; expect a request carrying `sends` events (0: none): `Poll(at, sends)`.
    Poll(f64, usize),
    /// Settle the request in flight: `Reply(at, rand, response, expected outcome)`.
    Reply(f64, f64, Response, Outcome),
    /// Expect this wake-up time.
    Wake(Option<f64>),
    /// Expect this many queued events.
    Len(usize),
    /// Expect the queued events to be exactly these (by index of creation).
    Queue(&'static [usize]),
    /// Expect beacons carrying these many events each, every body within the beacon limit.
    Beacons(&'static [usize]),
    /// Expect this many events counted as dropped for capacity (and reported by every
    /// request while unconfirmed).
    Cap(u32),
}

use Step::*;

const OK: Response = Response::Status {
    code: 200,
    retry_after_s: None,
};
const NET: Response = Response::NetworkError;

fn status(code: u16) -> Response {
    Response::Status {
        code,
        retry_after_s: None,
    }
}

fn delivered(count: usize) -> Outcome {
    Outcome::Delivered { count }
}

fn retry(at: f64) -> Outcome {
    Outcome::Retry { at }
}

fn dropped(count: usize, status: u16) -> Outcome {
    Outcome::Dropped { count, status }
}

/// An event JSON text of `bytes` bytes (or the least possible) whose id encodes `n`.
fn event(n: usize, bytes: usize) -> (String, String) {
    let id = format!("e{n}");
    let mut json = format!("{{\"id\":\"{id}\",\"p\":\"");
    let pad = bytes.saturating_sub(json.len() + 2);
    json.extend(std::iter::repeat_n('x', pad));
    json.push_str("\"}");
    (id, json)
}

/// The creation index of an event text made by [`event`].
fn index_of(text: &str) -> usize {
    let rest = text
        .strip_prefix("{\"id\":\"e")
        .expect("an event made by `event`");
    let end = rest.find('"').expect("a closing quote");
    rest[..end].parse().expect("a number")
}

/// Events carried by a batch body.
fn events_in(body: &str) -> usize {
    body.matches("{\"id\":\"e").count()
}

/// Runs `steps` against a fresh engine built from `cfg`, failing with the case name and step.
fn check(name: &str, cfg: Config, steps: &[Step]) {
    let mut engine = Engine::new(cfg);
    let mut created = 0;
    for (i, step) in steps.iter().enumerate() {
        let at = format!("{name}, step {i}: {step:?}");
        match *step {
            Add(n, bytes, now) => {
                for _ in 0..n {
                    let (id, json) = event(created, bytes);
                    created += 1;
                    // Over capacity the event is counted, not kept (checked by `Cap`).
                    engine.enqueue(id, json, now).expect("event is valid");
                }
            }
            Flush => engine.request_flush(),
            Poll(now, sends) => {
                let req = engine.poll(now);
                assert_eq!(req.as_ref().map_or(0, |r| r.count), sends, "{at}");
                if let Some(r) = req {
                    let cap = engine.dropped().capacity;
                    let report = format!("\"dropped\":{{\"capacity\":{cap}}}");
                    assert_eq!(r.body.contains(&report), cap > 0, "{at}: {}", r.body);
                    assert_eq!(events_in(&r.body), r.count, "{at}");
                    assert!(r.body.len() <= MAX_BATCH_BYTES, "{at}");
                    assert!(
                        r.body.contains(&format!("\"sent_at\":{}", now as i64)),
                        "{at}"
                    );
                }
            }
            Reply(now, rand, response, expect) => {
                assert_eq!(engine.on_response(response, now, rand), expect, "{at}");
            }
            Wake(expect) => assert_eq!(engine.next_wakeup(), expect, "{at}"),
            Len(n) => assert_eq!(engine.len(), n, "{at}"),
            Queue(ids) => {
                let got: Vec<usize> = engine.texts().map(index_of).collect();
                assert_eq!(got, ids, "{at}");
            }
            Beacons(counts) => {
                let chunks = engine.beacon_chunks(0.0, Dropped::default());
                let got: Vec<usize> = chunks.iter().map(|c| events_in(c)).collect();
                assert_eq!(got, counts, "{at}");
                assert!(chunks.iter().all(|c| c.len() <= MAX_BEACON_BYTES), "{at}");
            }
            Cap(n) => assert_eq!(engine.dropped().capacity, n, "{at}"),
        }
    }
}

fn cfg() -> Config {
    Config::new("wk_test")
}

#[test]
fn flushes_at_twenty_events() {
    check(
        "flush_at",
        cfg(),
        &[
            Add(19, 100, 0.0),
            Poll(1.0, 0),
            Add(1, 100, 2.0),
            Poll(2.0, 20),
            Len(20),
            Reply(3.0, 0.0, OK, delivered(20)),
            Len(0),
            Wake(None),
        ],
    );
}

#[test]
fn flushes_after_the_interval_since_the_oldest_event() {
    check(
        "interval",
        cfg(),
        &[
            Add(1, 100, 1_000.0),
            Wake(Some(6_000.0)),
            Add(1, 100, 4_000.0),
            Wake(Some(6_000.0)),
            Poll(5_999.0, 0),
            Poll(6_000.0, 2),
            Wake(None),
        ],
    );
}

#[test]
fn explicit_flush_sends_at_once_and_one_request_at_a_time() {
    check(
        "flush",
        cfg(),
        &[
            Poll(0.0, 0),
            Flush,
            Poll(0.0, 0),
            Add(2, 100, 0.0),
            Flush,
            Poll(0.0, 2),
            Add(25, 100, 1.0),
            Poll(1.0, 0),
            Reply(2.0, 0.0, status(202), delivered(2)),
            Len(25),
            Poll(2.0, 25),
        ],
    );
}

#[test]
fn success_removes_only_the_events_sent() {
    let added_during_flight: &[usize] = &[2, 3];
    check(
        "2xx",
        cfg(),
        &[
            Add(2, 100, 0.0),
            Flush,
            Poll(0.0, 2),
            Add(2, 100, 1.0),
            Reply(2.0, 0.0, OK, delivered(2)),
            Queue(added_during_flight),
            Poll(2.0, 0),
            Wake(Some(5_001.0)),
        ],
    );
}

#[test]
fn retries_with_jittered_exponential_backoff() {
    check(
        "backoff",
        cfg(),
        &[
            Add(1, 100, 0.0),
            Flush,
            Poll(0.0, 1),
            // 1st failure: d = 1 s, waits d/2 + rand·d/2.
            Reply(0.0, 0.0, NET, retry(500.0)),
            Wake(Some(500.0)),
            Add(30, 100, 100.0),
            Poll(499.0, 0),
            Poll(500.0, 31),
            // 2nd: d = 2 s.
            Reply(500.0, 0.5, status(503), retry(2_000.0)),
            Poll(2_000.0, 31),
            // 3rd: d = 4 s.
            Reply(2_000.0, 0.0, status(408), retry(4_000.0)),
            Poll(4_000.0, 31),
            Len(31),
            Reply(5_000.0, 0.0, OK, delivered(31)),
            // Success resets the schedule.
            Add(1, 100, 6_000.0),
            Flush,
            Poll(6_000.0, 1),
            Reply(6_000.0, 0.0, status(500), retry(6_500.0)),
        ],
    );
}

#[test]
fn backoff_schedule_is_capped() {
    let cases = [
        (1, 0.0, 500.0),
        (1, 0.999, 999.5),
        (2, 0.0, 1_000.0),
        (6, 0.0, 16_000.0),
        (7, 0.0, 30_000.0),
        (7, 1.0, 60_000.0),
        (8, 0.5, 45_000.0),
        (50, 0.0, 30_000.0),
        (u32::MAX, 2.0, 60_000.0),
    ];
    for (failures, rand, expect) in cases {
        assert_eq!(
            backoff_ms(failures, rand),
            expect,
            "failures {failures}, rand {rand}"
        );
    }
}

#[test]
fn honours_retry_after() {
    let after = |code, s| Response::Status {
        code,
        retry_after_s: Some(s),
    };
    check(
        "retry-after",
        cfg(),
        &[
            Add(1, 100, 0.0),
            Flush,
            Poll(0.0, 1),
            Reply(10.0, 0.9, after(429, 7.0), retry(7_010.0)),
            Poll(7_000.0, 0),
            Poll(7_010.0, 1),
            Reply(8_000.0, 0.0, after(503, 86_400.0), retry(308_000.0)),
        ],
    );
}

#[test]
fn drops_a_batch_refused_with_4xx() {
    check(
        "4xx",
        cfg(),
        &[
            Add(3, 100, 0.0),
            Flush,
            Poll(0.0, 3),
            Add(1, 100, 1.0),
            Reply(2.0, 0.0, status(400), dropped(3, 400)),
            Queue(&[3]),
            Flush,
            Poll(3.0, 1),
            Reply(4.0, 0.0, status(401), dropped(1, 401)),
            Len(0),
            Reply(5.0, 0.0, OK, Outcome::Ignored),
        ],
    );
}

#[test]
fn cuts_batches_below_the_body_limit() {
    check(
        "480 KB",
        cfg(),
        &[
            Add(40, 30_000, 0.0),
            Poll(0.0, 16),
            Reply(1.0, 0.0, OK, delivered(16)),
            Poll(1.0, 16),
            Reply(2.0, 0.0, OK, delivered(16)),
            // Eight left: below flush_at, but the interval has not passed.
            Poll(2.0, 0),
            Poll(5_000.0, 8),
        ],
    );
}

#[test]
fn beacons_carry_every_event_in_chunks_and_keep_them_queued() {
    check(
        "beacon",
        cfg(),
        &[
            Beacons(&[]),
            Add(3, 100, 0.0),
            Beacons(&[3]),
            Add(7, 25_000, 0.0),
            Flush,
            Poll(0.0, 10),
            // 60 KB holds two 25 KB events plus the small ones, then two per chunk.
            Beacons(&[5, 2, 2, 1]),
            Len(10),
            Reply(1.0, 0.0, OK, delivered(10)),
            Beacons(&[]),
        ],
    );
}

#[test]
fn capacity_refuses_new_events_and_counts_them_until_a_2xx_confirms_the_report() {
    let small = |max_queue, max_bytes| Config {
        max_queue,
        max_bytes,
        ..cfg()
    };
    let cases: &[(&str, Config, &[Step])] = &[
        (
            "event cap",
            small(3, MAX_QUEUE_BYTES),
            &[
                Add(5, 50, 0.0),
                Queue(&[0, 1, 2]),
                Cap(2),
                Flush,
                Poll(0.0, 3),
                // More drops while the report is in flight stay counted after its 2xx.
                Add(4, 50, 0.0),
                Cap(6),
                Reply(1.0, 0.0, OK, delivered(3)),
                Cap(4),
                Len(0),
                Add(2, 50, 2.0),
                Queue(&[9, 10]),
                Cap(4),
            ],
        ),
        (
            "byte cap",
            small(MAX_QUEUE, 250),
            &[
                Add(3, 100, 0.0),
                Len(2),
                Cap(1),
                Add(1, 40, 0.0),
                Len(3),
                Cap(1),
            ],
        ),
        (
            "a failed report is repeated",
            small(1, MAX_QUEUE_BYTES),
            &[
                Add(3, 50, 0.0),
                Flush,
                Poll(0.0, 1),
                Reply(1.0, 0.0, NET, retry(501.0)),
                Cap(2),
                Poll(501.0, 1),
                Reply(502.0, 0.0, OK, delivered(1)),
                Cap(0),
            ],
        ),
        (
            "a refused batch keeps the counts",
            small(1, MAX_QUEUE_BYTES),
            &[
                Add(2, 50, 0.0),
                Flush,
                Poll(0.0, 1),
                Reply(1.0, 0.0, status(400), dropped(1, 400)),
                Cap(1),
            ],
        ),
        (
            "defaults: 10,000 events",
            cfg(),
            &[Add(10_001, 60, 0.0), Len(10_000), Cap(1)],
        ),
        (
            "defaults: 2 MiB",
            cfg(),
            &[Add(1_100, 2_000, 0.0), Len(1_048), Cap(52)],
        ),
    ];
    for (name, cfg, steps) in cases {
        check(name, cfg.clone(), steps);
    }
}

#[test]
fn adopted_counts_and_sequence_numbers() {
    let mut engine = Engine::new(cfg());
    engine.add_dropped(Dropped {
        capacity: 2,
        storage: 3,
    });
    for n in 0..3 {
        let (id, json) = event(n, 50);
        assert!(engine.enqueue(id, json, 0.0).expect("valid"));
    }
    assert_eq!((engine.head(), engine.next_seq()), (0, 3));
    let from_one: Vec<&str> = engine.entries_from(1).map(|(id, _)| id).collect();
    assert_eq!(from_one, ["e1", "e2"]);
    engine.request_flush();
    let req = engine.poll(0.0).expect("due");
    assert!(req.body.contains(r#""dropped":{"capacity":2,"storage":3}"#));
    engine.on_response(OK, 1.0, 0.0);
    assert_eq!((engine.head(), engine.next_seq()), (3, 3));
    assert!(engine.dropped().is_empty());
    assert_eq!(engine.entries_from(0).count(), 0);
}

#[test]
fn refuses_an_event_over_the_per_event_limit() {
    let mut engine = Engine::new(cfg());
    let (id, json) = event(0, MAX_EVENT_BYTES + 1);
    assert!(matches!(
        engine.enqueue(id, json, 0.0),
        Err(SdkError::EventTooLarge)
    ));
    assert!(engine.is_empty());
}

#[test]
fn persistence_round_trip() {
    let mut first = Engine::new(cfg());
    for n in 0..3 {
        let (id, json) = event(n, 80);
        first.enqueue(id, json, 0.0).expect("fits");
    }
    let saved = first.export();
    let with_ids = |texts: &[String]| -> Vec<(String, String)> {
        texts
            .iter()
            .map(|t| (format!("e{}", index_of(t)), t.clone()))
            .collect()
    };

    let mut second = Engine::new(cfg());
    second.import(with_ids(&saved), 10.0);
    assert_eq!(second.export(), saved);
    assert_eq!(second.next_wakeup(), Some(5_010.0));
    // Beyond the capacity, imported events are counted like new ones.
    let mut third = Engine::new(Config {
        max_queue: 2,
        ..cfg()
    });
    third.import(with_ids(&saved), 0.0);
    assert_eq!((third.len(), third.dropped().capacity), (2, 1));
}

#[test]
fn the_engine_does_not_touch_the_browser() {
    let source = include_str!("../engine.rs");
    for banned in ["web_sys", "js_sys", "wasm_bindgen"] {
        assert!(!source.contains(banned), "engine.rs mentions {banned}");
    }
}
