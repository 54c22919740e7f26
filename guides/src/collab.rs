//! Invitations and approvals in the page: the invite card sends what the user chose, the
//! approver's inbox decides, and the "who should approve?" dialog asks. Requests go through
//! the core (`request`, signed with the user's identity); answers come back as promises.

use browser::decode::from_js;
use js_sys::{Function, Promise};
use protocol::v1::{
    ApprovalFields, ApproversResponse, ErrorBody, InboxResponse, InvitesResponse,
    SuggestionsResponse, Verdict, decide_fields, invite_fields, routes, with_approver,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{JsFuture, spawn_local};

use crate::render::collab::{self as dom, INBOX, PROMPT};
use crate::shell::{Guides, with_state};

/// What to do with a request's answer (`Err`: the edge's error body, or null).
pub(crate) type Then = Box<dyn FnOnce(&mut Guides, Result<JsValue, JsValue>)>;

/// A pending `requestApproval` without an approver: the page's fields and its promise.
#[derive(Debug)]
pub(crate) struct Prompt {
    fields_json: String,
    resolve: Function,
    reject: Function,
}

/// The sentence of an error answer.
fn message_of(err: &JsValue) -> String {
    from_js::<ErrorBody>(err.clone()).map_or_else(
        || "Could not reach the server; please try again.".to_owned(),
        |b| b.error.message,
    )
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

impl Guides {
    /// Sends `fields_json` to `path` through the core, then runs `then` with the answer.
    pub(crate) fn call(&self, path: &str, fields_json: &str, then: Then) {
        let promise = self.request.call2(
            &JsValue::NULL,
            &JsValue::from_str(path),
            &JsValue::from_str(fields_json),
        );
        let Ok(promise) = promise.map(Promise::from) else {
            return;
        };
        spawn_local(async move {
            let answer = JsFuture::from(promise).await;
            with_state(move |g| then(g, answer));
        });
    }

    /// `count` approvals wait for the user: fetch them and show the inbox, unless it already
    /// shows them or the user closed it with nothing new since.
    pub(crate) fn approvals_waiting(&mut self, count: u32) {
        if self.inbox_ids.len() == count as usize {
            return;
        }
        self.call(
            routes::INBOX,
            "{}",
            Box::new(|g, answer| {
                let inbox = answer.ok().and_then(from_js::<InboxResponse>);
                let Some(inbox) = inbox.filter(|i| !i.assigned.is_empty()) else {
                    return;
                };
                let ids: Vec<String> = inbox.assigned.iter().map(|a| a.id.clone()).collect();
                if ids == g.inbox_ids {
                    return;
                }
                if ids.iter().all(|id| g.inbox_closed.contains(id)) {
                    // Closed by the user, nothing new: remember the count, show nothing.
                    g.inbox_ids = ids;
                    return;
                }
                if let (Some(doc), Some(r)) = (document(), g.renderer_mut())
                    && r.show_inbox(&doc, &inbox.assigned).is_ok()
                {
                    g.inbox_ids = ids;
                }
            }),
        );
    }

    /// Inbox: approve or reject, with the comment typed.
    pub(crate) fn decide_clicked(&mut self, id: String, verdict: Verdict) {
        let Some(panel) = self.renderer.as_ref().and_then(|r| r.root_of(INBOX)) else {
            return;
        };
        let comment = dom::comment_for(&panel, &id);
        let fields = decide_fields(&id, verdict, comment.as_deref());
        self.call(
            routes::DECIDE,
            &fields,
            Box::new(move |g, answer| {
                let Some(panel) = g.renderer.as_ref().and_then(|r| r.root_of(INBOX)) else {
                    return;
                };
                match answer {
                    Ok(_) => {
                        let done = if verdict == Verdict::Approve {
                            "Approved."
                        } else {
                            "Rejected."
                        };
                        dom::status(&panel, done);
                        let selector = ["li[data-cairn-approval=\"", &id, "\"]"].concat();
                        if let Ok(Some(item)) = panel.query_selector(&selector) {
                            item.remove();
                        }
                        g.inbox_ids.retain(|i| i != &id);
                        if g.inbox_ids.is_empty() {
                            let close = Box::new(|g: &mut Guides| {
                                if let Some(r) = g.renderer.as_mut() {
                                    r.remove_panel(INBOX);
                                }
                            });
                            crate::messages::later(1500, close);
                        }
                    }
                    Err(e) => dom::status(&panel, &message_of(&e)),
                }
            }),
        );
    }

    /// An invite card was shown: fetch whom to suggest.
    pub(crate) fn load_suggestions(&mut self, campaign: String) {
        self.call(
            routes::INVITE_SUGGESTIONS,
            "{}",
            Box::new(move |g, answer| {
                let Some(s) = answer.ok().and_then(from_js::<SuggestionsResponse>) else {
                    return;
                };
                let card = g.renderer.as_ref().and_then(|r| r.root_of(&campaign));
                if let (Some(doc), Some(card)) = (document(), card) {
                    let _ = dom::add_suggestions(&doc, &card, &s.suggestions);
                }
            }),
        );
    }

    /// The invite card's send button: invite what the user chose, then close as clicked.
    pub(crate) fn invite_clicked(&mut self, campaign: &str) {
        let Some(card) = self.renderer.as_ref().and_then(|r| r.root_of(campaign)) else {
            return;
        };
        let emails = dom::chosen_emails(&card);
        if emails.is_empty() {
            dom::status(&card, "Add at least one email address.");
            return;
        }
        let campaign = campaign.to_owned();
        self.call(
            routes::INVITES,
            &invite_fields(&emails),
            Box::new(move |g, answer| {
                let Some(card) = g.renderer.as_ref().and_then(|r| r.root_of(&campaign)) else {
                    return;
                };
                match answer.map(from_js::<InvitesResponse>) {
                    Ok(Some(r)) => {
                        let sent = r.results.len().to_string();
                        dom::status(&card, &["Invitations sent: ", &sent, "."].concat());
                        let close = Box::new(move |g: &mut Guides| {
                            g.close_message(&campaign, protocol::v1::MessageAction::Clicked);
                        });
                        crate::messages::later(1500, close);
                    }
                    Ok(None) => dom::status(&card, "Unexpected answer; please try again."),
                    Err(e) => dom::status(&card, &message_of(&e)),
                }
            }),
        );
    }

    /// `requestApproval` without an approver: ask the user who should approve.
    pub(crate) fn prompt(
        &mut self,
        fields_json: String,
        fields: JsValue,
        resolve: Function,
        reject: Function,
    ) {
        let Some(wanted) = from_js::<ApprovalFields>(fields) else {
            let _ = reject.call1(&JsValue::NULL, &JsValue::NULL);
            return;
        };
        if let Some(old) = self.prompt.take() {
            let _ = old.reject.call1(&JsValue::NULL, &JsValue::NULL);
        }
        self.prompt = Some(Prompt {
            fields_json,
            resolve,
            reject,
        });
        self.call(
            routes::APPROVERS,
            "{}",
            Box::new(move |g, answer| {
                let approvers = answer
                    .ok()
                    .and_then(from_js::<ApproversResponse>)
                    .map(|a| a.approvers)
                    .unwrap_or_default();
                if g.renderer_mut().is_none() {
                    return g.cancel_prompt();
                }
                let shown = match (document(), g.renderer.as_mut()) {
                    (Some(doc), Some(r)) => {
                        r.show_prompt(&doc, &wanted.resource, &approvers).is_ok()
                    }
                    _ => false,
                };
                if !shown {
                    g.cancel_prompt();
                }
            }),
        );
    }

    /// The dialog's "Ask for approval".
    pub(crate) fn ask_clicked(&mut self) {
        let Some(root) = self.renderer.as_ref().and_then(|r| r.root_of(PROMPT)) else {
            return;
        };
        let (user, email) = dom::chosen_approver(&root);
        let Some(prompt) = &self.prompt else {
            return;
        };
        let Some(fields) = with_approver(&prompt.fields_json, user.as_deref(), email.as_deref())
        else {
            dom::status(&root, "Choose an approver or type their email address.");
            return;
        };
        self.call(
            routes::APPROVALS,
            &fields,
            Box::new(|g, answer| match answer {
                Ok(json) => {
                    if let Some(p) = g.prompt.take() {
                        let _ = p.resolve.call1(&JsValue::NULL, &json);
                    }
                    if let Some(r) = g.renderer.as_mut() {
                        r.remove_panel(PROMPT);
                    }
                }
                Err(e) => {
                    if let Some(root) = g.renderer.as_ref().and_then(|r| r.root_of(PROMPT)) {
                        dom::status(&root, &message_of(&e));
                    }
                }
            }),
        );
    }

    /// Cancel or Esc in the dialog: the promise rejects, nothing is requested.
    pub(crate) fn cancel_prompt(&mut self) {
        if let Some(p) = self.prompt.take() {
            let _ = p.reject.call1(&JsValue::NULL, &JsValue::NULL);
        }
        if let Some(r) = self.renderer.as_mut() {
            r.remove_panel(PROMPT);
        }
    }

    /// Closes a collaboration panel (the inbox's close button, the dialog's Cancel).
    pub(crate) fn close_panel(&mut self, campaign: &str) {
        if campaign == PROMPT {
            return self.cancel_prompt();
        }
        if campaign == INBOX {
            self.inbox_closed.extend(self.inbox_ids.iter().cloned());
        }
        if let Some(r) = self.renderer.as_mut() {
            r.remove_panel(campaign);
        }
    }
}
