//! Building one message's DOM (modal or banner) with text-only DOM APIs.
//!
//! Remote strings only ever reach `textContent`, text nodes and attribute values, never HTML
//! parsing (bodies go through `rich`).

use protocol::v1::{MessageDto, SurfaceDto};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

use super::rich;
use crate::error::GuidesError;

/// A rendered message: the element to remove and the element to focus.
#[derive(Debug)]
pub(super) struct Built {
    /// The outermost element (the overlay of a modal, the banner itself).
    pub(crate) root: Element,
    /// The modal's first button.
    pub(crate) focus: Option<HtmlElement>,
}

/// Builds `message` inside a new detached element; `n` makes its ARIA ids unique.
pub(super) fn build(doc: &Document, message: &MessageDto, n: u32) -> Result<Built, GuidesError> {
    match message.surface {
        SurfaceDto::Modal => modal(doc, message, n),
        // The other surfaces are built by `surfaces`; a banner is the safe fallback.
        _ => banner(doc, message),
    }
}

fn modal(doc: &Document, message: &MessageDto, n: u32) -> Result<Built, GuidesError> {
    let (campaign, content) = (message.campaign.as_str(), &message.content);
    let n = i64::from(n).to_string();
    let mut title_id = String::from("cairn-t");
    title_id.push_str(&n);
    let mut body_id = String::from("cairn-b");
    body_id.push_str(&n);
    // A `<dialog>` opened with `showModal()` (see `Renderer::show_one`): the browser's top
    // layer, so no host z-index covers it, the rest of the page inert, focus kept inside.
    // Clicks on its backdrop target the `<dialog>` itself (it has no padding).
    let overlay = element(
        doc,
        "dialog",
        None,
        &[
            ("data-cairn-overlay", campaign),
            ("aria-labelledby", &title_id),
            ("aria-describedby", &body_id),
        ],
        None,
    )?;
    let dialog = element(
        doc,
        "div",
        Some(&overlay),
        &[
            ("data-cairn-message", campaign),
            ("data-cairn-surface", "modal"),
        ],
        None,
    )?;
    let close = close_button(doc, &dialog)?;
    element(
        doc,
        "h2",
        Some(&dialog),
        &[("id", &title_id)],
        Some(&content.title),
    )?;
    rich::body(doc, &dialog, &body_id, &content.body)?;
    let actions = element(
        doc,
        "div",
        Some(&dialog),
        &[("data-cairn-actions", "")],
        None,
    )?;
    if let Some(cta) = &content.cta {
        button(doc, &actions, "cta", &cta.label)?;
    }
    if message.snooze {
        button(doc, &actions, "snooze", "Remind me later")?;
    }
    let dismiss = content.dismiss_label.as_deref().unwrap_or("Dismiss");
    button(doc, &actions, "dismiss", dismiss)?;
    Ok(Built {
        root: overlay,
        focus: Some(close.unchecked_into::<HtmlElement>()),
    })
}

fn banner(doc: &Document, message: &MessageDto) -> Result<Built, GuidesError> {
    let (campaign, content) = (message.campaign.as_str(), &message.content);
    let banner = element(
        doc,
        "div",
        None,
        &[
            ("data-cairn-message", campaign),
            ("data-cairn-surface", "banner"),
            ("role", "status"),
        ],
        None,
    )?;
    element(doc, "strong", Some(&banner), &[], Some(&content.title))?;
    let line = element(doc, "span", Some(&banner), &[("data-cairn-body", "")], None)?;
    rich::append(doc, &line, &content.body, true)?;
    if let Some(cta) = &content.cta {
        button(doc, &banner, "cta", &cta.label)?;
    }
    if message.snooze {
        button(doc, &banner, "snooze", "Remind me later")?;
    }
    close_button(doc, &banner)?;
    Ok(Built {
        root: banner,
        focus: None,
    })
}

/// A non-modal panel (`role=region`) for `(campaign, surface)`, labelled by its `<h2>`
/// `title` (id `title_id`), with a close button.
pub(super) fn region(
    doc: &Document,
    (campaign, surface): (&str, &str),
    title_id: &str,
    title: &str,
) -> Result<Element, GuidesError> {
    let panel = element(
        doc,
        "div",
        None,
        &[
            ("data-cairn-message", campaign),
            ("data-cairn-surface", surface),
            ("role", "region"),
            ("aria-labelledby", title_id),
        ],
        None,
    )?;
    close_button(doc, &panel)?;
    element(doc, "h2", Some(&panel), &[("id", title_id)], Some(title))?;
    Ok(panel)
}

pub(super) fn close_button(doc: &Document, parent: &Element) -> Result<Element, GuidesError> {
    let close = button(doc, parent, "close", "\u{2715}")?;
    close.set_attribute("aria-label", "Close")?;
    Ok(close)
}

pub(super) fn button(
    doc: &Document,
    parent: &Element,
    action: &str,
    label: &str,
) -> Result<Element, GuidesError> {
    element(
        doc,
        "button",
        Some(parent),
        &[("type", "button"), ("data-cairn-action", action)],
        Some(label),
    )
}

/// `<tag attrs…>text</tag>`, appended to `parent` when given.
pub(super) fn element(
    doc: &Document,
    tag: &str,
    parent: Option<&Element>,
    attrs: &[(&str, &str)],
    text: Option<&str>,
) -> Result<Element, GuidesError> {
    let el = doc.create_element(tag)?;
    for (name, value) in attrs {
        el.set_attribute(name, value)?;
    }
    if text.is_some() {
        el.set_text_content(text);
    }
    if let Some(parent) = parent {
        parent.append_child(&el)?;
    }
    Ok(el)
}
