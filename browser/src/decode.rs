//! A minimal serde `Deserializer` over a parsed `JsValue`, for the edge's responses.
//!
//! It does what `serde_wasm_bindgen::from_value` does for plain JSON data, but its error
//! carries no message: formatting serde's error messages (`invalid type: floating point …`)
//! pulls Rust's float formatting into the module, which alone would cost ~8 KB gzipped.
//! The `protocol` types keep their derived `Deserialize`: field names stay in `protocol`.

use std::fmt;

use js_sys::{Array, Object};
use serde::de::value::StringDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::forward_to_deserialize_any;
use wasm_bindgen::{JsCast, JsValue};

/// `value` (the result of `JSON.parse`) as `T`; `None` when it does not fit.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    T::deserialize(De(value)).ok()
}

/// The value did not have the expected shape.
#[derive(Debug)]
pub struct Mismatch;

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unexpected response shape")
    }
}

impl std::error::Error for Mismatch {}

impl de::Error for Mismatch {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Mismatch
    }
}

/// Largest integer a JS number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

struct De(JsValue);

impl De {
    /// The value as an integer, when it is one a JS number holds exactly.
    #[inline(never)]
    fn integer(&self) -> Result<f64, Mismatch> {
        match self.0.as_f64() {
            Some(n) if n.fract() == 0.0 && n.abs() <= MAX_SAFE => Ok(n),
            _ => Err(Mismatch),
        }
    }

    #[inline(never)]
    fn string(&self) -> Result<String, Mismatch> {
        self.0.as_string().ok_or(Mismatch)
    }
}

/// Each method accepts exactly the JSON type its Rust type needs, so every visitor
/// instantiates one small branch (the protocol's responses need no self-describing `any`).
impl<'de> de::Deserializer<'de> for De {
    type Error = Mismatch;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        if let Some(b) = self.0.as_bool() {
            visitor.visit_bool(b)
        } else if let Some(n) = self.0.as_f64() {
            visitor.visit_f64(n)
        } else if self.0.is_string() {
            visitor.visit_string(self.string()?)
        } else if Array::is_array(&self.0) {
            self.deserialize_seq(visitor)
        } else if self.0.is_object() {
            self.deserialize_map(visitor)
        } else {
            visitor.visit_unit()
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        visitor.visit_bool(self.0.as_bool().ok_or(Mismatch)?)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        let n = self.integer()?;
        if n < 0.0 {
            return Err(Mismatch);
        }
        visitor.visit_u64(n as u64)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        visitor.visit_i64(self.integer()? as i64)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        visitor.visit_string(self.string()?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        self.deserialize_string(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        if !Array::is_array(&self.0) {
            return Err(Mismatch);
        }
        let items: Array = self.0.unchecked_into();
        visitor.visit_seq(Items {
            len: items.length(),
            items,
            next: 0,
        })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        if !self.0.is_object() || Array::is_array(&self.0) {
            return Err(Mismatch);
        }
        let entries = Object::entries(self.0.unchecked_ref());
        visitor.visit_map(Entries {
            len: entries.length(),
            entries,
            next: 0,
            value: JsValue::UNDEFINED,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Mismatch> {
        self.deserialize_map(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Mismatch> {
        visitor.visit_newtype_struct(self)
    }

    /// Unit variants only (`"modal"`), which is all the protocol's enums use.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Mismatch> {
        let variant: StringDeserializer<Mismatch> = self.string()?.into_deserializer();
        visitor.visit_enum(variant)
    }

    /// Unknown fields are skipped without being read.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        i8 i16 i32 i128 u8 u16 u128 f32 f64 char bytes byte_buf unit unit_struct tuple
        tuple_struct
    }
}

/// The elements of an array.
struct Items {
    items: Array,
    len: u32,
    next: u32,
}

impl<'de> SeqAccess<'de> for Items {
    type Error = Mismatch;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Mismatch> {
        if self.next >= self.len {
            return Ok(None);
        }
        let item = self.items.get(self.next);
        self.next += 1;
        seed.deserialize(De(item)).map(Some)
    }
}

/// The `[key, value]` pairs of `Object.entries`.
struct Entries {
    entries: Array,
    len: u32,
    next: u32,
    value: JsValue,
}

impl<'de> MapAccess<'de> for Entries {
    type Error = Mismatch;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Mismatch> {
        if self.next >= self.len {
            return Ok(None);
        }
        let pair: Array = self.entries.get(self.next).unchecked_into();
        self.next += 1;
        self.value = pair.get(1);
        seed.deserialize(De(pair.get(0))).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Mismatch> {
        let value = std::mem::replace(&mut self.value, JsValue::UNDEFINED);
        seed.deserialize(De(value))
    }
}
