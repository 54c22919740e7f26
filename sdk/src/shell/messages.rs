//! Messages: rendering a decision's messages and reporting what the user does with them.

use protocol::v1::{MessageAction, MessageDto};

use super::Sdk;
use crate::event;
use crate::render::{self, Renderer};

impl Sdk {
    /// Renders new messages and reports them `shown`.
    pub(super) fn render(&mut self, messages: &[MessageDto]) {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if messages.is_empty() {
            return;
        }
        if self.renderer.is_none() {
            match Renderer::new(&doc) {
                Ok(renderer) => self.renderer = Some(renderer),
                Err(err) => return self.debug_warn(&err),
            }
        }
        let shown = self
            .renderer
            .as_mut()
            .map(|r| r.show(&doc, messages))
            .unwrap_or_default();
        for campaign in &shown {
            self.report(campaign, MessageAction::Shown);
        }
    }

    /// Removes a message after a click or Esc, reports it, and follows a clicked CTA.
    pub(super) fn close_message(&mut self, campaign: &str, action: MessageAction) {
        let Some(cta_url) = self.renderer.as_mut().and_then(|r| r.close(campaign)) else {
            return;
        };
        self.report(campaign, action);
        if let (MessageAction::Clicked, Some(url)) = (action, cta_url) {
            render::navigate(&url);
        }
    }

    /// Queues a `message` event and flushes at once.
    pub(super) fn report(&mut self, campaign: &str, action: MessageAction) {
        let event = event::message_event(&self.who, campaign, action);
        self.engine.request_flush();
        self.record(&event);
    }
}
