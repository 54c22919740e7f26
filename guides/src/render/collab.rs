//! The DOM of the collaboration surfaces: the invite card's email field and suggestions,
//! the approver's inbox panel, and the "who should approve?" dialog. Text-only DOM APIs.

use js_sys::Number;
use protocol::v1::{ApprovalDto, ApproverSuggestion, ResourceDto, Suggestion};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};

use super::dom::{button, close_button, element, region};
use crate::error::GuidesError;

/// The pseudo-campaign of the inbox panel (never reported as a message).
pub(crate) const INBOX: &str = "cairn:approvals";
/// The pseudo-campaign of the approver dialog.
pub(crate) const PROMPT: &str = "cairn:approver";

/// The invite card's field: email addresses, then suggestions as they arrive.
pub(super) fn invite_block(doc: &Document, card: &Element) -> Result<(), GuidesError> {
    let field = element(doc, "label", Some(card), &[], Some("Email addresses"))?;
    element(
        doc,
        "textarea",
        Some(&field),
        &[
            ("data-cairn-emails", ""),
            ("rows", "2"),
            ("autocomplete", "off"),
            ("placeholder", "name@company.com, …"),
        ],
        None,
    )?;
    element(
        doc,
        "div",
        Some(card),
        &[("data-cairn-suggestions", "")],
        None,
    )?;
    element(
        doc,
        "p",
        Some(card),
        &[("data-cairn-status", ""), ("role", "status")],
        None,
    )?;
    Ok(())
}

/// Adds suggestion checkboxes to an invite card.
pub(crate) fn add_suggestions(
    doc: &Document,
    card: &Element,
    suggestions: &[Suggestion],
) -> Result<(), GuidesError> {
    let Some(list) = card.query_selector("[data-cairn-suggestions]")? else {
        return Ok(());
    };
    if suggestions.is_empty() {
        return Ok(());
    }
    element(doc, "p", Some(&list), &[], Some("Suggested teammates"))?;
    for s in suggestions {
        let label = element(doc, "label", Some(&list), &[("data-cairn-check", "")], None)?;
        element(
            doc,
            "input",
            Some(&label),
            &[("type", "checkbox"), ("data-cairn-suggested", &s.email)],
            None,
        )?;
        let text = match &s.name {
            Some(name) => [name.as_str(), " <", &s.email, ">"].concat(),
            None => s.email.clone(),
        };
        label.append_child(&doc.create_text_node(&text))?;
    }
    Ok(())
}

/// The addresses typed and the suggestions checked in an invite card.
pub(crate) fn chosen_emails(card: &Element) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Ok(Some(t)) = card.query_selector("[data-cairn-emails]")
        && let Ok(t) = t.dyn_into::<HtmlTextAreaElement>()
    {
        for e in t.value().split([',', ';', ' ', '\n', '\t']) {
            let e = e.trim();
            if !e.is_empty() && !out.iter().any(|o| o == e) {
                out.push(e.to_owned());
            }
        }
    }
    if let Ok(boxes) = card.query_selector_all("[data-cairn-suggested]") {
        for i in 0..boxes.length() {
            let Some(b) = boxes
                .item(i)
                .and_then(|b| b.dyn_into::<HtmlInputElement>().ok())
            else {
                continue;
            };
            if let Some(e) = b
                .get_attribute("data-cairn-suggested")
                .filter(|_| b.checked())
                && !out.contains(&e)
            {
                out.push(e);
            }
        }
    }
    out
}

/// Sets the status line of a card (invite results, errors).
pub(crate) fn status(card: &Element, text: &str) {
    if let Ok(Some(p)) = card.query_selector("[data-cairn-status]") {
        p.set_text_content(Some(text));
    }
}

/// "1,800 EUR" in the browser's locale (formatted by JS: no float formatting in the module).
fn amount(r: &ResourceDto) -> Option<String> {
    let n = Number::from(r.amount?).to_locale_string("default");
    let mut text: String = n.into();
    if let Some(c) = &r.currency {
        text.push(' ');
        text.push_str(c);
    }
    Some(text)
}

fn resource_line(doc: &Document, parent: &Element, r: &ResourceDto) -> Result<(), GuidesError> {
    let line = element(doc, "p", Some(parent), &[], None)?;
    element(doc, "strong", Some(&line), &[], Some(&r.summary))?;
    if let Some(a) = amount(r) {
        line.append_child(&doc.create_text_node(&[" · ", &a].concat()))?;
    }
    Ok(())
}

/// The approver's inbox: each pending approval with a comment box, Approve and Reject.
pub(super) fn inbox(doc: &Document, approvals: &[ApprovalDto]) -> Result<Element, GuidesError> {
    let panel = region(
        doc,
        (INBOX, "inbox"),
        "cairn-inbox-title",
        "Waiting for your approval",
    )?;
    let list = element(doc, "ul", Some(&panel), &[], None)?;
    for a in approvals {
        let item = element(
            doc,
            "li",
            Some(&list),
            &[("data-cairn-approval", &a.id)],
            None,
        )?;
        resource_line(doc, &item, &a.resource)?;
        element(
            doc,
            "small",
            Some(&item),
            &[],
            Some(&["Requested by ", &a.requester].concat()),
        )?;
        let field = element(doc, "label", Some(&item), &[], Some("Comment (optional)"))?;
        element(
            doc,
            "textarea",
            Some(&field),
            &[
                ("data-cairn-note", &a.id),
                ("rows", "2"),
                ("maxlength", "1000"),
            ],
            None,
        )?;
        let actions = element(doc, "div", Some(&item), &[("data-cairn-actions", "")], None)?;
        for (action, label) in [("reject", "Reject"), ("approve", "Approve")] {
            let b = button(doc, &actions, action, label)?;
            b.set_attribute("data-cairn-approval", &a.id)?;
        }
    }
    element(
        doc,
        "p",
        Some(&panel),
        &[("data-cairn-status", ""), ("role", "status")],
        None,
    )?;
    Ok(panel)
}

/// The comment typed for approval `id` in the inbox.
pub(crate) fn comment_for(panel: &Element, id: &str) -> Option<String> {
    let list = panel.query_selector_all("[data-cairn-note]").ok()?;
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlTextAreaElement>().ok())
        .find(|t| t.get_attribute("data-cairn-note").as_deref() == Some(id))
        .map(|t| t.value())
        .filter(|c| !c.trim().is_empty())
}

/// "This needs approval — who should approve it?": the account's approvers, or an email.
pub(super) fn prompt(
    doc: &Document,
    resource: &ResourceDto,
    approvers: &[ApproverSuggestion],
) -> Result<(Element, HtmlElement), GuidesError> {
    let dialog = element(
        doc,
        "dialog",
        None,
        &[
            ("aria-labelledby", "cairn-prompt-title"),
            ("aria-describedby", "cairn-prompt-body"),
        ],
        None,
    )?;
    let card = element(
        doc,
        "div",
        Some(&dialog),
        &[
            ("data-cairn-message", PROMPT),
            ("data-cairn-surface", "modal"),
        ],
        None,
    )?;
    let close = close_button(doc, &card)?;
    element(
        doc,
        "h2",
        Some(&card),
        &[("id", "cairn-prompt-title")],
        Some("This needs approval"),
    )?;
    let body = element(
        doc,
        "div",
        Some(&card),
        &[("id", "cairn-prompt-body")],
        None,
    )?;
    resource_line(doc, &body, resource)?;
    element(doc, "p", Some(&body), &[], Some("Who should approve it?"))?;
    let group = element(
        doc,
        "div",
        Some(&card),
        &[("role", "radiogroup"), ("aria-label", "Approver")],
        None,
    )?;
    for (i, a) in approvers.iter().enumerate() {
        let label = element(
            doc,
            "label",
            Some(&group),
            &[("data-cairn-check", "")],
            None,
        )?;
        let radio = element(
            doc,
            "input",
            Some(&label),
            &[
                ("type", "radio"),
                ("name", "cairn-approver"),
                ("data-cairn-approver", &a.user_id),
            ],
            None,
        )?;
        if i == 0 {
            radio.set_attribute("checked", "")?;
        }
        let who = a
            .name
            .as_deref()
            .or(a.email.as_deref())
            .unwrap_or(&a.user_id);
        label.append_child(&doc.create_text_node(&[who, " (", &a.role, ")"].concat()))?;
    }
    let field = element(
        doc,
        "label",
        Some(&card),
        &[],
        Some(if approvers.is_empty() {
            "Their email address"
        } else {
            "Or someone else, by email"
        }),
    )?;
    element(
        doc,
        "input",
        Some(&field),
        &[
            ("type", "email"),
            ("data-cairn-approver-email", ""),
            ("autocomplete", "off"),
        ],
        None,
    )?;
    element(
        doc,
        "p",
        Some(&card),
        &[("data-cairn-status", ""), ("role", "alert")],
        None,
    )?;
    let actions = element(doc, "div", Some(&card), &[("data-cairn-actions", "")], None)?;
    button(doc, &actions, "dismiss", "Cancel")?;
    button(doc, &actions, "ask", "Ask for approval")?;
    Ok((dialog, close.unchecked_into()))
}

/// The approver chosen in the dialog: `(user id, email)`; a typed email wins.
pub(crate) fn chosen_approver(root: &Element) -> (Option<String>, Option<String>) {
    let email = root
        .query_selector("[data-cairn-approver-email]")
        .ok()
        .flatten()
        .and_then(|i| i.dyn_into::<HtmlInputElement>().ok())
        .map(|i| i.value().trim().to_owned())
        .filter(|v| !v.is_empty());
    if email.is_some() {
        return (None, email);
    }
    let user = root
        .query_selector_all("[data-cairn-approver]")
        .ok()
        .and_then(|list| {
            (0..list.length())
                .filter_map(|i| list.item(i)?.dyn_into::<HtmlInputElement>().ok())
                .find(HtmlInputElement::checked)
        })
        .and_then(|r| r.get_attribute("data-cairn-approver"));
    (user, None)
}
