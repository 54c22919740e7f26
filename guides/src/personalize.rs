//! Personalisation: fills a message's `{{user.…}}` / `{{account.…}}` variables from the
//! traits the host app gave the SDK (`init`, `identify`, `group`), before rendering.
//!
//! Bodies are filled with escaped values (`markup::fill`), so a trait is only ever text.

use browser::js;
use js_sys::Number;
use protocol::v1::MessageDto;
use wasm_bindgen::JsValue;

use crate::markup::fill as fill_text;

/// A variable's value: a string, a number or a boolean trait; `None` for anything else.
fn lookup(vars: &JsValue, path: &str) -> Option<String> {
    let (scope, key) = path.split_once('.')?;
    let value = js::get(&js::get(vars, scope), key);
    if let Some(s) = value.as_string() {
        return Some(s);
    }
    if value.as_f64().is_some() {
        return Number::from(value)
            .to_string_with_radix(10)
            .ok()
            .map(String::from);
    }
    value
        .as_bool()
        .map(|b| if b { "true" } else { "false" }.to_owned())
}

/// Fills every text of `m` (title, body, labels, steps, tasks, survey).
pub(crate) fn fill(m: &mut MessageDto, vars: &JsValue) {
    let var = |path: &str| lookup(vars, path);
    let text = |s: &mut String| *s = fill_text(s, &var, false);
    let body = |s: &mut String| *s = fill_text(s, &var, true);
    let c = &mut m.content;
    text(&mut c.title);
    body(&mut c.body);
    if let Some(cta) = &mut c.cta {
        text(&mut cta.label);
    }
    if let Some(label) = &mut c.dismiss_label {
        text(label);
    }
    if let Some(q) = &mut c.survey {
        text(&mut q.question);
    }
    for s in &mut c.steps {
        text(&mut s.title);
        body(&mut s.body);
    }
    for t in &mut c.tasks {
        text(&mut t.label);
    }
}
