//! A workspace's settings: the budget and value-tier numbers as a form, the whole document as
//! JSON validated as you type (with `protocol`, as the edge validates it), what it defines
//! (lifecycle stages, health scorecard), saving on the version it was read at (a stale base
//! is refused and can be reloaded), and the versions list.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::control::{MemberList, SettingsDto, SettingsVersionList};

use crate::api::{self, Refusal};
use crate::pages::team::ADMINS;
use crate::settings_doc::{self as sd, Field};
use crate::ui::{Ctx, Remote, fetch_into, refusal_text, remote_view, shown};

/// The settings page's state.
#[derive(Clone, Copy)]
struct State {
    path: StoredValue<String>,
    loaded: Remote<SettingsDto>,
    /// The document being edited.
    text: RwSignal<String>,
    /// The version it was read at.
    base: RwSignal<u32>,
    /// When that version was saved (ms), and by whom (user id).
    saved_at: RwSignal<(i64, String)>,
    /// What each form input holds while it is not a number the document took.
    raw: [RwSignal<Option<String>>; 5],
    /// Why each form input's text was not taken.
    wrong: [RwSignal<String>; 5],
    /// The last save's refusal.
    refused: RwSignal<Option<Refusal>>,
    saved: RwSignal<String>,
    busy: RwSignal<bool>,
    versions: Remote<SettingsVersionList>,
}

fn index(f: Field) -> usize {
    Field::ALL.iter().position(|x| *x == f).unwrap_or(0)
}

impl State {
    /// Reads the settings (and their versions) again; the edits are replaced.
    fn load(self) {
        spawn_local(async move {
            let r = api::text("GET", &self.path.get_value(), None)
                .await
                .and_then(|t| api::decode::<SettingsDto>(&t));
            if let Ok(s) = &r {
                let _ = self.text.try_set(sd::pretty(s.document.get()));
                let _ = self.base.try_set(s.version);
                let _ = self.saved_at.try_set((s.updated_at, s.updated_by.clone()));
                let _ = self.refused.try_set(None);
                let _ = self.saved.try_set(String::new());
                self.forget_form();
            }
            let _ = self.loaded.try_set(Some(r));
        });
        fetch_into(format!("{}/versions", self.path.get_value()), self.versions);
    }

    fn forget_form(self) {
        for i in 0..5 {
            let _ = self.raw[i].try_set(None);
            let _ = self.wrong[i].try_set(String::new());
        }
    }

    fn save(self) {
        self.refused.set(None);
        self.saved.set(String::new());
        let body = match sd::put_body(self.base.get_untracked(), &self.text.get_untracked()) {
            Ok(b) => b,
            Err(p) => return self.refused.set(Some(Refusal::from(&p))),
        };
        self.busy.set(true);
        spawn_local(async move {
            match api::text("PUT", &self.path.get_value(), Some(&body))
                .await
                .and_then(|t| api::decode::<SettingsDto>(&t))
            {
                Ok(s) => {
                    let _ = self.text.try_set(sd::pretty(s.document.get()));
                    let _ = self.base.try_set(s.version);
                    self.forget_form();
                    let _ = self.saved_at.try_set((s.updated_at, s.updated_by.clone()));
                    let _ = self
                        .saved
                        .try_set(format!("Settings saved as version {}.", s.version));
                    fetch_into(format!("{}/versions", self.path.get_value()), self.versions);
                }
                Err(e) => {
                    let _ = self.refused.try_set(Some(e));
                }
            }
            let _ = self.busy.try_set(false);
        });
    }

    /// The message shown at `f`: its text not taken, the document's problem there, or the
    /// API's refusal about it.
    fn message(self, f: Field) -> String {
        let wrong = self.wrong[index(f)].get();
        if !wrong.is_empty() {
            return wrong;
        }
        if let Some(p) = sd::check(&self.text.get()).filter(|p| Field::of(&p.field) == Some(f)) {
            return p.message;
        }
        self.refused
            .get()
            .filter(|e| Field::of(&e.field) == Some(f))
            .map(|e| e.message)
            .unwrap_or_default()
    }
}

/// The settings page.
#[allow(
    clippy::needless_pass_by_value,
    reason = "the app hands every page its workspace id as a String"
)]
pub(crate) fn page(cx: Ctx, ws: String) -> impl IntoView {
    let manager = cx.holds_any(&ws, &ADMINS);
    let members: Remote<MemberList> = RwSignal::new(None);
    fetch_into(api::ws_path(&ws, "/members"), members);
    let st = State {
        path: StoredValue::new(api::ws_path(&ws, "/settings")),
        loaded: RwSignal::new(None),
        text: RwSignal::new(String::new()),
        base: RwSignal::new(0),
        saved_at: RwSignal::new((0, String::new())),
        raw: std::array::from_fn(|_| RwSignal::new(None)),
        wrong: std::array::from_fn(|_| RwSignal::new(String::new())),
        refused: RwSignal::new(None),
        saved: RwSignal::new(String::new()),
        busy: RwSignal::new(false),
        versions: RwSignal::new(None),
    };
    st.load();
    let who = move |id: &str| {
        if id.is_empty() {
            return "nobody yet".to_owned();
        }
        members.with(|m| crate::ui::email_of(m, id))
    };
    // Saving does not draw the editor again (focus stays where it is): only this line changes.
    let meta = move || {
        let (at, by) = st.saved_at.get();
        match st.base.get() {
            0 => "Version 0: the defaults, never changed.".to_owned(),
            v => format!("Version {v}, saved {} by {}.", api::when(at), who(&by)),
        }
    };
    let editor = remote_view("the settings", st.loaded, move |_: &SettingsDto| {
        view! {
            <p class="muted" id="settings-version">{meta}</p>
            {form(st, manager)}
            {document(st, manager)}
        }
    });
    let versions = remote_view(
        "the versions",
        st.versions,
        move |v: &SettingsVersionList| {
            if v.versions.is_empty() {
                return view! { <p class="empty">"No saved versions yet: the defaults apply."</p> }
                    .into_any();
            }
            let rows = v
                .versions
                .iter()
                .map(|v| {
                    view! {
                        <tr>
                            <td>{v.version}</td>
                            <td>{api::when(v.updated_at)}</td>
                            <td>{who(&v.updated_by)}</td>
                            <td><code>{v.hash.chars().take(12).collect::<String>()}</code></td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                {crate::ui::table("list", "Settings versions", &["Version", "Saved", "By", "Hash"], rows)}
            }
            .into_any()
        },
    );
    view! {
        <h1 tabindex="-1">"Settings"</h1>
        {(!manager)
            .then(|| {
                view! { <p class="note">"You can read the settings. Only owners and admins change them."</p> }
            })}
        <div class="slot">{editor}</div>
        <section aria-labelledby="versions-heading">
            <h2 id="versions-heading">"Versions"</h2>
            <div class="slot">{versions}</div>
        </section>
    }
}

/// The budget and value-tier numbers: each input writes its number into the document.
fn form(st: State, manager: bool) -> impl IntoView {
    let input = move |f: Field| {
        let i = index(f);
        let error_id = format!("{}-error", f.id());
        let message = move || st.message(f);
        view! {
            <div class="field">
                <label for=f.id()>{f.label()}</label>
                <input
                    id=f.id()
                    inputmode="decimal"
                    readonly=!manager
                    aria-describedby=error_id.clone()
                    aria-invalid=move || if message().is_empty() { "false" } else { "true" }
                    prop:value=move || st.raw[i].get().unwrap_or_else(|| sd::value(&st.text.get(), f))
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        st.raw[i].set(Some(v.clone()));
                        match sd::set(&st.text.get_untracked(), f, &v) {
                            Ok(t) => {
                                st.wrong[i].set(String::new());
                                st.text.set(t);
                            }
                            Err(p) => st.wrong[i].set(p.message),
                        }
                    }
                />
                <p id=error_id class="error" aria-live="polite">{message}</p>
            </div>
        }
    };
    view! {
        <section aria-labelledby="budget-heading">
            <h2 id="budget-heading">"Frequency budget"</h2>
            <p class="muted">"How many messages a user may see, over every surface."</p>
            <div class="grid3">
                {[Field::MaxCampaigns, Field::WindowHours, Field::InterruptivePerSession]
                    .into_iter()
                    .map(input)
                    .collect_view()}
            </div>
            <h2>"Value tiers"</h2>
            <p class="muted">"Accounts at or above a threshold are in that tier (what ranks them is value_tiers.value in the document)."</p>
            <div class="grid3">
                {[Field::TierHigh, Field::TierMedium].into_iter().map(input).collect_view()}
            </div>
        </section>
    }
}

/// The whole document as JSON, what it defines, and saving.
fn document(st: State, manager: bool) -> impl IntoView {
    let problem = move || sd::check(&st.text.get());
    let summary = move || {
        sd::summary(&st.text.get()).map(|s| {
            let stages = if s.default_stages {
                format!("{} (the default stages)", s.stages.join(" → "))
            } else {
                s.stages.join(" → ")
            };
            let health = if s.health.is_empty() {
                "No health scorecard.".to_owned()
            } else {
                let parts: Vec<String> = s
                    .health
                    .iter()
                    .map(|(n, w)| format!("{n} (weight {w})"))
                    .collect();
                let bands = s
                    .health_bands
                    .map(|(g, y)| format!("; green from {g}, yellow from {y}"))
                    .unwrap_or_default();
                format!("{}{bands}", parts.join(", "))
            };
            view! {
                <dl class="facts">
                    <dt>"Lifecycle stages"</dt>
                    <dd>{stages}</dd>
                    <dt>"Health scorecard"</dt>
                    <dd>{health}</dd>
                </dl>
            }
        })
    };
    let stale = move || st.refused.get().is_some_and(|e| e.code == "stale_version");
    let general = move || {
        st.refused
            .get()
            .filter(|e| Field::of(&e.field).is_none())
            .map(|e| {
                if e.code == "stale_version" {
                    format!("Not saved: someone saved a newer version ({}). Load it, then make your change again.", e.message)
                } else {
                    refusal_text(&e)
                }
            })
    };
    view! {
        <section aria-labelledby="document-heading">
            <h2 id="document-heading">"Settings document"</h2>
            <p class="muted">"Budget, value tiers, lifecycle stages, health scorecard and key features, as JSON."</p>
            <label for="settings-document">"Settings document (JSON)"</label>
            <textarea
                id="settings-document"
                class="code"
                spellcheck="false"
                rows="16"
                readonly=!manager
                aria-describedby="settings-document-status"
                aria-invalid=move || if problem().is_some() { "true" } else { "false" }
                prop:value=move || st.text.get()
                on:input=move |ev| {
                    st.forget_form();
                    st.text.set(event_target_value(&ev));
                }
            ></textarea>
            <p
                id="settings-document-status"
                aria-live="polite"
                class=move || if problem().is_some() { "error" } else { "ok" }
                data-field=move || problem().map(|p| p.field).unwrap_or_default()
            >
                {move || problem().map_or_else(|| "Valid settings document.".to_owned(), |p| sd::describe(&p))}
            </p>
            <div class="slot-facts">{summary}</div>
            {manager
                .then(|| {
                    view! {
                        <div class="actions">
                            <button
                                type="button"
                                class="primary"
                                on:click=move |_| st.save()
                                disabled=move || st.busy.get() || problem().is_some()
                            >
                                {move || format!("Save as version {}", st.base.get() + 1)}
                            </button>
                            {shown(stale, move || view! {
                                <button type="button" on:click=move |_| st.load()>
                                    "Load the latest version"
                                </button>
                            })}
                        </div>
                    }
                })}
            <p
                id="settings-status"
                role="status"
                class=move || if general().is_some() { "error" } else { "ok" }
            >
                {move || general().unwrap_or_else(|| st.saved.get())}
            </p>
        </section>
    }
}
