//! Table-driven tests of the screen's sharing rules, with the demo's boxes at 1280 × 720.

use super::*;

const VIEWPORT: Rect = Rect {
    left: 0.0,
    top: 0.0,
    right: 1280.0,
    bottom: 720.0,
};

fn card(surface: &str, left: f64, top: f64, w: f64, h: f64) -> Card {
    Card {
        region: region(surface),
        rect: Rect::at(left, top, w, h),
    }
}

// Boxes measured in the demo (tests/screen.test.mjs, 1280 × 720).
fn checklist() -> Card {
    card("checklist", 944.0, 338.0, 320.0, 302.0)
}
fn slideout() -> Card {
    card("slideout", 16.0, 190.0, 320.0, 450.0)
}
fn banner() -> Card {
    card("banner", 0.0, 656.0, 1280.0, 64.0)
}
fn modal() -> Card {
    card("modal", 416.0, 200.0, 448.0, 320.0)
}
/// The tooltip below the "Create expense" button.
fn tooltip() -> Card {
    card("tooltip", 281.0, 489.0, 320.0, 220.0)
}
fn create_button() -> Rect {
    Rect::at(281.0, 437.0, 140.0, 40.0)
}

#[test]
fn surfaces_map_to_their_regions() {
    let cases = [
        ("modal", Region::Screen),
        ("banner", Region::BottomEdge),
        ("slideout", Region::Corner(Corner::BottomLeft)),
        ("invite", Region::Corner(Corner::BottomLeft)),
        ("checklist", Region::Corner(Corner::BottomRight)),
        ("inbox", Region::Corner(Corner::TopRight)),
        ("tooltip", Region::Anchored),
        ("tour", Region::Anchored),
        ("something-new", Region::Anchored),
    ];
    for (surface, expected) in cases {
        assert_eq!(region(surface), expected, "{surface}");
    }
}

#[test]
fn fixed_cards_take_a_free_region_or_wait() {
    let shown = |c: Card| Some(c.rect);
    let cases: [(&str, Card, Vec<Card>, Option<Rect>); 12] = [
        (
            "checklist on an empty screen",
            checklist(),
            vec![],
            shown(checklist()),
        ),
        (
            "checklist under the welcome modal",
            checklist(),
            vec![modal()],
            shown(checklist()),
        ),
        (
            "slideout beside the checklist",
            slideout(),
            vec![checklist()],
            shown(slideout()),
        ),
        (
            // The demo's 4th expense: the survey would cover the receipt tooltip.
            "slideout over a visible tooltip",
            slideout(),
            vec![checklist(), tooltip()],
            None,
        ),
        (
            "a second card in the same corner",
            card("invite", 16.0, 400.0, 320.0, 240.0),
            vec![slideout()],
            None,
        ),
        (
            "a second card in the same corner, even where it would not overlap",
            card("invite", 16.0, 650.0, 320.0, 10.0),
            vec![card("slideout", 16.0, 100.0, 320.0, 100.0)],
            None,
        ),
        (
            "banner under both corners",
            banner(),
            vec![slideout(), checklist()],
            shown(banner()),
        ),
        (
            // Two lines of text: the corners are lifted above it.
            "a tall banner under both corners",
            card("banner", 0.0, 600.0, 1280.0, 120.0),
            vec![slideout(), checklist()],
            shown(card("banner", 0.0, 600.0, 1280.0, 120.0)),
        ),
        (
            // The tooltip is placed again (or hides) once the banner shows.
            "a banner under a tooltip",
            banner(),
            vec![tooltip()],
            shown(banner()),
        ),
        ("a second banner", banner(), vec![banner()], None),
        (
            "a second modal waits for the first",
            modal(),
            vec![modal(), checklist()],
            None,
        ),
        (
            "a modal over corner cards",
            modal(),
            vec![slideout(), checklist(), banner()],
            shown(modal()),
        ),
    ];
    for (what, new, on_screen, expected) in cases {
        assert_eq!(
            fit(new, None, &on_screen, VIEWPORT, false),
            expected,
            "{what}"
        );
    }
}

#[test]
fn tooltips_try_each_side_of_their_anchor_then_wait() {
    let (w, h) = (320.0, 220.0);
    let tip = card("tooltip", 0.0, 0.0, w, h);
    let a = create_button();
    let below = Rect::at(281.0, 489.0, w, h);
    let above = Rect::at(281.0, 437.0 - 12.0 - h, w, h);
    let right = Rect::at(421.0 + 12.0, 437.0, w, h);
    let cases: [(&str, Rect, Vec<Card>, Option<Rect>); 7] = [
        ("below its anchor", a, vec![checklist()], Some(below)),
        (
            "above when a card sits below",
            a,
            vec![card("banner", 0.0, 600.0, 1280.0, 120.0)],
            Some(above),
        ),
        (
            "right when cards sit below and above",
            a,
            vec![
                card("banner", 0.0, 660.0, 1280.0, 60.0),
                card("inbox", 0.0, 0.0, 1280.0, 430.0),
            ],
            Some(right),
        ),
        (
            "left when only the left is free",
            Rect::at(700.0, 300.0, 100.0, 40.0),
            vec![
                card("banner", 0.0, 520.0, 1280.0, 200.0),
                card("inbox", 0.0, 0.0, 1280.0, 200.0),
                card("checklist", 820.0, 200.0, 460.0, 300.0),
            ],
            Some(Rect::at(368.0, 300.0, w, h)),
        ),
        (
            "waits when every side is taken",
            a,
            vec![card("banner", 0.0, 0.0, 1280.0, 720.0)],
            None,
        ),
        ("waits while a modal is open", a, vec![modal()], None),
        (
            "waits when the anchor is scrolled out of view",
            Rect::at(281.0, 2000.0, 140.0, 40.0),
            vec![],
            None,
        ),
    ];
    for (what, anchor, on_screen, expected) in cases {
        assert_eq!(
            fit(tip, Some(anchor), &on_screen, VIEWPORT, false),
            expected,
            "{what}"
        );
    }
}

#[test]
fn placements_stay_inside_the_viewport() {
    // An anchor at the right edge: the card is shifted left to stay 8 px inside.
    let [below, above, right, left] =
        candidates(Rect::at(1200.0, 100.0, 60.0, 30.0), 320.0, 200.0, VIEWPORT);
    assert_eq!(below, Rect::at(952.0, 142.0, 320.0, 200.0));
    assert_eq!(above.bottom, 88.0);
    assert!(!right.inside(&VIEWPORT));
    assert_eq!(left, Rect::at(868.0, 100.0, 320.0, 200.0));
    // Near the bottom: side placements move up to fit.
    let [.., right, _] = candidates(Rect::at(100.0, 700.0, 60.0, 20.0), 320.0, 200.0, VIEWPORT);
    assert_eq!(right.bottom, 712.0);
}

#[test]
fn an_unanchored_tour_step_keeps_its_place_unless_covered() {
    let step = card("tour", 480.0, 500.0, 320.0, 196.0);
    assert_eq!(
        fit(step, None, &[checklist()], VIEWPORT, false),
        Some(step.rect)
    );
    assert_eq!(fit(step, None, &[banner()], VIEWPORT, false), None);
}

#[test]
fn the_demo_after_the_fourth_expense_never_stacks_three_cards() {
    // Welcome dismissed; the checklist, then the tooltip (2nd expense), then the survey.
    let mut on_screen = vec![checklist()];
    let tip = fit(
        card("tooltip", 0.0, 0.0, 320.0, 220.0),
        Some(create_button()),
        &on_screen,
        VIEWPORT,
        false,
    )
    .expect("the tooltip fits below its anchor");
    on_screen.push(Card {
        region: Region::Anchored,
        rect: tip,
    });
    assert_eq!(
        fit(slideout(), None, &on_screen, VIEWPORT, false),
        None,
        "the survey waits"
    );
    // The tooltip is dismissed: the survey takes its corner.
    on_screen.pop();
    assert_eq!(
        fit(slideout(), None, &on_screen, VIEWPORT, false),
        Some(slideout().rect)
    );
}

#[test]
fn a_card_that_holds_its_place_takes_its_preferred_placement_when_none_is_free() {
    let full = [card("banner", 0.0, 0.0, 1280.0, 720.0)];
    let step = card("tour", 0.0, 0.0, 320.0, 200.0);
    let below = Rect::at(281.0, 489.0, 320.0, 200.0);
    assert_eq!(
        fit(step, Some(create_button()), &full, VIEWPORT, false),
        None
    );
    assert_eq!(
        fit(step, Some(create_button()), &full, VIEWPORT, true),
        Some(below)
    );
    let redrawn = checklist();
    assert_eq!(
        fit(redrawn, None, &[tooltip(), checklist()], VIEWPORT, true),
        Some(redrawn.rect)
    );
}
