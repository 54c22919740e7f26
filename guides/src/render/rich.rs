//! Message bodies built from the rich-text tree (`markup`) with DOM APIs only: elements and
//! text nodes, never HTML parsing. Links get `rel="noopener noreferrer"`, and web links open
//! in a new tab.

use web_sys::{Document, Element};

use super::dom::element;
use crate::error::GuidesError;
use crate::markup::{self, Block, Inline};

/// A `<div>` with `id` holding `text`'s blocks, appended to `parent` (a card's body).
pub(super) fn body(
    doc: &Document,
    parent: &Element,
    id: &str,
    text: &str,
) -> Result<Element, GuidesError> {
    let div = element(
        doc,
        "div",
        Some(parent),
        &[("id", id), ("data-cairn-body", "")],
        None,
    )?;
    append(doc, &div, text, false)?;
    Ok(div)
}

/// Appends `text`'s blocks to `parent`. With `inline_only` (a banner's one line), paragraphs
/// and list items follow each other separated by line breaks.
pub(super) fn append(
    doc: &Document,
    parent: &Element,
    text: &str,
    inline_only: bool,
) -> Result<(), GuidesError> {
    for (i, block) in markup::parse(text).iter().enumerate() {
        if inline_only && i > 0 {
            element(doc, "br", Some(parent), &[], None)?;
        }
        match block {
            Block::Para(nodes) if inline_only => inlines(doc, parent, nodes)?,
            Block::Para(nodes) => {
                let p = element(doc, "p", Some(parent), &[], None)?;
                inlines(doc, &p, nodes)?;
            }
            Block::List { items, .. } if inline_only => {
                for (j, item) in items.iter().enumerate() {
                    if j > 0 {
                        element(doc, "br", Some(parent), &[], None)?;
                    }
                    inlines(doc, parent, item)?;
                }
            }
            Block::List { ordered, items } => {
                let list = element(
                    doc,
                    if *ordered { "ol" } else { "ul" },
                    Some(parent),
                    &[],
                    None,
                )?;
                for item in items {
                    let li = element(doc, "li", Some(&list), &[], None)?;
                    inlines(doc, &li, item)?;
                }
            }
        }
    }
    Ok(())
}

fn inlines(doc: &Document, parent: &Element, nodes: &[Inline]) -> Result<(), GuidesError> {
    for node in nodes {
        match node {
            Inline::Text(text) => {
                parent.append_child(&doc.create_text_node(text))?;
            }
            Inline::Break => {
                element(doc, "br", Some(parent), &[], None)?;
            }
            Inline::Bold(children) => {
                let el = element(doc, "strong", Some(parent), &[], None)?;
                inlines(doc, &el, children)?;
            }
            Inline::Italic(children) => {
                let el = element(doc, "em", Some(parent), &[], None)?;
                inlines(doc, &el, children)?;
            }
            Inline::Link { href, label } => {
                let web = !href
                    .get(..7)
                    .is_some_and(|s| s.eq_ignore_ascii_case("mailto:"));
                let mut attrs = vec![("href", href.as_str()), ("rel", "noopener noreferrer")];
                if web {
                    attrs.push(("target", "_blank"));
                }
                let a = element(doc, "a", Some(parent), &attrs, None)?;
                inlines(doc, &a, label)?;
            }
        }
    }
    Ok(())
}
