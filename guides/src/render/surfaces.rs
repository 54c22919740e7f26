//! Building the DOM of the surfaces beyond modal and banner: slideout, tooltip, tour step,
//! checklist, and the survey and snooze controls any card may carry. Text-only DOM APIs.

use protocol::v1::{Anchor, Content, MessageDto, Survey};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, NodeList, ShadowRoot};

use super::dom::{Built, button, close_button, element, region};
use super::rich;
use crate::error::GuidesError;
use crate::screen::Rect;

/// The CSS selector of an anchor.
pub(super) fn selector(anchor: &Anchor) -> String {
    anchor.css()
}

/// The first element matching `selector` in the document or in an open shadow root, up to
/// three shadow levels deep (design systems nest web components).
pub(super) fn find(doc: &Document, selector: &str) -> Option<Element> {
    if let Ok(Some(found)) = doc.query_selector(selector) {
        return Some(found);
    }
    let mut roots = shadow_roots(doc.query_selector_all("*").ok());
    for _ in 0..3 {
        let mut deeper = Vec::new();
        for root in &roots {
            if let Ok(Some(found)) = root.query_selector(selector) {
                return Some(found);
            }
            deeper.extend(shadow_roots(root.query_selector_all("*").ok()));
        }
        if deeper.is_empty() {
            break;
        }
        roots = deeper;
    }
    None
}

/// The open shadow roots of the elements in `list`.
fn shadow_roots(list: Option<NodeList>) -> Vec<ShadowRoot> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok()?.shadow_root())
        .collect()
}

/// Puts `card` at `at` (decided by `screen::fit`) and the hotspot on the anchor's corner,
/// in viewport coordinates; with no place (`None`) or an anchor that is not rendered (a hidden
/// view, `display: none`) both wait, invisible. CSSOM writes are allowed under a strict CSP
/// (only `style` attributes in markup are not).
pub(super) fn place(card: &Element, hotspot: Option<&Element>, anchor: &Element, at: Option<Rect>) {
    let r = anchor.get_bounding_client_rect();
    let at = at.filter(|_| r.width() > 0.0 || r.height() > 0.0);
    for el in std::iter::once(card).chain(hotspot) {
        if let Some(el) = el.dyn_ref::<HtmlElement>() {
            let style = el.style();
            let _ = if at.is_some() {
                style.remove_property("visibility").map(drop)
            } else {
                style.set_property("visibility", "hidden")
            };
        }
    }
    let Some(at) = at else {
        return;
    };
    px(card, "top", at.top);
    px(card, "left", at.left);
    if let Some(dot) = hotspot {
        px(dot, "top", r.top() - 6.0);
        px(dot, "left", r.right() - 6.0);
    }
}

fn px(el: &Element, prop: &str, value: f64) {
    if let Some(el) = el.dyn_ref::<HtmlElement>() {
        let mut text = ((value.round()) as i64).to_string();
        text.push_str("px");
        let _ = el.style().set_property(prop, &text);
    }
}

/// Title, body, survey, and the action row (CTA, snooze, dismiss) of any card.
fn card_body(
    doc: &Document,
    card: &Element,
    message: &MessageDto,
    ids: (&str, &str),
) -> Result<(), GuidesError> {
    let content: &Content = &message.content;
    element(
        doc,
        "h2",
        Some(card),
        &[("id", ids.0)],
        Some(&content.title),
    )?;
    rich::body(doc, card, ids.1, &content.body)?;
    if let Some(survey) = &content.survey {
        survey_block(doc, card, survey)?;
    }
    if message.surface == protocol::v1::SurfaceDto::Invite {
        super::collab::invite_block(doc, card)?;
    }
    let actions = element(doc, "div", Some(card), &[("data-cairn-actions", "")], None)?;
    if let Some(cta) = &content.cta {
        button(doc, &actions, "cta", &cta.label)?;
    }
    if message.snooze {
        button(doc, &actions, "snooze", "Remind me later")?;
    }
    if content.survey.is_none() || content.cta.is_some() {
        let dismiss = content.dismiss_label.as_deref().unwrap_or("Dismiss");
        button(doc, &actions, "dismiss", dismiss)?;
    }
    Ok(())
}

/// Eleven score buttons (0-10) in a labelled group, and a comment box when asked for.
fn survey_block(doc: &Document, card: &Element, survey: &Survey) -> Result<(), GuidesError> {
    let group = element(
        doc,
        "div",
        Some(card),
        &[
            ("role", "group"),
            ("aria-label", &survey.question),
            ("data-cairn-survey", ""),
        ],
        None,
    )?;
    element(doc, "p", Some(&group), &[], Some(&survey.question))?;
    let scale = element(doc, "div", Some(&group), &[("data-cairn-scale", "")], None)?;
    for n in 0..=10u32 {
        let text = n.to_string();
        let b = button(doc, &scale, "score", &text)?;
        b.set_attribute("data-cairn-score", &text)?;
        b.set_attribute("aria-pressed", "false")?;
    }
    if survey.low_label.is_some() || survey.high_label.is_some() {
        let legend = element(doc, "div", Some(&group), &[("data-cairn-legend", "")], None)?;
        element(doc, "span", Some(&legend), &[], survey.low_label.as_deref())?;
        element(
            doc,
            "span",
            Some(&legend),
            &[],
            survey.high_label.as_deref(),
        )?;
    }
    if let Some(label) = &survey.comment_label {
        let field = element(doc, "label", Some(&group), &[], Some(label))?;
        element(
            doc,
            "textarea",
            Some(&field),
            &[
                ("data-cairn-comment", ""),
                ("maxlength", "2000"),
                ("rows", "3"),
            ],
            None,
        )?;
        button(doc, &group, "send", "Send")?;
    }
    Ok(())
}

fn ids(n: u32) -> (String, String) {
    let n = i64::from(n).to_string();
    (["cairn-t", &n].concat(), ["cairn-b", &n].concat())
}

/// A non-modal card: `slideout` in a corner, or a `tooltip` placed by [`place`].
pub(super) fn card(
    doc: &Document,
    message: &MessageDto,
    kind: &str,
    n: u32,
) -> Result<Built, GuidesError> {
    let (title_id, body_id) = ids(n);
    let card = element(
        doc,
        "div",
        None,
        &[
            ("data-cairn-message", &message.campaign),
            ("data-cairn-surface", kind),
            ("role", "dialog"),
            ("aria-modal", "false"),
            ("aria-labelledby", &title_id),
            ("aria-describedby", &body_id),
        ],
        None,
    )?;
    close_button(doc, &card)?;
    card_body(doc, &card, message, (&title_id, &body_id))?;
    Ok(Built {
        root: card,
        focus: None,
    })
}

/// The hotspot pulsing on a tooltip's anchor.
pub(super) fn hotspot(doc: &Document, campaign: &str) -> Result<Element, GuidesError> {
    element(
        doc,
        "div",
        None,
        &[("data-cairn-hotspot", campaign), ("aria-hidden", "true")],
        None,
    )
}

/// Step `step` of a tour: a card with "Step i of n", Back, Next (or Done) and Skip.
pub(super) fn tour_step(
    doc: &Document,
    message: &MessageDto,
    step: usize,
    n: u32,
) -> Result<Built, GuidesError> {
    let steps = &message.content.steps;
    let Some(s) = steps.get(step) else {
        return Err(GuidesError::Missing("step"));
    };
    let (title_id, body_id) = ids(n);
    let card = element(
        doc,
        "div",
        None,
        &[
            ("data-cairn-message", &message.campaign),
            ("data-cairn-surface", "tour"),
            (
                "data-cairn-step",
                &i64::try_from(step).unwrap_or(0).to_string(),
            ),
            ("role", "dialog"),
            ("aria-modal", "false"),
            ("aria-labelledby", &title_id),
            ("aria-describedby", &body_id),
        ],
        None,
    )?;
    let count = [
        "Step ",
        &(step + 1).to_string(),
        " of ",
        &steps.len().to_string(),
    ]
    .concat();
    element(doc, "small", Some(&card), &[], Some(&count))?;
    element(doc, "h2", Some(&card), &[("id", &title_id)], Some(&s.title))?;
    rich::body(doc, &card, &body_id, &s.body)?;
    let actions = element(doc, "div", Some(&card), &[("data-cairn-actions", "")], None)?;
    button(doc, &actions, "dismiss", "Skip tour")?;
    if step > 0 {
        button(doc, &actions, "back", "Back")?;
    }
    let last = step + 1 == steps.len();
    let next = button(
        doc,
        &actions,
        if last { "cta" } else { "next" },
        if last { "Done" } else { "Next" },
    )?;
    Ok(Built {
        root: card,
        focus: Some(next.unchecked_into::<HtmlElement>()),
    })
}

/// A checklist: progress, then each task with its state and, while not done, a link to it.
pub(super) fn checklist(
    doc: &Document,
    message: &MessageDto,
    n: u32,
) -> Result<Built, GuidesError> {
    let (title_id, body_id) = ids(n);
    let panel = region(
        doc,
        (&message.campaign, "checklist"),
        &title_id,
        &message.content.title,
    )?;
    let tasks = &message.content.tasks;
    let done = |i: usize| message.done.get(i).copied().unwrap_or(false);
    let finished = (0..tasks.len()).filter(|i| done(*i)).count();
    let progress = [
        &finished.to_string(),
        " of ",
        &tasks.len().to_string(),
        " done",
    ]
    .concat();
    rich::body(doc, &panel, &body_id, &message.content.body)?;
    element(
        doc,
        "progress",
        Some(&panel),
        &[
            ("max", &tasks.len().to_string()),
            ("value", &finished.to_string()),
            ("aria-label", &progress),
        ],
        None,
    )?;
    element(doc, "small", Some(&panel), &[], Some(&progress))?;
    let list = element(doc, "ul", Some(&panel), &[], None)?;
    for (i, task) in tasks.iter().enumerate() {
        let state = if done(i) { "done" } else { "todo" };
        let item = element(doc, "li", Some(&list), &[("data-cairn-task", state)], None)?;
        let mark = if done(i) { "\u{2713} " } else { "\u{25CB} " };
        element(
            doc,
            "span",
            Some(&item),
            &[("aria-hidden", "true")],
            Some(mark),
        )?;
        let label = if done(i) {
            [task.label.as_str(), " (done)"].concat()
        } else {
            task.label.clone()
        };
        match (&task.url, done(i)) {
            (Some(url), false) => {
                let b = button(doc, &item, "go", &label)?;
                b.set_attribute("data-cairn-url", url)?;
            }
            _ => {
                element(doc, "span", Some(&item), &[], Some(&label))?;
            }
        }
    }
    Ok(Built {
        root: panel,
        focus: None,
    })
}
