//! Building events as `protocol::v1::EventDto` and encoding each once to its JSON text.

use std::cell::Cell;

use js_sys::{Date, JSON};
use protocol::v1::{EventDto, EventType, MessageAction};
use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use wasm_bindgen::JsValue;

use crate::encode::{RAW_JSON, to_json};
use crate::error::SdkError;

/// `properties` and `traits`: the JS object the host passed. It serialises as its
/// `JSON.stringify` text (see [`RAW_JSON`]), so host values never round-trip through Rust.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JsProps(pub(crate) JsValue);

impl Serialize for JsProps {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Throws on cycles and BigInts.
        let text = JSON::stringify(&self.0)
            .ok()
            .and_then(|t| t.as_string())
            .ok_or_else(|| S::Error::custom("not JSON"))?;
        serializer.serialize_newtype_struct(RAW_JSON, text.as_str())
    }
}

/// An event of the browser SDK.
pub(crate) type Event = EventDto<JsProps>;

/// Who the events are about.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub(crate) user_id: String,
    pub(crate) account_id: String,
}

/// A new event of `kind` for `who`, stamped with a fresh UUID and the client clock.
pub(crate) fn new_event(kind: EventType, who: &Identity) -> Event {
    new_event_at(kind, who, Date::now())
}

/// [`new_event`] at `time` (ms since the epoch, as `Date.now()` read it).
pub(crate) fn new_event_at(kind: EventType, who: &Identity, time: f64) -> Event {
    EventDto {
        id: uuid(),
        kind,
        user_id: who.user_id.clone(),
        account_id: who.account_id.clone(),
        // Integer milliseconds: serialised as a JS number (safe integer), never a BigInt.
        timestamp: time as i64,
        name: None,
        properties: None,
        traits: None,
        campaign: None,
        action: None,
        score: None,
        comment: None,
        step: None,
    }
}

/// A `message` event: `campaign` was shown, clicked or dismissed.
pub(crate) fn message_event(who: &Identity, campaign: &str, action: MessageAction) -> Event {
    let mut event = new_event(EventType::Message, who);
    event.campaign = Some(campaign.to_owned());
    event.action = Some(action);
    event
}

/// A `message` event with action `step`: the tour step reached.
pub(crate) fn step_event(who: &Identity, campaign: &str, step: u32) -> Event {
    let mut event = message_event(who, campaign, MessageAction::Step);
    event.step = Some(step);
    event
}

/// A `survey` event: the answer to a survey message.
pub(crate) fn survey_event(
    who: &Identity,
    campaign: &str,
    score: u32,
    comment: Option<String>,
) -> Event {
    let mut event = new_event(EventType::Survey, who);
    event.campaign = Some(campaign.to_owned());
    event.score = Some(score);
    event.comment = comment;
    event
}

/// The event's JSON text, exactly as it goes on the wire.
pub(crate) fn encode(event: &Event) -> Result<String, SdkError> {
    to_json(event).map_err(|_| SdkError::InvalidArgument("properties"))
}

thread_local! {
    /// The state of the id generator (xoroshiro128++), seeded once per page.
    static RNG: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

/// 128 bits from `crypto.getRandomValues`, or from `Math.random` where Web Crypto is missing.
fn seed() -> (u64, u64) {
    let mut bytes = [0u8; 16];
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    if crypto.is_none_or(|c| c.get_random_values_with_u8_array(&mut bytes).is_err()) {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    let (lo, hi) = bytes.split_at(8);
    let word = |part: &[u8]| part.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    // The all-zero state is the generator's only fixed point.
    (word(lo) | 1, word(hi))
}

/// The next 64 random bits.
fn next_u64() -> u64 {
    RNG.with(|cell| {
        let (mut s0, mut s1) = cell.get();
        if (s0, s1) == (0, 0) {
            (s0, s1) = seed();
        }
        let out = s0.wrapping_add(s1).rotate_left(17).wrapping_add(s0);
        s1 ^= s0;
        s0 = s0.rotate_left(49) ^ s1 ^ (s1 << 21);
        s1 = s1.rotate_left(28);
        cell.set((s0, s1));
        out
    })
}

/// A random (v4) UUID from a generator seeded once from Web Crypto: no call into the browser
/// per event (`crypto.randomUUID()` cost two boundary crossings and a string copy). Ids only
/// need to be unique; 128 bits of seed make two pages' sequences overlap with negligible
/// probability.
pub(crate) fn uuid() -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let (a, b) = (next_u64(), next_u64());
    // Version 4 and the RFC 4122 variant.
    let a = (a & !0xf000) | 0x4000;
    let b = (b & !(0xc << 60)) | (0x8 << 60);
    let mut out = String::with_capacity(36);
    for i in 0..32 {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        let word = if i < 16 { a } else { b };
        let nibble = (word >> (60 - 4 * (i % 16))) & 15;
        out.push(char::from(HEX[nibble as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_v4_and_distinct() {
        RNG.with(|c| c.set((0x0123_4567_89ab_cdef, 42)));
        let ids: Vec<String> = (0..1_000).map(|_| uuid()).collect();
        for id in &ids {
            let b = id.as_bytes();
            assert_eq!(id.len(), 36, "{id}");
            assert_eq!(
                (b[8], b[13], b[18], b[23]),
                (b'-', b'-', b'-', b'-'),
                "{id}"
            );
            assert_eq!(b[14], b'4', "{id}");
            assert!(matches!(b[19], b'8' | b'9' | b'a' | b'b'), "{id}");
        }
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
    }
}
