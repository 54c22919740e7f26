//! A minimal serde `Serializer` that writes an event (`protocol::v1::EventDto`) as JSON text.
//!
//! It supports what events are made of (structs, strings, integers, unit variants, options)
//! and refuses floats, so Rust's float formatting never enters the module. Host-provided
//! `properties` / `traits` arrive as a [`RAW_JSON`] newtype holding their `JSON.stringify`
//! text, which is written as is. Field names come from `protocol`'s derived `Serialize`.

use std::fmt;

use protocol::escape_json_string;
use serde::ser::{self, Impossible, Serialize, SerializeStruct};

/// Newtype-struct name whose (string) content is already JSON and is written unescaped.
pub(crate) const RAW_JSON: &str = "$cairn::RawJson";

/// Appends `v` as a JSON string. Most strings (ids, names, keys) need no escape: they are
/// copied in one go instead of character by character.
fn push_str_json(out: &mut String, v: &str) {
    if v.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.reserve(v.len() + 2);
        out.push('"');
        out.push_str(v);
        out.push('"');
    } else {
        out.push_str(&escape_json_string(v));
    }
}

/// `value` as JSON text.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String, Unsupported> {
    let mut out = String::with_capacity(256);
    value.serialize(Json {
        out: &mut out,
        raw: false,
    })?;
    Ok(out)
}

/// A value events never contain (floats, maps, sequences, …), or a failed `JSON.stringify`.
#[derive(Debug)]
pub(crate) struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("value cannot be encoded")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Unsupported
    }
}

struct Json<'a> {
    out: &'a mut String,
    /// The next string is JSON text already.
    raw: bool,
}

impl<'a> Json<'a> {
    fn int(self, text: &str) -> Result<(), Unsupported> {
        self.out.push_str(text);
        Ok(())
    }
}

type No = Impossible<(), Unsupported>;

impl<'a> ser::Serializer for Json<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = No;
    type SerializeTuple = No;
    type SerializeTupleStruct = No;
    type SerializeTupleVariant = No;
    type SerializeMap = No;
    type SerializeStruct = Fields<'a>;
    type SerializeStructVariant = No;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.int(if v { "true" } else { "false" })
    }

    fn serialize_i8(self, v: i8) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<(), Unsupported> {
        self.int(&protocol::v1::int_text(v))
    }

    fn serialize_u8(self, v: u8) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<(), Unsupported> {
        self.serialize_i64(i64::try_from(v).map_err(|_| Unsupported)?)
    }

    fn serialize_f32(self, _v: f32) -> Result<(), Unsupported> {
        Err(Unsupported)
    }

    fn serialize_f64(self, _v: f64) -> Result<(), Unsupported> {
        Err(Unsupported)
    }

    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        if self.raw {
            self.out.push_str(v);
        } else {
            push_str_json(self.out, v);
        }
        Ok(())
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Unsupported> {
        Err(Unsupported)
    }

    fn serialize_none(self) -> Result<(), Unsupported> {
        self.int("null")
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.serialize_none()
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Unsupported> {
        self.serialize_none()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        let raw = name == RAW_JSON;
        value.serialize(Json { out: self.out, raw })
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Unsupported> {
        Err(Unsupported)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<No, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_tuple(self, _len: usize) -> Result<No, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<No, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<No, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<No, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Fields<'a>, Unsupported> {
        self.out.push('{');
        Ok(Fields {
            out: self.out,
            first: true,
        })
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<No, Unsupported> {
        Err(Unsupported)
    }
}

/// The fields of a struct being written.
pub(crate) struct Fields<'a> {
    out: &'a mut String,
    first: bool,
}

impl SerializeStruct for Fields<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        push_str_json(self.out, key);
        self.out.push(':');
        value.serialize(Json {
            out: self.out,
            raw: false,
        })
    }

    fn end(self) -> Result<(), Unsupported> {
        self.out.push('}');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::v1::{EventDto, EventType, MessageAction};

    /// Stands in for `JsProps`: already-encoded JSON.
    struct Raw(&'static str);

    impl Serialize for Raw {
        fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_newtype_struct(RAW_JSON, self.0)
        }
    }

    fn event(kind: EventType) -> EventDto<Raw> {
        EventDto {
            id: "0189c4f2-6b9e-7d7a-9c1e-2f3b4a5c6d7e".to_owned(),
            kind,
            user_id: "u\"1".to_owned(),
            account_id: "acme".to_owned(),
            timestamp: 1_773_576_000_000,
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

    #[test]
    fn events_encode_as_the_protocol_names_them() {
        let mut track = event(EventType::Track);
        track.name = Some("create_expense".to_owned());
        track.properties = Some(Raw(r#"{"source":"click","n":1.5}"#));
        let mut message = event(EventType::Message);
        message.campaign = Some("welcome".to_owned());
        message.action = Some(MessageAction::Dismissed);
        let head = r#"{"id":"0189c4f2-6b9e-7d7a-9c1e-2f3b4a5c6d7e","#;
        let cases = [
            (
                track,
                r#""type":"track","user_id":"u\"1","account_id":"acme","timestamp":1773576000000,"name":"create_expense","properties":{"source":"click","n":1.5}}"#,
            ),
            (
                message,
                r#""type":"message","user_id":"u\"1","account_id":"acme","timestamp":1773576000000,"campaign":"welcome","action":"dismissed"}"#,
            ),
        ];
        for (event, tail) in cases {
            let json = to_json(&event).expect("encodes");
            assert_eq!(json, [head, tail].concat());
            assert!(protocol::v1::validate_event(&json).is_ok(), "{json}");
        }
    }

    #[test]
    fn floats_are_refused() {
        assert!(to_json(&1.5f64).is_err());
    }
}
