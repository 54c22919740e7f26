//! What the SDK's two wasm modules share: the core (`sdk`, tracking) and the lazily loaded
//! guides (`guides`, rendering) each link the parts they use.
//!
//! `decode` reads parsed JSON into `protocol` types, `js` keeps browser imports few, and
//! `bridge` is the small contract of the calls `pkg/src/index.js` relays between the modules.

pub mod bridge;
pub mod decode;
pub mod js;
