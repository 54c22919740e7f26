//! Value-recap variables in a message's texts: `{{account.metrics.<event>.<period>}}`, the
//! account's own count of a tracked event over a calendar period (`week`, `month`,
//! `quarter`, `year`, `all_time`). Only the edge knows the account's usage, so it writes the
//! counts into the message before sending it: a count is digits, never markup, and the SDK
//! (and its size) is unchanged. Other variables stay for the SDK to fill.

use rules::RecapPeriod;

use super::campaign::invalid;
use super::content::{Content, ContentDoc};
use crate::error::Problem;

/// The variables' prefix.
pub const METRICS_PREFIX: &str = "account.metrics.";

/// One metric a message's text refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricRef {
    /// `<event>.<period>`.
    pub key: String,
    /// The tracked event counted.
    pub event: String,
    /// Over which period.
    pub period: RecapPeriod,
}

/// The paths of every `{{…}}` variable in `text` (fallbacks cut off).
fn variable_paths(text: &str) -> impl Iterator<Item = &str> {
    text.split("{{").skip(1).filter_map(|rest| {
        let inside = &rest[..rest.find("}}")?];
        Some(inside.split('|').next().unwrap_or(inside).trim())
    })
}

/// The metric named by a variable `path`: `None` when it is not a metric variable,
/// `Some(Err(message))` when it is one that cannot be computed.
fn metric(path: &str) -> Option<Result<MetricRef, String>> {
    let key = path.strip_prefix(METRICS_PREFIX)?;
    let Some((event, period)) = key.rsplit_once('.') else {
        return Some(Err(format!(
            "{path}: name an event and a period, as in {METRICS_PREFIX}create_expense.quarter"
        )));
    };
    Some(match RecapPeriod::parse(period) {
        // The SDK's variables hold letters, digits and `_` only.
        Some(period)
            if !event.is_empty()
                && event.len() <= 64
                && event
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
        {
            Ok(MetricRef {
                key: key.to_owned(),
                event: event.to_owned(),
                period,
            })
        }
        Some(_) => Err(format!(
            "{path}: an event name of letters, digits and _ goes before the period"
        )),
        None => Err(format!(
            "{path}: the period must be week, month, quarter, year or all_time"
        )),
    })
}

/// `text` with every metric variable replaced by its count (its fallback is not needed: a
/// count is always known, 0 at least).
fn fill_text(text: &mut String, value: &impl Fn(&MetricRef) -> u64) {
    if !text.contains(METRICS_PREFIX) {
        return;
    }
    let mut parts = text.split("{{");
    let mut out = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        let filled = part.find("}}").and_then(|end| {
            let path = part[..end].split('|').next().unwrap_or_default().trim();
            let m = metric(path)?.ok()?;
            Some(format!("{}{}", value(&m), &part[end + 2..]))
        });
        match filled {
            Some(f) => out.push_str(&f),
            None => {
                out.push_str("{{");
                out.push_str(part);
            }
        }
    }
    *text = out;
}

/// Writes the count of every `{{account.metrics.…}}` variable into the message's texts, as
/// `value` computes it.
pub fn fill_metrics(content: &mut Content, value: impl Fn(&MetricRef) -> u64) {
    let mut texts = vec![&mut content.title, &mut content.body];
    texts.extend(content.cta.as_mut().map(|c| &mut c.label));
    texts.extend(content.dismiss_label.as_mut());
    texts.extend(content.survey.as_mut().map(|s| &mut s.question));
    for s in &mut content.steps {
        texts.extend([&mut s.title, &mut s.body]);
    }
    texts.extend(content.tasks.iter_mut().map(|t| &mut t.label));
    for t in texts {
        fill_text(t, &value);
    }
}

/// Refuses metric variables that cannot be computed, at the field of `content` that holds
/// them. The control plane checks this when a campaign is saved; it is not part of
/// `parse_campaign`, so the console's module stays without it.
pub fn check_metrics(content: &ContentDoc) -> Result<(), Problem> {
    let mut fields: Vec<(String, &str)> = vec![
        ("title".into(), content.title.as_str()),
        ("body".into(), content.body.as_str()),
    ];
    fields.extend(
        content
            .cta
            .as_ref()
            .map(|c| ("cta.label".into(), c.label.as_str())),
    );
    for (i, s) in content.steps.iter().enumerate() {
        fields.push((format!("steps[{i}].title"), s.title.as_str()));
        fields.push((format!("steps[{i}].body"), s.body.as_str()));
    }
    for (lang, t) in &content.locales {
        fields.extend(
            t.title
                .as_deref()
                .map(|x| (format!("locales.{lang}.title"), x)),
        );
        fields.extend(
            t.body
                .as_deref()
                .map(|x| (format!("locales.{lang}.body"), x)),
        );
    }
    for (field, text) in fields {
        if let Some(Err(message)) = variable_paths(text).filter_map(metric).find(Result::is_err) {
            return Err(invalid(&field, message));
        }
    }
    Ok(())
}
