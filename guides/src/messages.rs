//! Messages: rendering a decision's messages (after their delay, once their anchor element
//! is on the page, only on matching pages) and reporting what the user does with them.

use browser::bridge::Report;
use protocol::v1::{MessageAction, MessageDto};
use rules::route_matches;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::render::{self, Click, Renderer, TourMove};
use crate::shell::{Guides, path, with_state};

/// How long a message waits for its anchor element.
const ANCHOR_WAIT_MS: f64 = 10_000.0;
/// Changes of the host's DOM are observed (see `render::listen`); this slower poll also
/// catches anchors rendered later inside shadow roots, which no document observer sees.
const ANCHOR_POLL_MS: i32 = 500;

/// Whether the current page matches a message's route pattern (no pattern: every page).
fn on_its_page(m: &MessageDto, path: &str) -> bool {
    m.page.as_deref().is_none_or(|p| route_matches(p, path))
}

/// Whether a message's anchors (its `wait_for` element, its tooltip or tour step anchor)
/// are on the page.
fn ready(m: &MessageDto) -> bool {
    let doc = web_sys::window().and_then(|w| w.document());
    let anchors_ready = doc.is_some_and(|d| Renderer::anchor_ready(&d, m));
    anchors_ready && m.wait_for.as_deref().is_none_or(anchor_present)
}

fn anchor_present(anchor: &str) -> bool {
    // The edge validated the anchor to `[A-Za-z0-9_.-]+`, so the selector is well-formed.
    let selector = ["[data-cairn-anchor=\"", anchor, "\"]"].concat();
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&selector).ok().flatten())
        .is_some()
}

/// Calls `f` with the guides after `ms` milliseconds (boxed: one closure shim for every caller).
pub(crate) fn later(ms: i32, f: Box<dyn FnOnce(&mut Guides)>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let callback = Closure::once_into_js(move || with_state(f));
    let _ =
        window.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms);
}

impl Guides {
    /// Renders a decision's messages: now, or after their delay / once their anchor appears.
    pub(crate) fn render(&mut self, messages: &[MessageDto]) {
        for m in messages {
            let delay_ms = m.delay_seconds.unwrap_or(0).saturating_mul(1000);
            if delay_ms > 0 {
                let m = m.clone();
                let ms = i32::try_from(delay_ms).unwrap_or(i32::MAX);
                later(ms, Box::new(move |sdk| sdk.render_when_ready(m)));
            } else {
                self.render_when_ready(m.clone());
            }
        }
    }

    /// Renders `m` if its page matches and its anchor is present; otherwise it waits for
    /// the anchor (at most [`ANCHOR_WAIT_MS`]).
    fn render_when_ready(&mut self, m: MessageDto) {
        if !on_its_page(&m, &path()) {
            return;
        }
        if ready(&m) {
            return self.render_now(&m);
        }
        if self.waiting.iter().any(|(w, _)| w.campaign == m.campaign) {
            return;
        }
        // The renderer observes the page's DOM: a new anchor is seen at once.
        let _ = self.renderer_mut();
        self.waiting.push((m, js_sys::Date::now() + ANCHOR_WAIT_MS));
        if self.waiting.len() == 1 {
            later(ANCHOR_POLL_MS, Box::new(|g| g.retry_waiting(true)));
        }
    }

    /// Renders the waiting messages whose anchor appeared; drops those past their wait.
    /// `polling`: called by the poll, which goes on while some still wait.
    pub(crate) fn retry_waiting(&mut self, polling: bool) {
        let now = js_sys::Date::now();
        let path = path();
        for (m, until) in std::mem::take(&mut self.waiting) {
            if now > until {
                continue;
            }
            if on_its_page(&m, &path) && ready(&m) {
                self.render_now(&m);
            } else {
                self.waiting.push((m, until));
            }
        }
        if polling && !self.waiting.is_empty() {
            later(ANCHOR_POLL_MS, Box::new(|g| g.retry_waiting(true)));
        }
    }

    /// The renderer, created on first use.
    pub(crate) fn renderer_mut(&mut self) -> Option<&mut Renderer> {
        if self.renderer.is_none() {
            let doc = web_sys::window().and_then(|w| w.document())?;
            self.renderer = Renderer::new(&doc).ok();
        }
        self.renderer.as_mut()
    }

    fn render_now(&mut self, m: &MessageDto) {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if self.renderer_mut().is_none() {
            return;
        }
        let shown = self
            .renderer
            .as_mut()
            .map(|r| r.show(&doc, std::slice::from_ref(m)))
            .unwrap_or_default();
        for campaign in &shown {
            if m.page.is_some() {
                self.page_bound.push(m.clone());
            }
            self.report(campaign, &Report::Action(MessageAction::Shown));
            if m.surface == protocol::v1::SurfaceDto::Invite {
                self.load_suggestions(campaign.clone());
            }
        }
    }

    /// Shows the messages that waited for a place on screen, in order, where they fit now
    /// (the others wait on).
    pub(crate) fn admit_queued(&mut self) {
        let queued = self
            .renderer
            .as_mut()
            .map(Renderer::take_queued)
            .unwrap_or_default();
        for m in queued {
            self.render_when_ready(m);
        }
    }

    /// After a route change: removes messages bound to pages the user has left (not a
    /// dismissal; the edge may show them again on a matching page).
    pub(crate) fn drop_off_page_messages(&mut self) {
        let path = path();
        let (stay, leave): (Vec<_>, Vec<_>) = std::mem::take(&mut self.page_bound)
            .into_iter()
            .partition(|m| on_its_page(m, &path));
        self.page_bound = stay;
        if let Some(r) = self.renderer.as_mut() {
            for m in leave {
                r.withdraw(&m.campaign);
            }
        }
        self.admit_queued();
    }

    /// Acts on a click inside a message.
    pub(crate) fn on_click(&mut self, campaign: &str, click: Click) {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let collab_panel = campaign.starts_with("cairn:");
        let invite = self.renderer.as_ref().and_then(|r| r.surface_of(campaign))
            == Some(protocol::v1::SurfaceDto::Invite);
        match click {
            Click::Outcome(_) if collab_panel => self.close_panel(campaign),
            Click::Outcome(MessageAction::Clicked) if invite => self.invite_clicked(campaign),
            Click::Decide(id, verdict) => self.decide_clicked(id, verdict),
            Click::Ask => self.ask_clicked(),
            Click::Outcome(action) => self.close_message(campaign, action),
            Click::Step(delta) => {
                let moved = self
                    .renderer
                    .as_mut()
                    .and_then(|r| r.tour_move(&doc, campaign, delta));
                match moved {
                    Some(TourMove::At(step)) => {
                        self.report(campaign, &Report::Step(step));
                        // A step on another page: go there; the tour resumes from the edge.
                        let page = self
                            .renderer
                            .as_ref()
                            .and_then(|r| r.step_page(campaign, &path()));
                        // The core beacons the queued step event on pagehide.
                        if let Some(page) = page {
                            render::navigate(&page);
                        }
                    }
                    Some(TourMove::Done) => self.close_message(campaign, MessageAction::Clicked),
                    None => {}
                }
            }
            Click::Score(n) => {
                let has_comment = self
                    .renderer
                    .as_mut()
                    .is_some_and(|r| r.pick_score(campaign, n));
                if !has_comment {
                    self.send_survey(campaign);
                }
            }
            Click::Send => self.send_survey(campaign),
            Click::Go(url) => render::navigate(&url),
        }
    }

    /// Sends the survey answer picked in `campaign`'s message and closes it.
    fn send_survey(&mut self, campaign: &str) {
        let Some((score, comment)) = self
            .renderer
            .as_ref()
            .and_then(|r| r.survey_answer(campaign))
        else {
            return;
        };
        self.report(campaign, &Report::Survey { score, comment });
        if let Some(r) = self.renderer.as_mut() {
            let _ = r.close(campaign);
        }
        self.page_bound.retain(|m| m.campaign != campaign);
        self.admit_queued();
    }

    /// Removes a message after a click or Esc, reports it, and follows a clicked CTA.
    pub(crate) fn close_message(&mut self, campaign: &str, action: MessageAction) {
        let Some(cta_url) = self.renderer.as_mut().and_then(|r| r.close(campaign)) else {
            return;
        };
        self.page_bound.retain(|m| m.campaign != campaign);
        self.report(campaign, &Report::Action(action));
        self.admit_queued();
        if let (MessageAction::Clicked, Some(url)) = (action, cta_url) {
            render::navigate(&url);
        }
    }
}
