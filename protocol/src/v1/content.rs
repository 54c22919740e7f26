//! What a message says and shows: text, call to action, survey question, tooltip anchor,
//! tour steps, checklist tasks and translations, validated at save time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Problem;
use crate::v1::campaign::{SurfaceDto, invalid};
use crate::v1::decide::check_page;
use crate::v1::ids::check_id;

/// What a message says, as authored: the texts, what the surface needs, and translations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContentDoc {
    /// Heading.
    pub title: String,
    /// Body: text in the rich-text subset, with `{{user.…}}` variables (see `docs/api.md`).
    pub body: String,
    /// Optional call to action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cta: Option<Cta>,
    /// Label of the dismiss button (default "Dismiss").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dismiss_label: Option<String>,
    /// A question answered with a score of 0-10 and an optional comment (NPS, micro-survey);
    /// the answer is sent as a `survey` event and completes the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<Survey>,
    /// The element a tooltip points at (required for tooltips).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
    /// A tour's steps, in order (1-20; tours only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// A checklist's tasks, in order (1-10; checklists only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<Task>,
    /// Translations by locale (`fr`, `fr-CA`, `ar`, …): the user's locale, then its language,
    /// then these texts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub locales: BTreeMap<String, Translation>,
}

/// What a message says, as delivered to the SDK: one language, no translation table.
/// Rendered as text only, never as HTML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Content {
    /// Heading.
    pub title: String,
    /// Body: text in the rich-text subset, with `{{user.…}}` variables (see `docs/api.md`).
    pub body: String,
    /// Optional call to action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cta: Option<Cta>,
    /// Label of the dismiss button (default "Dismiss").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dismiss_label: Option<String>,
    /// A 0-10 question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<Survey>,
    /// The element a tooltip points at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
    /// A tour's steps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// A checklist's tasks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<Task>,
}

/// A call to action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Cta {
    /// Button label.
    pub label: String,
    /// Where it leads: an `https:`/`http:` URL, a path starting with `/`, or a `#fragment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A 0-10 question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Survey {
    /// The question, e.g. "How likely are you to recommend Expensely to a colleague?".
    pub question: String,
    /// Label under 0 (e.g. "Not likely").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low_label: Option<String>,
    /// Label under 10 (e.g. "Very likely").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_label: Option<String>,
    /// Offer a comment box with this label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_label: Option<String>,
}

/// An element on the vendor's page: `{"name":"submit"}` is `[data-cairn-anchor="submit"]`
/// (preferred: stable across redesigns), `{"selector":"#total"}` a CSS selector; exactly one.
/// (A struct rather than an enum: the SDK's lean decoder reads plain objects.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    /// A `data-cairn-anchor` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A CSS selector (at most 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
}

/// One step of a tour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Heading.
    pub title: String,
    /// Body: text in the rich-text subset, with `{{user.…}}` variables (see `docs/api.md`).
    pub body: String,
    /// The element the step points at; absent: a centred card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
    /// The page the step lives on; the SDK navigates there on "Next".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

/// One checklist task, done once the user performs `event`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// What to do.
    pub label: String,
    /// The tracked event that completes it.
    pub event: String,
    /// Where to do it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Translated texts; absent fields fall back to the default content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// Heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Body text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Call-to-action label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cta_label: Option<String>,
    /// Dismiss label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dismiss_label: Option<String>,
}

fn text(field: &str, s: &str, max: usize) -> Result<(), Problem> {
    if s.trim().is_empty() || s.chars().count() > max {
        Err(invalid(field, format!("must be 1-{max} characters")))
    } else {
        Ok(())
    }
}

fn opt_text(field: &str, s: Option<&String>, max: usize) -> Result<(), Problem> {
    s.map_or(Ok(()), |s| text(field, s, max))
}

/// An http(s) URL, a path starting with `/`, or a `#fragment`.
fn check_url(field: &str, url: &str) -> Result<(), Problem> {
    let safe = url.starts_with("https://")
        || url.starts_with("http://")
        || url.starts_with('#')
        || (url.starts_with('/') && !url.starts_with("//"));
    if safe && url.len() <= 2000 {
        Ok(())
    } else {
        Err(invalid(
            field,
            "must be an http(s) URL, a path starting with / or a #fragment",
        ))
    }
}

/// A locale tag: a 2-3 letter language, optionally `-` and a 2-8 character region/script.
fn check_locale(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang = parts.next().unwrap_or_default();
    let lang_ok = (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    lang_ok && rest_ok && tag.len() <= 20
}

impl Anchor {
    /// The CSS selector that finds the anchor.
    pub fn css(&self) -> String {
        match (&self.name, &self.selector) {
            // Names are validated to `[A-Za-z0-9_.-]+`, so the selector is well-formed.
            (Some(name), _) => ["[data-cairn-anchor=\"", name, "\"]"].concat(),
            (None, Some(sel)) => sel.clone(),
            (None, None) => String::new(),
        }
    }

    fn check(&self, field: &str) -> Result<(), Problem> {
        match (&self.name, &self.selector) {
            (Some(_), Some(_)) | (None, None) => {
                Err(invalid(field, "give exactly one of `name` and `selector`"))
            }
            (Some(name), None) => {
                let ok = !name.is_empty()
                    && name.len() <= 100
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
                if ok {
                    Ok(())
                } else {
                    Err(invalid(
                        &format!("{field}.name"),
                        "1-100 characters from A-Z a-z 0-9 _ - .",
                    ))
                }
            }
            (None, Some(sel)) if sel.trim().is_empty() || sel.len() > 200 => Err(invalid(
                &format!("{field}.selector"),
                "a CSS selector of 1-200 characters",
            )),
            (None, Some(_)) => Ok(()),
        }
    }
}

impl ContentDoc {
    /// Validates the content of a message on `surface`.
    pub(crate) fn check(&self, surface: SurfaceDto) -> Result<(), Problem> {
        text("title", &self.title, 200)?;
        text("body", &self.body, 2000)?;
        opt_text("dismiss_label", self.dismiss_label.as_ref(), 60)?;
        if let Some(survey) = &self.survey {
            text("survey.question", &survey.question, 300)?;
            opt_text("survey.low_label", survey.low_label.as_ref(), 60)?;
            opt_text("survey.high_label", survey.high_label.as_ref(), 60)?;
            opt_text("survey.comment_label", survey.comment_label.as_ref(), 60)?;
        }
        if let Some(cta) = &self.cta {
            text("cta.label", &cta.label, 60)?;
            if let Some(url) = &cta.url {
                check_url("cta.url", url)?;
            }
        }
        match (&self.anchor, surface) {
            (None, SurfaceDto::Tooltip) => {
                return Err(Problem::new(
                    crate::ErrorCode::MissingField,
                    "anchor",
                    "a tooltip points at an element",
                ));
            }
            (Some(a), _) => a.check("anchor")?,
            (None, _) => {}
        }
        let (steps_ok, tasks_ok) = (
            surface == SurfaceDto::Tour,
            surface == SurfaceDto::Checklist,
        );
        if steps_ok == self.steps.is_empty() || self.steps.len() > 20 {
            return Err(invalid(
                "steps",
                "tours have 1-20 steps; other surfaces none",
            ));
        }
        if tasks_ok == self.tasks.is_empty() || self.tasks.len() > 10 {
            return Err(invalid(
                "tasks",
                "checklists have 1-10 tasks; other surfaces none",
            ));
        }
        for (i, step) in self.steps.iter().enumerate() {
            let at = format!("steps[{i}]");
            text("title", &step.title, 200).map_err(|p| p.within(&at))?;
            text("body", &step.body, 2000).map_err(|p| p.within(&at))?;
            if let Some(a) = &step.anchor {
                a.check("anchor").map_err(|p| p.within(&at))?;
            }
            check_page("page", step.page.as_deref()).map_err(|p| p.within(&at))?;
        }
        for (i, task) in self.tasks.iter().enumerate() {
            let at = format!("tasks[{i}]");
            text("label", &task.label, 200).map_err(|p| p.within(&at))?;
            check_id("event", &task.event).map_err(|p| p.within(&at))?;
            if let Some(url) = &task.url {
                check_url("url", url).map_err(|p| p.within(&at))?;
            }
        }
        for (tag, t) in &self.locales {
            let at = format!("locales.{tag}");
            if !check_locale(tag) {
                return Err(invalid(&at, "a locale such as fr, fr-CA or pt-BR"));
            }
            opt_text("title", t.title.as_ref(), 200).map_err(|p| p.within(&at))?;
            opt_text("body", t.body.as_ref(), 2000).map_err(|p| p.within(&at))?;
            opt_text("cta_label", t.cta_label.as_ref(), 60).map_err(|p| p.within(&at))?;
            opt_text("dismiss_label", t.dismiss_label.as_ref(), 60).map_err(|p| p.within(&at))?;
        }
        Ok(())
    }

    /// The content for `locale` (user locale → its language → default), as delivered, and
    /// the tag of the translation used (`None`: the default texts).
    pub fn localized(&self, locale: Option<&str>) -> (Content, Option<String>) {
        let mut out = Content {
            title: self.title.clone(),
            body: self.body.clone(),
            cta: self.cta.clone(),
            dismiss_label: self.dismiss_label.clone(),
            survey: self.survey.clone(),
            anchor: self.anchor.clone(),
            steps: self.steps.clone(),
            tasks: self.tasks.clone(),
        };
        let Some(locale) = locale else {
            return (out, None);
        };
        let language = locale.split('-').next().unwrap_or_default();
        let chosen = self
            .locales
            .get_key_value(locale)
            .or_else(|| self.locales.get_key_value(language));
        let tag = chosen.map(|(tag, _)| tag.clone());
        if let Some((_, t)) = chosen {
            if let Some(title) = &t.title {
                out.title.clone_from(title);
            }
            if let Some(body) = &t.body {
                out.body.clone_from(body);
            }
            if let (Some(cta), Some(label)) = (out.cta.as_mut(), &t.cta_label) {
                cta.label.clone_from(label);
            }
            if t.dismiss_label.is_some() {
                out.dismiss_label.clone_from(&t.dismiss_label);
            }
        }
        (out, tag)
    }
}
