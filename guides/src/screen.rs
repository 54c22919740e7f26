//! Sharing the screen: which region each surface occupies and where a new card may go, so
//! that no two Cairn cards overlap. Pure (no DOM): boxes in, a decision out; `render` measures
//! the boxes and applies the decision.
//!
//! - A modal takes the whole screen in the top layer: one at a time, and while it is open the
//!   other top-layer cards (tooltips, tour steps) wait. Corner and edge cards stay below its
//!   backdrop.
//! - At most one card per screen corner or edge (banner: bottom edge; slideout and invite card:
//!   bottom-left; checklist: bottom-right; inbox: top-right), and its box must not overlap a
//!   visible card: otherwise it waits its turn. The bottom corners stand on the banner (the
//!   stylesheet lifts them by its height), so a banner never waits for them; nor for a tooltip
//!   or tour step, which is placed again once the banner shows (a tooltip with no free side
//!   hides until there is one).
//! - A tooltip (or an anchored tour step) tries below, above, right and left of its anchor and
//!   takes the first placement inside the viewport that overlaps no visible card; if none
//!   fits, it waits.

/// A box in viewport coordinates (CSS pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub(crate) left: f64,
    pub(crate) top: f64,
    pub(crate) right: f64,
    pub(crate) bottom: f64,
}

impl Rect {
    /// The box of `width` × `height` whose top-left corner is at (`left`, `top`).
    pub(crate) fn at(left: f64, top: f64, width: f64, height: f64) -> Self {
        Self {
            left,
            top,
            right: left + width,
            bottom: top + height,
        }
    }

    fn width(&self) -> f64 {
        self.right - self.left
    }

    fn height(&self) -> f64 {
        self.bottom - self.top
    }

    /// Whether the two boxes share any area (touching edges do not count).
    pub(crate) fn overlaps(&self, other: &Rect) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }

    fn inside(&self, outer: &Rect) -> bool {
        self.left >= outer.left
            && self.top >= outer.top
            && self.right <= outer.right
            && self.bottom <= outer.bottom
    }
}

/// A screen corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Corner {
    TopRight,
    BottomLeft,
    BottomRight,
}

/// The part of the screen a surface occupies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Region {
    /// A modal: the whole screen, in the top layer.
    Screen,
    /// The bottom edge (banners).
    BottomEdge,
    /// A screen corner.
    Corner(Corner),
    /// Next to its anchor element, in the top layer (tooltips, tour steps).
    Anchored,
}

/// The region of a surface, by its `data-cairn-surface` name (unknown names float like
/// anchored cards: they are kept off the others by their box alone).
pub(crate) fn region(surface: &str) -> Region {
    match surface {
        "modal" => Region::Screen,
        "banner" => Region::BottomEdge,
        "slideout" | "invite" => Region::Corner(Corner::BottomLeft),
        "checklist" => Region::Corner(Corner::BottomRight),
        "inbox" => Region::Corner(Corner::TopRight),
        _ => Region::Anchored,
    }
}

/// A visible card: its region and its box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Card {
    pub(crate) region: Region,
    pub(crate) rect: Rect,
}

/// The gap between a card and its anchor, and the margin kept from the viewport's edges.
const GAP: f64 = 12.0;
const MARGIN: f64 = 8.0;

/// Where `card` may go, given the cards on screen and the viewport: its box (moved next to
/// `anchor` for an anchored card), or `None` when it must wait. `card.rect` is the box the
/// stylesheet gives it (only its size counts for an anchored card). A card that already
/// holds its place (`keep`: a checklist redrawn, a tour's next step) never waits: with no
/// free placement it takes its preferred one.
pub(crate) fn fit(
    card: Card,
    anchor: Option<Rect>,
    on_screen: &[Card],
    viewport: Rect,
    keep: bool,
) -> Option<Rect> {
    let preferred = || match anchor {
        Some(a) if card.region == Region::Anchored => {
            candidates(a, card.rect.width(), card.rect.height(), viewport)[0]
        }
        _ => card.rect,
    };
    free_place(card, anchor, on_screen, viewport).or_else(|| keep.then(preferred))
}

fn free_place(
    card: Card,
    anchor: Option<Rect>,
    on_screen: &[Card],
    viewport: Rect,
) -> Option<Rect> {
    let modal_open = on_screen.iter().any(|c| c.region == Region::Screen);
    let free = |r: &Rect| !on_screen.iter().any(|c| c.rect.overlaps(r));
    match card.region {
        Region::Screen => (!modal_open).then_some(card.rect),
        Region::Anchored if modal_open => None,
        Region::Anchored => {
            let Some(a) = anchor else {
                // A tour step without an anchor keeps the stylesheet's place.
                return free(&card.rect).then_some(card.rect);
            };
            // An anchor scrolled out of view: the card waits for it to come back.
            if !a.overlaps(&viewport) {
                return None;
            }
            candidates(a, card.rect.width(), card.rect.height(), viewport)
                .into_iter()
                .find(|r| r.inside(&viewport) && free(r))
        }
        Region::BottomEdge => {
            // The bottom corners are lifted above the banner, and anchored cards are placed
            // again once it shows (another side of their anchor, else a tooltip hides): a
            // page-level message never waits behind a tip.
            let yields = |c: &Card| {
                matches!(
                    c.region,
                    Region::Corner(Corner::BottomLeft | Corner::BottomRight) | Region::Anchored
                )
            };
            let clear = !on_screen.iter().any(|c| {
                c.region == Region::BottomEdge || (!yields(c) && c.rect.overlaps(&card.rect))
            });
            clear.then_some(card.rect)
        }
        region => {
            let taken = on_screen.iter().any(|c| c.region == region);
            (!taken && free(&card.rect)).then_some(card.rect)
        }
    }
}

/// The placements of a `w` × `h` card next to `anchor`, preferred first: below, above,
/// right, left; shifted along the anchor's side to stay inside the viewport.
pub(crate) fn candidates(anchor: Rect, w: f64, h: f64, viewport: Rect) -> [Rect; 4] {
    // Not `clamp`: its assertion would pull float formatting into the module.
    let across = anchor
        .left
        .min(viewport.right - w - MARGIN)
        .max(viewport.left + MARGIN);
    let along = anchor
        .top
        .min(viewport.bottom - h - MARGIN)
        .max(viewport.top + MARGIN);
    [
        Rect::at(across, anchor.bottom + GAP, w, h),
        Rect::at(across, anchor.top - GAP - h, w, h),
        Rect::at(anchor.right + GAP, along, w, h),
        Rect::at(anchor.left - GAP - w, along, w, h),
    ]
}

#[cfg(test)]
mod tests;
