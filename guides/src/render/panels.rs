//! The collaboration panels on screen: the approver's inbox and the "who should approve?"
//! dialog (built by `collab`), shown in the messages' shadow root.

use web_sys::{Document, HtmlElement};

use super::{Renderer, collab};
use crate::error::GuidesError;
use wasm_bindgen::JsCast;

impl Renderer {
    /// Shows the approver's inbox (replacing an older one).
    pub(crate) fn show_inbox(
        &mut self,
        doc: &Document,
        approvals: &[protocol::v1::ApprovalDto],
    ) -> Result<(), GuidesError> {
        self.remove_panel(collab::INBOX);
        self.attach(doc)?;
        let panel = collab::inbox(doc, approvals)?;
        self.shadow.append_child(&panel)?;
        Ok(())
    }

    /// Shows the "who should approve?" dialog, modal, focus on its close button.
    pub(crate) fn show_prompt(
        &mut self,
        doc: &Document,
        resource: &protocol::v1::ResourceDto,
        approvers: &[protocol::v1::ApproverSuggestion],
    ) -> Result<(), GuidesError> {
        self.remove_panel(collab::PROMPT);
        self.attach(doc)?;
        let (dialog, focus) = collab::prompt(doc, resource, approvers)?;
        self.prompt_restore = doc
            .active_element()
            .map(|e| e.unchecked_into::<HtmlElement>());
        self.shadow.append_child(&dialog)?;
        if let Some(d) = dialog.dyn_ref::<web_sys::HtmlDialogElement>() {
            d.show_modal()?;
        }
        let _ = focus.focus();
        Ok(())
    }

    /// Removes a collaboration panel (and the `<dialog>` around it).
    pub(crate) fn remove_panel(&mut self, campaign: &str) {
        if let Some(root) = self.root_of(campaign) {
            match root.parent_element().filter(|p| p.tag_name() == "DIALOG") {
                Some(dialog) => dialog.remove(),
                None => root.remove(),
            }
        }
        // Focus returns to what opened the dialog, when it is still on the page.
        if campaign == collab::PROMPT
            && let Some(el) = self.prompt_restore.take().filter(|e| e.is_connected())
        {
            let _ = el.focus();
        }
    }

    fn attach(&self, doc: &Document) -> Result<(), GuidesError> {
        if !self.host.is_connected() {
            doc.body()
                .ok_or(GuidesError::NoBody)?
                .append_child(&self.host)?;
        }
        Ok(())
    }
}
