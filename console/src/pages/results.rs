//! Results: every campaign at a glance (shown, CTR, goal rate, a sparkline of
//! the users shown per day), and one campaign's results (its goal, funnel, steps, days with a
//! chart, the experiment's arms and verdict, the survey's answers and comments), for a range of
//! days. Every table exports as CSV; every chart has its figures in a table beside it.
//!
//! The range picker is a Leptos view; the figures under it are drawn with DOM calls (text
//! only, never markup) from `results`' grids: a few small functions instead of a view type
//! per table, which keeps the console's wasm within its budget.

use std::cell::{Cell, RefCell};

use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::{CampaignResults, ResultsOverview, TablesView};
use wasm_bindgen::{JsCast as _, JsValue, UnwrapThrowExt as _};
use wasm_bindgen_futures::JsFuture;
use web_sys::Element;

use crate::api::{self, Refusal};
use crate::results::{self as r, Grid};
use crate::route::{Page, Tab};
use crate::ui::{Ctx, refusal_text};

/// The comments table, paged: its grid, the page shown, and where it is drawn.
type Comments = (Grid, usize, Element);

thread_local! {
    /// The range last chosen, kept while the console is open (overview ↔ campaign).
    static RANGE: Cell<Option<(i64, i64)>> = const { Cell::new(None) };
    /// `charts.js` loading or loaded.
    static CHARTS: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
    /// The CSV files of the tables shown: (file name, text), by `data-csv` index.
    static EXPORTS: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
    /// The comments shown, when the page has them.
    static COMMENTS: RefCell<Option<Comments>> = const { RefCell::new(None) };
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// Where the figures are from: their workspace, campaign (empty: the overview) and range.
#[derive(Debug, Clone)]
pub(super) struct Here {
    pub(super) ws: String,
    /// The campaign, or the page's name (its tables' ids start with it).
    pub(super) campaign: String,
    pub(super) range: (i64, i64),
}

/// Appends a `tag` element holding `text` (as text) to `parent`.
pub(super) fn add(parent: &Element, tag: &str, text: &str) -> Element {
    let e = document().create_element(tag).unwrap_throw();
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    let _ = parent.append_child(&e);
    e
}

pub(super) fn set(e: &Element, name: &str, value: &str) {
    let _ = e.set_attribute(name, value);
}

/// Appends a `tag` element of `class` holding `text`.
pub(super) fn add_class(parent: &Element, tag: &str, class: &str, text: &str) -> Element {
    let e = add(parent, tag, text);
    set(&e, "class", class);
    e
}

/// Appends a section headed `title` (an `h2` of id `id`).
pub(super) fn section(parent: &Element, id: &str, title: &str) -> Element {
    let s = add(parent, "section", "");
    set(&s, "aria-labelledby", id);
    set(&add(&s, "h2", title), "id", id);
    s
}

/// The range shown: the last chosen, else the last 30 days.
fn range() -> RwSignal<(i64, i64)> {
    let range = RwSignal::new(
        RANGE
            .get()
            .unwrap_or_else(|| r::preset(r::day_of_ms(now()), 30)),
    );
    Effect::new(move |_| RANGE.set(Some(range.get())));
    range
}

/// `GET path` for the range and draws the answer with `draw` into `slot`, again whenever the
/// range changes (an answer for a range no longer chosen is dropped).
fn follow(
    path: String,
    here: Here,
    range: RwSignal<(i64, i64)>,
    extra: RwSignal<String>,
    slot: NodeRef<Div>,
    draw: fn(&Element, &str, &Here) -> Result<(), Refusal>,
) {
    Effect::new(move |_| {
        let asked = range.get();
        let more = extra.get();
        let Some(el) = slot.get() else { return };
        let el: Element = el.into();
        el.set_text_content(None);
        set(
            &add_class(&el, "p", "muted", "Loading the results…"),
            "role",
            "status",
        );
        let here = Here {
            range: asked,
            ..here.clone()
        };
        let wanted = more.clone();
        let then = move |answer: Result<String, Refusal>| {
            if range.try_get_untracked() != Some(asked)
                || extra.try_get_untracked().as_ref() != Some(&wanted)
            {
                return;
            }
            el.set_text_content(None);
            // Exports are never cleared: two slots (a campaign's results and its adoption)
            // draw into the same list, each button keeping its own index.
            if let Err(e) = answer.and_then(|text| draw(&el, &text, &here)) {
                set(
                    &add_class(&el, "p", "error", &refusal_text(&e)),
                    "role",
                    "alert",
                );
            }
        };
        api::get_then(format!("{path}{}{more}", r::query(asked)), Box::new(then));
    });
}

/// The range picker: two date inputs and the presets.
fn picker(range: RwSignal<(i64, i64)>) -> impl IntoView {
    let today = r::day_of_ms(now());
    let end = move |from: bool| {
        move |ev: leptos::ev::Event| {
            if let Some(day) = r::day_of(&event_target_value(&ev)) {
                range.update(|x| *x = r::with_end(*x, from, day));
            }
        }
    };
    view! {
        <div class="filters" role="group" aria-label="Days (UTC)">
            <div>
                <label for="range-from">"From"</label>
                <input
                    id="range-from"
                    type="date"
                    prop:value=move || r::day_text(range.get().0)
                    on:change=end(true)
                />
            </div>
            <div>
                <label for="range-to">"To"</label>
                <input
                    id="range-to"
                    type="date"
                    prop:value=move || r::day_text(range.get().1)
                    on:change=end(false)
                />
            </div>
            <div class="toggles">
                {r::PRESETS
                    .map(|n| {
                        let days = r::preset(today, n);
                        view! {
                            <button
                                type="button"
                                class="toggle"
                                aria-pressed=move || (range.get() == days).to_string()
                                on:click=move |_| range.set(days)
                            >
                                {format!("Last {n} days")}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        </div>
    }
}

/// Saves `text` as the file `name` through a Blob URL and a link with `download` (no inline
/// code, no navigation: the console's CSP allows it).
fn download(name: &str, text: &str) {
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("text/csv;charset=utf-8");
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(body) = document().body()
        && let Ok(a) = add(&body, "a", "").dyn_into::<web_sys::HtmlElement>()
    {
        set(&a, "href", &url);
        set(&a, "download", name);
        a.click();
        a.remove();
    }
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
}

/// Clicks in the figures: an Export CSV button, or the comments' pager.
fn clicked(ev: &leptos::ev::MouseEvent) {
    let Some(button) = ev
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|t| t.closest("button[data-do]").ok().flatten())
    else {
        return;
    };
    let what = button.get_attribute("data-do").unwrap_or_default();
    if let Some(i) = what.strip_prefix("csv-") {
        let i: usize = i.parse().unwrap_or(usize::MAX);
        EXPORTS.with_borrow(|x| {
            if let Some((name, text)) = x.get(i) {
                download(name, text);
            }
        });
    } else {
        let step = if what == "older" { 1 } else { -1 };
        COMMENTS.with_borrow_mut(|c| {
            if let Some((g, page, el)) = c {
                *page = page.saturating_add_signed(step);
                comments_page(g, *page, el);
            }
        });
    }
}

/// A table of `g`'s rows `start..end`; `special` draws the cells it wants drawn otherwise (a
/// link, a sparkline) and says so.
fn table(
    parent: &Element,
    g: &Grid,
    (start, end): (usize, usize),
    special: &dyn Fn(&Element, usize, &str) -> bool,
) {
    // The wrapper scrolls a wide table, so keyboards reach it: a named, focusable region.
    let wrap = add_class(parent, "div", "figures", "");
    for (k, v) in [
        ("tabindex", "0"),
        ("role", "region"),
        ("aria-label", &g.name),
    ] {
        set(&wrap, k, v);
    }
    let t = add_class(&wrap, "table", "list figures", "");
    add_class(&t, "caption", "sr-only", &g.name);
    let head = add(&add(&t, "thead", ""), "tr", "");
    for c in &g.columns {
        set(&add(&head, "th", c), "scope", "col");
    }
    let body = add(&t, "tbody", "");
    for row in &g.rows[start..end] {
        let tr = add(&body, "tr", "");
        for (i, c) in row.iter().enumerate() {
            let cell = add(&tr, if i == 0 { "th" } else { "td" }, "");
            if i == 0 {
                set(&cell, "scope", "row");
            }
            if !special(&cell, i, c) {
                cell.set_text_content(Some(c));
            }
        }
    }
}

fn plain(_: &Element, _: usize, _: &str) -> bool {
    false
}

/// A button that does `what` (see [`clicked`]), with hidden words completing its name.
fn button(parent: &Element, label: &str, hidden: &str, what: &str) -> Element {
    let b = add(parent, "button", label);
    set(&b, "type", "button");
    set(&b, "data-do", what);
    if !hidden.is_empty() {
        add_class(&b, "span", "sr-only", hidden);
    }
    b
}

/// The Export CSV button of `g`: every row, as shown.
fn export(parent: &Element, g: &Grid, here: &Here) {
    let prefix = if here.campaign.is_empty() {
        "results"
    } else {
        &here.campaign
    };
    let i = EXPORTS.with_borrow_mut(|x| {
        // A byte-order mark, so spreadsheets read the text as UTF-8.
        let text = format!("\u{feff}{}", r::csv(g));
        x.push((r::file_name(prefix, g, here.range), text));
        x.len() - 1
    });
    button(
        &add_class(parent, "div", "actions", ""),
        "Export CSV",
        &format!(" of {}", g.name),
        &format!("csv-{i}"),
    );
}

/// A table of figures with its Export CSV button (or a line saying there is nothing).
fn grid(parent: &Element, g: &Grid, here: &Here) {
    if g.rows.is_empty() {
        add_class(parent, "p", "empty", "Nothing in this range.");
    } else {
        table(parent, g, (0, g.rows.len()), &plain);
        export(parent, g, here);
    }
}

/// The comments: 20 at a time, with a pager when there are more.
fn comments(parent: &Element, g: Grid, here: &Here) {
    if g.rows.is_empty() {
        add_class(parent, "p", "empty", "No comment in this range.");
        return;
    }
    let shown = add(parent, "div", "");
    if g.rows.len() > r::COMMENTS_PAGE {
        let pager = add_class(parent, "div", "actions", "");
        button(&pager, "Newer", " comments", "newer");
        set(&add(&pager, "span", ""), "role", "status");
        button(&pager, "Older", " comments", "older");
    }
    export(parent, &g, here);
    comments_page(&g, 0, &shown);
    COMMENTS.set(Some((g, 0, shown)));
}

/// Draws page `page` of the comments into `el`, and updates its pager (the element after it).
fn comments_page(g: &Grid, page: usize, el: &Element) {
    let (start, end, words) = r::comments_page(g.rows.len(), page);
    el.set_text_content(None);
    table(el, g, (start, end), &plain);
    if let Some(pager) = el.next_element_sibling() {
        let parts = pager.children();
        let state = [start == 0, false, end == g.rows.len()];
        for (i, off) in state.into_iter().enumerate() {
            if let Some(e) = parts.item(i as u32) {
                if i == 1 {
                    e.set_text_content(Some(&words));
                } else {
                    let _ = e.toggle_attribute_with_force("disabled", off);
                }
            }
        }
    }
}

/// A sparkline of the users shown per day (the overview's cell text: the numbers, spaced).
fn sparkline(parent: &Element, daily: &str) {
    const SVG: &str = "http://www.w3.org/2000/svg";
    let values: Vec<u64> = daily.split(' ').filter_map(|v| v.parse().ok()).collect();
    let (points, label) = r::sparkline(&values);
    let svg = document()
        .create_element_ns(Some(SVG), "svg")
        .unwrap_throw();
    for (k, v) in [
        ("class", "spark"),
        ("viewBox", "0 0 100 20"),
        ("preserveAspectRatio", "none"),
        ("role", "img"),
        ("aria-label", &label),
    ] {
        set(&svg, k, v);
    }
    let line = document()
        .create_element_ns(Some(SVG), "polyline")
        .unwrap_throw();
    set(&line, "points", &points);
    let _ = svg.append_child(&line);
    let _ = parent.append_child(&svg);
}

/// Loads `charts.js` (which loads uPlot): once per console, on the first chart.
fn load_charts() -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, reject| {
        if let Some(body) = document().body()
            && let Ok(s) = document()
                .create_element("script")
                .unwrap_throw()
                .dyn_into::<web_sys::HtmlElement>()
        {
            set(&s, "src", "/console/charts.js");
            s.set_onload(Some(&resolve));
            s.set_onerror(Some(&reject));
            let _ = body.append_child(&s);
        } else {
            let _ = reject.call0(&JsValue::NULL);
        }
    })
}

/// Draws the chart `spec` into `el` with `charts.js`.
async fn draw(el: Element, spec: String) -> Result<(), JsValue> {
    let loading = CHARTS.with_borrow_mut(|p| p.get_or_insert_with(load_charts).clone());
    if let Err(e) = JsFuture::from(loading).await {
        CHARTS.set(None); // the next chart tries again
        return Err(e);
    }
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let chart: js_sys::Function =
        js_sys::Reflect::get(&window, &JsValue::from_str("cairnChart"))?.dyn_into()?;
    let drawn: js_sys::Promise = chart.call2(&window, &el, &spec.into())?.dyn_into()?;
    JsFuture::from(drawn).await.map(drop)
}

/// The daily chart: a figure whose plot is an image named by its summary, with its legend;
/// its figures are in the table after it.
fn chart(parent: &Element, c: &CampaignResults) {
    let figure = add_class(parent, "figure", "chart", "");
    let plot = add_class(&figure, "div", "plot", "");
    set(&plot, "role", "img");
    set(&plot, "aria-label", &r::chart_label(&c.daily));
    let legend = add_class(&add(&figure, "figcaption", ""), "ul", "legend", "");
    for (i, (name, _, _)) in r::DAILY_SERIES.iter().enumerate() {
        add_class(&legend, "li", &format!("s{i}"), name);
    }
    let spec = r::chart_spec(&c.daily);
    spawn_local(async move {
        if draw(plot, spec).await.is_err() {
            add_class(
                &figure,
                "p",
                "muted",
                "The chart did not load; the table below has its figures.",
            );
        }
    });
}

/// The overview's figures.
fn draw_overview(el: &Element, text: &str, here: &Here) -> Result<(), Refusal> {
    let o: &ResultsOverview = &api::decode(text)?;
    add_class(el, "p", "muted", &r::ago(now(), o.updated_at));
    let g = r::overview_grid(o);
    if g.rows.is_empty() {
        add_class(el, "p", "empty", "No campaign yet.");
        return Ok(());
    }
    let special = |cell: &Element, col: usize, text: &str| match col {
        0 => {
            let href = Page::CampaignResults(here.ws.clone(), text.to_owned()).href();
            set(&add(cell, "a", text), "href", &href);
            true
        }
        5 => {
            sparkline(cell, text);
            true
        }
        _ => false,
    };
    table(el, &g, (0, g.rows.len()), &special);
    export(el, &g, here);
    Ok(())
}

/// One campaign's figures.
fn draw_campaign(el: &Element, text: &str, here: &Here) -> Result<(), Refusal> {
    COMMENTS.set(None);
    let c: &CampaignResults = &api::decode(text)?;
    add_class(el, "p", "muted", &r::ago(now(), c.updated_at));
    let goal = add_class(el, "p", "goal", "");
    match &c.goal {
        Some(g) => {
            goal.set_text_content(Some("Goal: "));
            add(&goal, "strong", g);
        }
        None => {
            goal.set_text_content(Some("No goal, so conversions are not measured. "));
            let form = Page::Campaign(here.ws.clone(), here.campaign.clone()).href();
            set(
                &add(&goal, "a", "Add a goal in the form to measure conversions."),
                "href",
                &form,
            );
        }
    }
    if r::is_empty(c) {
        add_class(
            el,
            "p",
            "empty",
            "Nothing recorded in this range yet: figures arrive a few minutes after users see \
             the campaign.",
        );
    }
    if !c.arms.is_empty() {
        let s = section(el, "experiment-heading", "Experiment");
        if let Some(srm) = c.srm.filter(|s| s.mismatch) {
            set(
                &add_class(&s, "p", "warning", &r::srm_warning(srm.p_value)),
                "role",
                "note",
            );
        }
        if let Some(v) = &c.verdict {
            add_class(&s, "p", "verdict", v);
        }
        grid(&s, &r::arms_grid(&c.arms), here);
    }
    grid(
        &section(el, "funnel-heading", "Funnel"),
        &r::funnel_grid(&c.funnel),
        here,
    );
    if !c.steps.is_empty() {
        let shown = r::users(&c.funnel, "shown");
        grid(
            &section(el, "steps-heading", "Steps"),
            &r::steps_grid(&c.steps, shown),
            here,
        );
    }
    let days = section(el, "daily-heading", "Day by day");
    chart(&days, c);
    grid(&days, &r::daily_grid(&c.daily), here);
    if let Some(s) = &c.survey {
        let survey = section(el, "survey-heading", "Survey");
        grid(&survey, &r::survey_grid(s), here);
        add(&survey, "h3", "By week");
        grid(&survey, &r::weekly_grid(s), here);
        add(&survey, "h3", "Latest comments");
        comments(&survey, r::comments_grid(&s.comments), here);
    }
    Ok(())
}

/// The results overview: every campaign that is not archived.
pub(crate) fn overview(_cx: Ctx, ws: String) -> impl IntoView {
    let range = range();
    let slot = NodeRef::<Div>::new();
    let path = api::ws_path(&ws, "/results");
    let here = Here {
        ws,
        campaign: String::new(),
        range: range.get_untracked(),
    };
    follow(
        path,
        here,
        range,
        RwSignal::new(String::new()),
        slot,
        draw_overview,
    );
    view! {
        <h1 tabindex="-1">"Results"</h1>
        {picker(range)}
        <div class="slot" node_ref=slot on:click=move |ev| clicked(&ev)></div>
    }
}

/// Tables the edge computes (the portfolio's value pyramid, accounts and renewal review; an
/// announcement's adoption), each with its note and its Export CSV; nothing when there are none.
pub(super) fn draw_tables(el: &Element, text: &str, here: &Here) -> Result<(), Refusal> {
    let v = TablesView::from_json(text).map_err(|p| api::unexpected(&p.message))?;
    if v.tables.is_empty() {
        return Ok(());
    }
    add_class(el, "p", "muted", &r::ago(now(), v.updated_at));
    for (i, t) in v.tables.into_iter().enumerate() {
        let s = section(el, &format!("{}-{i}", here.campaign), &t.name);
        add_class(&s, "p", "muted", &t.note);
        let g = Grid {
            name: t.name,
            columns: t.columns,
            text: &[0],
            rows: t.rows,
        };
        grid(&s, &g, here);
    }
    Ok(())
}

/// The accounts page's filters: (query parameter, label, options as (value, text)).
type Filter = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// (A filter without options is a text input: the stage and the CSM are the workspace's own.)
const FILTERS: [Filter; 6] = [
    (
        "tier",
        "Tier",
        &[
            ("", "Any"),
            ("high", "High"),
            ("medium", "Medium"),
            ("low", "Low"),
            ("none", "None"),
        ],
    ),
    (
        "colour",
        "Health",
        &[
            ("", "Any"),
            ("red", "Red"),
            ("yellow", "Yellow"),
            ("green", "Green"),
        ],
    ),
    (
        "changed_within_days",
        "Colour changed",
        &[("", "Any time"), ("7", "This week"), ("30", "In 30 days")],
    ),
    (
        "renewal_within_days",
        "Renewing",
        &[
            ("", "Any time"),
            ("90", "In 90 days"),
            ("183", "In 6 months"),
            ("365", "In a year"),
        ],
    ),
    ("stage", "Stage", &[]),
    ("csm", "CSM", &[]),
];

/// The customer-success portfolio: every account's health, riskiest first, filtered.
pub(crate) fn accounts(_cx: Ctx, ws: String) -> impl IntoView {
    let extra = RwSignal::new(String::new());
    // One listener for the filters: the query holds every select's non-empty choice.
    let changed = move |ev: leptos::ev::Event| {
        let Some(group) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<Element>().ok())
        else {
            return;
        };
        let mut q = String::new();
        if let Ok(controls) = group.query_selector_all("select, input") {
            for i in 0..controls.length() {
                let Some(el) = controls.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                    continue;
                };
                let value = js_sys::Reflect::get(&el, &JsValue::from_str("value"))
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default();
                if !value.trim().is_empty() {
                    q.push('&');
                    q.push_str(&el.id());
                    q.push('=');
                    q.push_str(&api::encode(value.trim()));
                }
            }
        }
        extra.set(q);
    };
    let slot = NodeRef::<Div>::new();
    let filters = NodeRef::<Div>::new();
    filters.on_load(|el| {
        let el: Element = el.into();
        for (id, label, options) in FILTERS {
            let div = add(&el, "div", "");
            set(&add(&div, "label", label), "for", id);
            let control = add(
                &div,
                if options.is_empty() {
                    "input"
                } else {
                    "select"
                },
                "",
            );
            set(&control, "id", id);
            for (value, text) in options {
                set(&add(&control, "option", text), "value", value);
            }
        }
    });
    let path = api::ws_path(&ws, "/accounts");
    let range = RwSignal::new(r::preset(r::day_of_ms(now()), 1));
    let here = Here {
        ws,
        campaign: "accounts".to_owned(),
        range: range.get_untracked(),
    };
    let data = NodeRef::<Div>::new();
    data.on_load(|el| super::account_data::draw(&el.into()));
    let ws = here.ws.clone();
    let submitted = move |ev| super::account_data::submitted(&ev, ws.clone());
    follow(path, here, range, extra, slot, draw_tables);
    view! {
        <h1 tabindex="-1">"Accounts"</h1>
        <div class="filters" role="group" aria-label="Filters" on:change=changed node_ref=filters></div>
        <div class="slot" node_ref=slot on:click=move |ev| clicked(&ev)></div>
        <div node_ref=data on:submit=submitted on:click=move |ev| clicked(&ev)></div>
    }
}

/// A campaign's two pages: its document and review, and its results.
pub(crate) fn campaign_nav(ws: &str, id: &str, results: bool) -> impl IntoView + use<> {
    let (ws, id) = (ws.to_owned(), id.to_owned());
    view! {
        <nav class="subnav" aria-label="Campaign">
            <a
                href=Page::Campaign(ws.clone(), id.clone()).href()
                aria-current=(!results).then_some("page")
            >
                "Document and review"
            </a>
            <a href=Page::CampaignResults(ws, id).href() aria-current=results.then_some("page")>
                "Results"
            </a>
        </nav>
    }
}

/// One campaign's results.
pub(crate) fn campaign(_cx: Ctx, ws: String, id: String) -> impl IntoView {
    let range = range();
    let slot = NodeRef::<Div>::new();
    let path = api::ws_path(&ws, &format!("/campaigns/{}/results", api::encode(&id)));
    let nav = campaign_nav(&ws, &id, true);
    let all = Page::Workspace(ws.clone(), Tab::Results).href();
    let heading = format!("{id}: results");
    let adoption = NodeRef::<Div>::new();
    let adoption_path = api::ws_path(&ws, &format!("/campaigns/{}/adoption", api::encode(&id)));
    let here = Here {
        ws,
        campaign: id,
        range: range.get_untracked(),
    };
    let none = RwSignal::new(String::new());
    follow(path, here.clone(), range, none, slot, draw_campaign);
    follow(adoption_path, here, range, none, adoption, draw_tables);
    view! {
        <p class="crumbs">
            <a href=all>"← All results"</a>
        </p>
        <h1 tabindex="-1">{heading}</h1>
        {nav}
        {picker(range)}
        <div class="slot" node_ref=slot on:click=move |ev| clicked(&ev)></div>
        <div class="slot" node_ref=adoption on:click=move |ev| clicked(&ev)></div>
    }
}
