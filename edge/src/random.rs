//! Randomness from the runtime's Web Crypto (`crypto.getRandomValues`), for seeds, nonces
//! and webhook secrets. Never falls back to anything predictable: no crypto, no value.

use worker::js_sys::{Function, Reflect, Uint8Array, global};
use worker::wasm_bindgen::{JsCast, JsValue};

use crate::error::AppError;

/// `N` random bytes.
pub fn bytes<const N: usize>() -> Result<[u8; N], AppError> {
    let fail = |_| AppError::Internal("crypto.getRandomValues is unavailable".into());
    let crypto = Reflect::get(&global(), &JsValue::from_str("crypto")).map_err(fail)?;
    let get: Function = Reflect::get(&crypto, &JsValue::from_str("getRandomValues"))
        .map_err(fail)?
        .dyn_into()
        .map_err(fail)?;
    let array = Uint8Array::new_with_length(N as u32);
    get.call1(&crypto, &array).map_err(fail)?;
    let mut out = [0u8; N];
    array.copy_to(&mut out);
    Ok(out)
}

/// 32 random hex characters.
pub fn hex16() -> Result<String, AppError> {
    Ok(bytes::<16>()?.iter().map(|b| format!("{b:02x}")).collect())
}
