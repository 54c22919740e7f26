//! Rendering decisions: one shadow-DOM host, the messages on screen, and their interactions.
//!
//! The host `<div data-cairn-root>` holds an open shadow root styled by an adopted
//! constructable stylesheet. One delegated click listener on the shadow root and one
//! `keydown` listener on the document serve every message; they report to the shell.

mod dom;
mod style;

use js_sys::Array;
use protocol::v1::{MessageAction, MessageDto, SurfaceDto};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CssStyleSheet, Document, Element, Event, HtmlElement, KeyboardEvent, ShadowRoot};

use crate::error::SdkError;
use crate::js;
use crate::shell;

/// A message on screen.
#[derive(Debug)]
struct Shown {
    campaign: String,
    surface: SurfaceDto,
    root: Element,
    cta_url: Option<String>,
    /// What had focus before a modal took it.
    restore: Option<HtmlElement>,
}

/// The messages of this page session.
#[derive(Debug)]
pub(crate) struct Renderer {
    host: Element,
    shadow: ShadowRoot,
    shown: Vec<Shown>,
    /// Campaigns dismissed or clicked in this page session: not shown again.
    closed: Vec<String>,
    next_id: u32,
}

impl Renderer {
    /// Creates the (still detached) host and installs the listeners.
    pub(crate) fn new(doc: &Document) -> Result<Self, SdkError> {
        let host = doc.create_element("div")?;
        host.set_attribute("data-cairn-root", "")?;
        let shadow = host.attach_shadow(js::object(&[("mode", "open")]).unchecked_ref())?;
        let sheet = CssStyleSheet::new()?;
        sheet.replace_sync(style::CSS)?;
        shadow.set_adopted_style_sheets(&Array::of1(&sheet));
        listen(doc, &shadow)?;
        Ok(Self {
            host,
            shadow,
            shown: Vec::new(),
            closed: Vec::new(),
            next_id: 0,
        })
    }

    /// Renders every message not on screen and not closed in this page session.
    /// Returns the campaigns it rendered.
    pub(crate) fn show(&mut self, doc: &Document, messages: &[MessageDto]) -> Vec<String> {
        let mut rendered = Vec::new();
        for message in messages {
            let campaign = &message.campaign;
            if self.closed.contains(campaign) || self.shown.iter().any(|s| &s.campaign == campaign)
            {
                continue;
            }
            if self.show_one(doc, message).is_ok() {
                rendered.push(campaign.clone());
            }
        }
        rendered
    }

    fn show_one(&mut self, doc: &Document, message: &MessageDto) -> Result<(), SdkError> {
        if !self.host.is_connected() {
            doc.body()
                .ok_or(SdkError::NotInitialized)?
                .append_child(&self.host)?;
        }
        self.next_id += 1;
        let built = dom::build(doc, message, self.next_id)?;
        let restore = match built.focus {
            Some(_) => doc
                .active_element()
                // SVG and MathML elements have `focus()` too.
                .map(|e| e.unchecked_into::<HtmlElement>()),
            None => None,
        };
        self.shadow.append_child(&built.root)?;
        if let Some(focus) = &built.focus {
            let _ = focus.focus();
        }
        self.shown.push(Shown {
            campaign: message.campaign.clone(),
            surface: message.surface,
            root: built.root,
            cta_url: message.content.cta.as_ref().and_then(|c| c.url.clone()),
            restore,
        });
        Ok(())
    }

    /// Removes `campaign`'s message for the rest of the page session. Returns its CTA URL
    /// (`Some(None)` when it has none), or `None` when it was not on screen.
    pub(crate) fn close(&mut self, campaign: &str) -> Option<Option<String>> {
        let index = self.shown.iter().position(|s| s.campaign == campaign)?;
        let shown = self.shown.remove(index);
        shown.root.remove();
        if let Some(el) = shown.restore.filter(|e| e.is_connected()) {
            let _ = el.focus();
        }
        self.closed.push(shown.campaign);
        Some(shown.cta_url)
    }

    /// The campaign of the modal rendered last and still open.
    pub(crate) fn top_modal(&self) -> Option<String> {
        self.shown
            .iter()
            .rev()
            .find(|s| s.surface == SurfaceDto::Modal)
            .map(|s| s.campaign.clone())
    }
}

/// Clicks inside the shadow root (buttons, overlay) and Esc anywhere in the document.
fn listen(doc: &Document, shadow: &ShadowRoot) -> Result<(), SdkError> {
    let on_click = Closure::<dyn Fn(Event)>::new(|event: Event| {
        if let Some((campaign, action)) = clicked(&event) {
            shell::message_action(campaign, action);
        }
    });
    js::listen(shadow, "click", on_click.as_ref(), false)?;
    on_click.forget();

    let on_key = Closure::<dyn Fn(KeyboardEvent)>::new(|event: KeyboardEvent| {
        if event.key() == "Escape" {
            shell::escape();
        }
    });
    js::listen(doc, "keydown", on_key.as_ref(), false)?;
    on_key.forget();
    Ok(())
}

/// Which message a click is about, and what it means.
fn clicked(event: &Event) -> Option<(String, MessageAction)> {
    let target: Element = event.target()?.dyn_into().ok()?;
    if let Some(campaign) = target.get_attribute("data-cairn-overlay") {
        return Some((campaign, MessageAction::Dismissed));
    }
    let button = target.closest("[data-cairn-action]").ok()??;
    let message = button.closest("[data-cairn-message]").ok()??;
    let campaign = message.get_attribute("data-cairn-message")?;
    let action = match button.get_attribute("data-cairn-action")?.as_str() {
        "cta" => MessageAction::Clicked,
        _ => MessageAction::Dismissed,
    };
    Some((campaign, action))
}

/// Follows a CTA link when it is safe: `http(s)://…`, a same-origin path, or a `#fragment`.
pub(crate) fn navigate(url: &str) {
    if !safe_url(url) {
        return;
    }
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
}

/// `javascript:`, `data:` and protocol-relative (`//host`) links are refused.
fn safe_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let bytes = url.as_bytes();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || url.starts_with('#')
        || (url.starts_with('/') && !matches!(bytes.get(1), Some(b'/' | b'\\')))
}

#[cfg(test)]
mod tests {
    use super::safe_url;

    #[test]
    fn only_http_same_origin_and_fragment_links_are_followed() {
        let cases = [
            ("https://example.com/plans", true),
            ("HTTP://example.com", true),
            ("/#plans", true),
            ("/settings/billing", true),
            ("#new", true),
            ("/", true),
            ("//evil.example", false),
            ("/\\evil.example", false),
            ("javascript:alert(1)", false),
            ("JaVaScRiPt:alert(1)", false),
            ("data:text/html,x", false),
            (" https://example.com", false),
            ("plans", false),
            ("", false),
            ("héllo", false),
        ];
        for (url, safe) in cases {
            assert_eq!(safe_url(url), safe, "{url}");
        }
    }
}
