//! Building events as `protocol::v1::EventDto` and encoding each once to its JSON text.

use js_sys::{Date, JSON, Reflect};
use protocol::v1::{EventDto, EventType, MessageAction};
use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use wasm_bindgen::{JsCast, JsValue};

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
    EventDto {
        id: uuid(),
        kind,
        user_id: who.user_id.clone(),
        account_id: who.account_id.clone(),
        // Integer milliseconds: serialised as a JS number (safe integer), never a BigInt.
        timestamp: Date::now() as i64,
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

/// `crypto.randomUUID()`, or a v4 UUID from `Math.random` where `randomUUID` is missing
/// (pages served over plain HTTP are not secure contexts). Ids only need to be unique.
pub(crate) fn uuid() -> String {
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    let native = crypto.and_then(|crypto| {
        let f = Reflect::get(&crypto, &JsValue::from_str("randomUUID")).ok()?;
        f.dyn_into::<js_sys::Function>()
            .ok()?
            .call0(&crypto)
            .ok()?
            .as_string()
    });
    if let Some(id) = native {
        return id;
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for i in 0..32 {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        let nibble = match i {
            12 => 4,
            16 => 8 | (js_sys::Math::random() * 4.0) as usize,
            _ => (js_sys::Math::random() * 16.0) as usize,
        };
        out.push(char::from(HEX[nibble & 15]));
    }
    out
}
