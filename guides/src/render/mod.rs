//! Rendering decisions: one shadow-DOM host, the messages on screen, and their interactions.
//!
//! The host `<div data-cairn-root>` holds an open shadow root styled by an adopted
//! constructable stylesheet. One delegated click listener on the shadow root and one
//! `keydown` listener on the document serve every message; they report to the shell.

pub(crate) mod collab;
mod dom;
mod panels;
mod rich;
mod style;
mod surfaces;

use js_sys::Array;
use protocol::v1::{MessageAction, MessageDto, SurfaceDto};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CssStyleSheet, Document, Element, Event, HtmlElement, KeyboardEvent, ShadowRoot};

use crate::error::GuidesError;
use crate::screen::{self, Card, Rect};
use crate::shell;
use browser::js;

/// A message on screen.
#[derive(Debug)]
struct Shown {
    campaign: String,
    surface: SurfaceDto,
    root: Element,
    cta_url: Option<String>,
    /// What had focus before a modal took it.
    restore: Option<HtmlElement>,
    /// The message as decided (tours rebuild from it, checklists compare with it).
    message: MessageDto,
    /// The element a tooltip or tour step points at, and the tooltip's hotspot.
    anchor: Option<Element>,
    hotspot: Option<Element>,
    /// The tour step on screen.
    step: usize,
    /// The survey score picked, before "Send".
    score: Option<u32>,
}

/// What a click inside a message asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Click {
    /// A message outcome (CTA, dismiss, close, snooze, overlay).
    Outcome(MessageAction),
    /// Tour: next or previous step.
    Step(i32),
    /// Survey: a score was picked.
    Score(u32),
    /// Survey: send the picked score and comment.
    Send,
    /// Checklist: go to a task.
    Go(String),
    /// Inbox: approve or reject approval `.0`.
    Decide(String, protocol::v1::Verdict),
    /// Approver dialog: ask the chosen approver.
    Ask,
}

/// A tour's move: the step now on screen, or the end of the tour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TourMove {
    /// Step `n` (0-based) is on screen.
    At(u32),
    /// Past the last step.
    Done,
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
    /// What had focus before the approver dialog took it.
    prompt_restore: Option<HtmlElement>,
    /// Messages waiting for their place on screen (see `screen`), oldest first.
    queued: Vec<MessageDto>,
}

impl Renderer {
    /// Creates the (still detached) host and installs the listeners.
    pub(crate) fn new(doc: &Document) -> Result<Self, GuidesError> {
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
            prompt_restore: None,
            queued: Vec::new(),
        })
    }

    /// Renders every message not on screen and not closed in this page session; a message
    /// with no place on screen yet is queued (see [`Renderer::take_queued`]).
    /// Returns the campaigns it rendered.
    pub(crate) fn show(&mut self, doc: &Document, messages: &[MessageDto]) -> Vec<String> {
        let mut rendered = Vec::new();
        for message in messages {
            let campaign = &message.campaign;
            if self.closed.contains(campaign) {
                continue;
            }
            if let Some(i) = self.shown.iter().position(|s| &s.campaign == campaign) {
                // A checklist whose progress changed is redrawn in place (not a new show).
                if self.shown[i].message.done != message.done {
                    let old = self.shown.remove(i);
                    old.root.remove();
                    let _ = self.show_one(doc, message, true);
                }
                continue;
            }
            if let Some(i) = self.queued.iter().position(|q| &q.campaign == campaign) {
                self.queued.remove(i);
            }
            match self.show_one(doc, message, false) {
                Ok(true) => rendered.push(campaign.clone()),
                Ok(false) => self.queued.push(message.clone()),
                Err(_) => {}
            }
        }
        rendered
    }

    /// The messages waiting for a place on screen, to be shown again (when a card closes).
    pub(crate) fn take_queued(&mut self) -> Vec<MessageDto> {
        std::mem::take(&mut self.queued)
    }

    /// Whether messages wait for a place on screen.
    pub(crate) fn has_queued(&self) -> bool {
        !self.queued.is_empty()
    }

    /// Renders `message`; `Ok(false)` when it has no place on screen and must wait. A card
    /// that already held its place (`keep`: a checklist redrawn, a tour's next step) is
    /// shown anyway.
    fn show_one(
        &mut self,
        doc: &Document,
        message: &MessageDto,
        keep: bool,
    ) -> Result<bool, GuidesError> {
        if !self.host.is_connected() {
            doc.body()
                .ok_or(GuidesError::NoBody)?
                .append_child(&self.host)?;
        }
        self.next_id += 1;
        let n = self.next_id;
        let step = usize::try_from(message.step)
            .unwrap_or(0)
            .min(message.content.steps.len().saturating_sub(1));
        let anchor_of = |a: Option<&protocol::v1::Anchor>| {
            a.and_then(|a| surfaces::find(doc, &surfaces::selector(a)))
        };
        let (built, anchor, hotspot) = match message.surface {
            SurfaceDto::Slideout => (surfaces::card(doc, message, "slideout", n)?, None, None),
            SurfaceDto::Tooltip => {
                let anchor = anchor_of(message.content.anchor.as_ref())
                    .ok_or(GuidesError::Missing("anchor"))?;
                let dot = surfaces::hotspot(doc, &message.campaign)?;
                (
                    surfaces::card(doc, message, "tooltip", n)?,
                    Some(anchor),
                    Some(dot),
                )
            }
            SurfaceDto::Tour => {
                let anchor = anchor_of(
                    message
                        .content
                        .steps
                        .get(step)
                        .and_then(|s| s.anchor.as_ref()),
                );
                (surfaces::tour_step(doc, message, step, n)?, anchor, None)
            }
            SurfaceDto::Checklist => (surfaces::checklist(doc, message, n)?, None, None),
            SurfaceDto::Invite => (surfaces::card(doc, message, "invite", n)?, None, None),
            _ => (dom::build(doc, message, n)?, None, None),
        };
        let restore = match built.focus {
            Some(_) => doc
                .active_element()
                // SVG and MathML elements have `focus()` too.
                .map(|e| e.unchecked_into::<HtmlElement>()),
            None => None,
        };
        if let Some(lang) = &message.lang {
            built.root.set_attribute("lang", lang)?;
            if is_rtl(lang) {
                built.root.set_attribute("dir", "rtl")?;
            }
        }
        // Laid out but invisible while its place is decided.
        built.root.set_attribute("data-cairn-pending", "")?;
        self.shadow.append_child(&built.root)?;
        let Some(at) = self.fit(&built.root, anchor.as_ref(), keep) else {
            built.root.remove();
            return Ok(false);
        };
        built.root.remove_attribute("data-cairn-pending")?;
        let take_focus = may_take_focus(doc);
        if let Some(dialog) = built.root.dyn_ref::<web_sys::HtmlDialogElement>() {
            // A dialog takes focus as it opens (`show` too). In a frame that does not have
            // focus it opens inert, which nothing can focus, and is made live at once.
            if take_focus {
                dialog.show_modal()?;
            } else {
                dialog.set_attribute("inert", "")?;
                let shown = dialog.show_modal();
                dialog.remove_attribute("inert")?;
                shown?;
            }
        }
        // Tooltips and tour steps go to the top layer too (manual popovers: no light
        // dismiss), so no host z-index can bury them.
        if matches!(message.surface, SurfaceDto::Tooltip | SurfaceDto::Tour) {
            top_layer(&built.root);
        }
        if let Some(dot) = &hotspot {
            self.shadow.append_child(dot)?;
            top_layer(dot);
        }
        if let Some(anchor) = &anchor {
            surfaces::place(&built.root, hotspot.as_ref(), anchor, Some(at));
        }
        if let Some(focus) = built.focus.as_ref().filter(|_| take_focus) {
            let _ = focus.focus();
        }
        self.shown.push(Shown {
            campaign: message.campaign.clone(),
            surface: message.surface,
            root: built.root,
            cta_url: message.content.cta.as_ref().and_then(|c| c.url.clone()),
            restore,
            message: message.clone(),
            anchor,
            hotspot,
            step,
            score: None,
        });
        if message.surface == SurfaceDto::Banner {
            self.lift();
            self.reposition(doc);
        }
        Ok(true)
    }

    /// Lifts the bottom corners' cards above the banner on screen (`--cairn-lift`, its height,
    /// on the host; custom properties inherit into the shadow tree).
    fn lift(&self) {
        let banner = self
            .shadow
            .query_selector("[data-cairn-surface=banner]")
            .ok()
            .flatten()
            .map(|b| b.get_bounding_client_rect().height());
        let Some(host) = self.host.dyn_ref::<HtmlElement>() else {
            return;
        };
        let text = banner.map(|h| {
            let mut text = (h.round() as i64).to_string();
            text.push_str("px");
            text
        });
        let style = host.style();
        // Only on a change: the host is in the page's DOM, whose mutations call `reposition`.
        if style.get_property_value("--cairn-lift").ok() != Some(text.clone().unwrap_or_default()) {
            let _ = match text {
                Some(text) => style.set_property("--cairn-lift", &text),
                None => style.remove_property("--cairn-lift").map(drop),
            };
        }
    }

    /// Where the card `root` may go now (see `screen::fit`), next to `anchor` if it has one.
    fn fit(&self, root: &Element, anchor: Option<&Element>, keep: bool) -> Option<Rect> {
        let card = card_of(root);
        let region = screen::region(&card.get_attribute("data-cairn-surface")?);
        let card = Card {
            region,
            rect: rect(&card.get_bounding_client_rect()),
        };
        let anchor = anchor.map(|a| rect(&a.get_bounding_client_rect()));
        screen::fit(card, anchor, &self.on_screen(root), viewport(), keep)
    }

    /// The visible cards in the shadow root, but `except`'s.
    fn on_screen(&self, except: &Element) -> Vec<Card> {
        let Ok(list) = self.shadow.query_selector_all("[data-cairn-surface]") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .filter(|el| {
                !except.contains(Some(el))
                    && el.closest("[data-cairn-pending]").ok().flatten().is_none()
                    && el.dyn_ref::<HtmlElement>().is_none_or(|h| {
                        h.style().get_property_value("visibility").as_deref() != Ok("hidden")
                    })
            })
            .filter_map(|el| {
                let r = el.get_bounding_client_rect();
                let region = screen::region(&el.get_attribute("data-cairn-surface")?);
                (r.width() > 0.0 && r.height() > 0.0).then(|| Card {
                    region,
                    rect: rect(&r),
                })
            })
            .collect()
    }

    /// Moves a tour by `delta` steps; rebuilds the card on the new step.
    pub(crate) fn tour_move(
        &mut self,
        doc: &Document,
        campaign: &str,
        delta: i32,
    ) -> Option<TourMove> {
        let i = self.shown.iter().position(|s| s.campaign == campaign)?;
        let total = self.shown[i].message.content.steps.len();
        let next = i64::try_from(self.shown[i].step).unwrap_or(0) + i64::from(delta);
        if next < 0 {
            return Some(TourMove::At(0));
        }
        let next = usize::try_from(next).unwrap_or(0);
        if next >= total {
            return Some(TourMove::Done);
        }
        let old = self.shown.remove(i);
        old.root.remove();
        let mut message = old.message;
        message.step = u32::try_from(next).unwrap_or(0);
        self.show_one(doc, &message, true).ok()?;
        Some(TourMove::At(message.step))
    }

    /// The page a tour step lives on, if it is not `path`.
    pub(crate) fn step_page(&self, campaign: &str, path: &str) -> Option<String> {
        let s = self.shown.iter().find(|s| s.campaign == campaign)?;
        let page = s.message.content.steps.get(s.step)?.page.as_deref()?;
        (!rules::route_matches(page, path)).then(|| page.to_owned())
    }

    /// Marks survey score `n` as picked; returns whether the survey has a comment box
    /// (else the score is sent at once).
    pub(crate) fn pick_score(&mut self, campaign: &str, n: u32) -> bool {
        let Some(s) = self.shown.iter_mut().find(|s| s.campaign == campaign) else {
            return false;
        };
        s.score = Some(n);
        if let Ok(buttons) = s.root.query_selector_all("[data-cairn-score]") {
            for i in 0..buttons.length() {
                if let Some(b) = buttons.item(i).and_then(|b| b.dyn_into::<Element>().ok()) {
                    let on = b.get_attribute("data-cairn-score").as_deref() == Some(&n.to_string());
                    let _ = b.set_attribute("aria-pressed", if on { "true" } else { "false" });
                }
            }
        }
        s.message
            .content
            .survey
            .as_ref()
            .is_some_and(|q| q.comment_label.is_some())
    }

    /// The picked score and the comment typed, for "Send".
    pub(crate) fn survey_answer(&self, campaign: &str) -> Option<(u32, Option<String>)> {
        let s = self.shown.iter().find(|s| s.campaign == campaign)?;
        let comment = s
            .root
            .query_selector("[data-cairn-comment]")
            .ok()
            .flatten()
            .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            .map(|t| t.value())
            .filter(|c| !c.trim().is_empty());
        Some((s.score?, comment))
    }

    /// Re-places anchored cards after scrolling, resizing or layout changes; an anchor that
    /// left the page is looked up again.
    /// A tooltip with no free placement hides until it has one.
    pub(crate) fn reposition(&mut self, doc: &Document) {
        self.lift();
        for s in &mut self.shown {
            let Some(anchor) = &s.anchor else {
                continue;
            };
            if !anchor.is_connected() {
                let again = match s.surface {
                    SurfaceDto::Tooltip => s.message.content.anchor.as_ref(),
                    _ => s
                        .message
                        .content
                        .steps
                        .get(s.step)
                        .and_then(|st| st.anchor.as_ref()),
                };
                s.anchor = again.and_then(|a| surfaces::find(doc, &surfaces::selector(a)));
            }
        }
        // Placed one by one, each keeping clear of the others as they are now. A tooltip with
        // no free side hides; a tour step, which has the user's focus, keeps its place.
        for i in 0..self.shown.len() {
            let s = &self.shown[i];
            if let Some(anchor) = &s.anchor {
                let at = self.fit(&s.root, Some(anchor), s.surface == SurfaceDto::Tour);
                surfaces::place(&s.root, s.hotspot.as_ref(), anchor, at);
            }
        }
    }

    /// Removes `campaign`'s message for the rest of the page session. Returns its CTA URL
    /// (`Some(None)` when it has none), or `None` when it was not on screen.
    pub(crate) fn close(&mut self, campaign: &str) -> Option<Option<String>> {
        let index = self.shown.iter().position(|s| s.campaign == campaign)?;
        let shown = self.shown.remove(index);
        shown.root.remove();
        if let Some(dot) = &shown.hotspot {
            dot.remove();
        }
        if let Some(el) = shown.restore.filter(|e| e.is_connected())
            && el.owner_document().is_some_and(|d| may_take_focus(&d))
        {
            let _ = el.focus();
        }
        self.lift();
        self.closed.push(shown.campaign);
        Some(shown.cta_url)
    }

    /// Whether the anchor of a message (a tooltip's, or a tour step's) is on the page.
    pub(crate) fn anchor_ready(doc: &Document, message: &MessageDto) -> bool {
        let anchor = match message.surface {
            SurfaceDto::Tooltip => message.content.anchor.as_ref(),
            SurfaceDto::Tour => {
                let step = usize::try_from(message.step).unwrap_or(0);
                message
                    .content
                    .steps
                    .get(step)
                    .and_then(|s| s.anchor.as_ref())
            }
            _ => None,
        };
        anchor.is_none_or(|a| surfaces::find(doc, &surfaces::selector(a)).is_some())
    }

    /// Takes `campaign`'s message off the page without closing it: it may be shown again in
    /// this page session (a route-bound message whose route was left).
    pub(crate) fn withdraw(&mut self, campaign: &str) {
        if let Some(index) = self.shown.iter().position(|s| s.campaign == campaign) {
            let shown = self.shown.remove(index);
            shown.root.remove();
            if let Some(dot) = &shown.hotspot {
                dot.remove();
            }
            self.lift();
        }
    }

    /// The element on screen for `campaign` (a message, or a collaboration panel).
    pub(crate) fn root_of(&self, campaign: &str) -> Option<Element> {
        if let Some(s) = self.shown.iter().find(|s| s.campaign == campaign) {
            return Some(s.root.clone());
        }
        let selector = ["[data-cairn-message=\"", campaign, "\"]"].concat();
        self.shadow.query_selector(&selector).ok().flatten()
    }

    /// The surface of `campaign`'s message on screen.
    pub(crate) fn surface_of(&self, campaign: &str) -> Option<SurfaceDto> {
        self.shown
            .iter()
            .find(|s| s.campaign == campaign)
            .map(|s| s.surface)
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

/// The card of a message's root (a modal's root is its `<dialog>`).
fn card_of(root: &Element) -> Element {
    if root.has_attribute("data-cairn-surface") {
        return root.clone();
    }
    root.query_selector("[data-cairn-surface]")
        .ok()
        .flatten()
        .unwrap_or_else(|| root.clone())
}

fn rect(r: &web_sys::DomRect) -> Rect {
    Rect::at(r.left(), r.top(), r.width(), r.height())
}

/// The viewport's box.
fn viewport() -> Rect {
    let num = |v: Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>| v.ok()?.as_f64();
    let (w, h) = web_sys::window()
        .and_then(|w| Some((num(w.inner_width())?, num(w.inner_height())?)))
        .unwrap_or((1024.0, 768.0));
    Rect::at(0.0, 0.0, w, h)
}

/// Whether a message may move focus in `doc`: always on a top-level page, and in a frame only
/// while the frame has focus. Focus moved inside a frame is taken from the page around it: the
/// console's editor lost what was typed while its preview showed a modal or a tour step.
fn may_take_focus(doc: &Document) -> bool {
    let top_level = web_sys::window().is_some_and(|w| {
        w.top()
            .ok()
            .flatten()
            .is_none_or(|top| wasm_bindgen::JsValue::from(top) == wasm_bindgen::JsValue::from(w))
    });
    top_level || doc.has_focus().unwrap_or(false)
}

/// Shows `el` as a manual popover: in the browser's top layer, above any host z-index.
/// Browsers without the Popover API keep it as a fixed element with a high z-index.
fn top_layer(el: &Element) {
    if el.set_attribute("popover", "manual").is_ok()
        && let Some(el) = el.dyn_ref::<HtmlElement>()
        && el.show_popover().is_err()
    {
        let _ = el.remove_attribute("popover");
    }
}

/// Whether `lang`'s script runs right to left (Arabic, Hebrew, Persian, Urdu).
fn is_rtl(lang: &str) -> bool {
    let primary = lang.split('-').next().unwrap_or_default();
    matches!(primary, "ar" | "he" | "fa" | "ur")
}

/// Clicks inside the shadow root (buttons, overlay) and Esc anywhere in the document.
fn listen(doc: &Document, shadow: &ShadowRoot) -> Result<(), GuidesError> {
    let on_click = Closure::<dyn Fn(Event)>::new(|event: Event| {
        if let Some((campaign, click)) = clicked(&event) {
            shell::message_click(campaign, click);
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

    // Anchored cards follow their anchors: scrolls anywhere (capture), resizes, and changes
    // of the host's DOM that move them (our own shadow tree is not observed).
    let on_move = Closure::<dyn Fn()>::new(shell::reposition);
    if let Some(window) = web_sys::window() {
        js::listen(&window, "scroll", on_move.as_ref(), true)?;
        js::listen(&window, "resize", on_move.as_ref(), false)?;
    }
    let observer = web_sys::MutationObserver::new(on_move.as_ref().unchecked_ref())?;
    if let Some(root) = doc.document_element() {
        let options = web_sys::MutationObserverInit::new();
        options.set_child_list(true);
        options.set_subtree(true);
        options.set_attributes(true);
        observer.observe_with_options(&root, &options)?;
    }
    on_move.forget();
    Ok(())
}

/// Which message a click is about, and what it means.
fn clicked(event: &Event) -> Option<(String, Click)> {
    let target: Element = event.target()?.dyn_into().ok()?;
    if let Some(campaign) = target.get_attribute("data-cairn-overlay") {
        return Some((campaign, Click::Outcome(MessageAction::Dismissed)));
    }
    let button = target.closest("[data-cairn-action]").ok()??;
    let message = button.closest("[data-cairn-message]").ok()??;
    let campaign = message.get_attribute("data-cairn-message")?;
    let click = match button.get_attribute("data-cairn-action")?.as_str() {
        "cta" => Click::Outcome(MessageAction::Clicked),
        "snooze" => Click::Outcome(MessageAction::Snoozed),
        "next" => Click::Step(1),
        "back" => Click::Step(-1),
        "send" => Click::Send,
        "score" => Click::Score(button.get_attribute("data-cairn-score")?.parse().ok()?),
        "go" => Click::Go(button.get_attribute("data-cairn-url")?),
        "approve" | "reject" => {
            let id = button.get_attribute("data-cairn-approval")?;
            let verdict = if button.get_attribute("data-cairn-action")? == "approve" {
                protocol::v1::Verdict::Approve
            } else {
                protocol::v1::Verdict::Reject
            };
            Click::Decide(id, verdict)
        }
        "ask" => Click::Ask,
        _ => Click::Outcome(MessageAction::Dismissed),
    };
    Some((campaign, click))
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
