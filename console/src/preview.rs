//! The live preview's input, built from the draft: the message the edge would send (made by
//! `protocol::v1::message_dto`, the code the edge's decisions use) for a chosen locale,
//! experiment arm, tour step and checklist progress, wrapped as an events response — the body
//! the SDK's guides module renders. Pure, natively tested.

use protocol::Problem;
use protocol::v1::{
    CampaignDoc, DecisionDto, EventsResponse, MessageDto, Shown, control::to_text, message_dto,
    parse_campaign,
};

/// What the preview shows of the draft.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Choice {
    /// A locale tag (`""`: the default texts).
    pub(crate) locale: String,
    /// An experiment variant id (`""`: the campaign's own content).
    pub(crate) variant: String,
    /// The tour step (0-based).
    pub(crate) step: u32,
    /// How many checklist tasks are done (the first ones).
    pub(crate) done: u32,
}

/// What the editor's controls may choose from, read off a valid draft.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Options {
    /// The surface.
    pub(crate) surface: String,
    /// Translated locales.
    pub(crate) locales: Vec<String>,
    /// Experiment variants.
    pub(crate) variants: Vec<String>,
    /// Tour steps.
    pub(crate) steps: u32,
    /// Checklist tasks.
    pub(crate) tasks: u32,
}

/// Languages written right to left (their previews set `dir="rtl"`, as the SDK does).
pub(crate) const RTL: [&str; 4] = ["ar", "he", "fa", "ur"];

/// The controls' options for the draft `text` (`None` when it is not a valid document).
pub(crate) fn options(text: &str) -> Option<Options> {
    let (doc, _) = parse_campaign(text).ok()?;
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Some(Options {
        surface: to_text(&doc.surface).trim_matches('"').to_owned(),
        locales: doc.content.locales.keys().cloned().collect(),
        variants: doc
            .experiment
            .iter()
            .flat_map(|e| &e.variants)
            .map(|v| v.id.clone())
            .collect(),
        steps: count(doc.content.steps.len()),
        tasks: count(doc.content.tasks.len()),
    })
}

/// The message for `choice`, as the edge would send it, made showable on the preview page: its
/// route (`page`) and delay are the campaign's delivery rules, not its look, so they are left
/// out; a tour step's page likewise.
pub(crate) fn message(doc: &CampaignDoc, choice: &Choice) -> MessageDto {
    let tasks = doc.content.tasks.len();
    let done = usize::try_from(choice.done).unwrap_or(usize::MAX);
    let shown = Shown {
        variant: Some(choice.variant.as_str()).filter(|v| !v.is_empty()),
        step: choice
            .step
            .min(u32::try_from(doc.content.steps.len().saturating_sub(1)).unwrap_or(0)),
        done: (0..tasks).map(|i| i < done).collect(),
        locale: Some(choice.locale.as_str()).filter(|l| !l.is_empty()),
    };
    let mut m = message_dto(doc, doc.surface, &shown);
    m.page = None;
    m.delay_seconds = None;
    for step in &mut m.content.steps {
        step.page = None;
    }
    m
}

/// The anchors the preview page must provide for `m`: `data-cairn-anchor` names and CSS
/// selectors, in order, without repeats.
pub(crate) fn anchors(m: &MessageDto) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |kind: &str, value: &str| {
        let pair = (kind.to_owned(), value.to_owned());
        if !out.contains(&pair) {
            out.push(pair);
        }
    };
    if let Some(name) = &m.wait_for {
        add("name", name);
    }
    let step_anchors = m.content.steps.iter().filter_map(|s| s.anchor.as_ref());
    for a in m.content.anchor.iter().chain(step_anchors) {
        if let Some(name) = &a.name {
            add("name", name);
        }
        if let Some(selector) = &a.selector {
            add("selector", selector);
        }
    }
    out
}

/// The preview's input for `text` and `choice`: `{"body": events response, "anchors": [[kind,
/// value]…], "dir": "ltr"|"rtl"}` as JSON, or the draft's problem.
pub(crate) fn input(text: &str, choice: &Choice) -> Result<String, Problem> {
    let (doc, _) = parse_campaign(text)?;
    let m = message(&doc, choice);
    let language = choice.locale.split('-').next().unwrap_or_default();
    let dir = if m.lang.is_some() && RTL.contains(&language) {
        "rtl"
    } else {
        "ltr"
    };
    let anchors = anchors(&m);
    let body = EventsResponse {
        accepted: 0,
        duplicates: 0,
        rejected: Vec::new(),
        decision: Some(DecisionDto {
            rules_version: rules::RULES_VERSION,
            messages: vec![m],
            verdicts: None,
            dropped: None,
        }),
        approvals: 0,
    };
    Ok(format!(
        "{{\"body\":{},\"anchors\":{},\"dir\":\"{dir}\"}}",
        to_text(&body),
        to_text(&anchors)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BANNER: &str = r#"{"id":"b","surface":"banner","recurrence":"once",
        "trigger":{"page":"/reports/*"},"delay_seconds":5,
        "content":{"title":"Hello","body":"Hi **there**","cta":{"label":"Go","url":"/x"},
        "locales":{"fr":{"title":"Bonjour","cta_label":"Aller"},"ar":{"title":"مرحبا"}}}}"#;

    const TOUR: &str = r##"{"id":"t","surface":"tour","recurrence":"once",
        "content":{"title":"Tour","body":"b","steps":[
          {"title":"One","body":"1","anchor":{"name":"new"},"page":"/a"},
          {"title":"Two","body":"2","anchor":{"selector":"#total"}},
          {"title":"Three","body":"3","anchor":{"name":"new"}}]}}"##;

    const CHECKLIST: &str = r#"{"id":"c","surface":"checklist","recurrence":"until_completed",
        "content":{"title":"Get started","body":"b","tasks":[
          {"label":"A","event":"a"},{"label":"B","event":"b"},{"label":"C","event":"c"}]}}"#;

    fn value(text: &str, choice: &Choice) -> serde_json::Value {
        serde_json::from_str(&input(text, choice).expect("valid")).expect("json")
    }

    #[test]
    fn options_are_read_off_the_draft() {
        let cases = [
            (BANNER, "banner", vec!["ar", "fr"], 0, 0),
            (TOUR, "tour", vec![], 3, 0),
            (CHECKLIST, "checklist", vec![], 0, 3),
        ];
        for (text, surface, locales, steps, tasks) in cases {
            let o = options(text).expect("valid");
            assert_eq!(o.surface, surface);
            assert_eq!(o.locales, locales);
            assert_eq!((o.steps, o.tasks), (steps, tasks), "{surface}");
        }
        assert_eq!(options("{"), None);
    }

    #[test]
    fn the_message_is_the_delivered_one_in_the_chosen_language() {
        let cases = [
            ("", "Hello", "Go", None, "ltr"),
            ("fr", "Bonjour", "Aller", Some("fr"), "ltr"),
            ("fr-CA", "Bonjour", "Aller", Some("fr"), "ltr"),
            ("ar", "مرحبا", "Go", Some("ar"), "rtl"),
            ("de", "Hello", "Go", None, "ltr"),
        ];
        for (locale, title, cta, lang, dir) in cases {
            let choice = Choice {
                locale: locale.into(),
                ..Choice::default()
            };
            let v = value(BANNER, &choice);
            let m = &v["body"]["decision"]["messages"][0];
            assert_eq!(m["content"]["title"], title, "{locale}");
            assert_eq!(m["content"]["cta"]["label"], cta, "{locale}");
            assert_eq!(m["lang"].as_str(), lang, "{locale}");
            assert_eq!(v["dir"], dir, "{locale}");
            assert!(m.get("page").is_none() && m.get("delay_seconds").is_none());
        }
    }

    #[test]
    fn tour_steps_and_checklist_progress_are_chosen() {
        for (step, expected) in [(0, 0), (2, 2), (9, 2)] {
            let choice = Choice {
                step,
                ..Choice::default()
            };
            let v = value(TOUR, &choice);
            let m = &v["body"]["decision"]["messages"][0];
            assert_eq!(m["step"].as_u64().unwrap_or(0), expected);
            assert!(m["content"]["steps"][0].get("page").is_none());
            assert_eq!(
                v["anchors"],
                serde_json::json!([["name", "new"], ["selector", "#total"]])
            );
        }
        for (done, expected) in [
            (0, vec![false, false, false]),
            (2, vec![true, true, false]),
            (5, vec![true, true, true]),
        ] {
            let choice = Choice {
                done,
                ..Choice::default()
            };
            let v = value(CHECKLIST, &choice);
            assert_eq!(
                v["body"]["decision"]["messages"][0]["done"],
                serde_json::json!(expected)
            );
        }
    }

    #[test]
    fn an_invalid_draft_is_not_previewed() {
        let p = input(r#"{"id":"b"}"#, &Choice::default()).expect_err("invalid");
        assert!(!p.message.is_empty());
    }
}
