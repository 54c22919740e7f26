//! Where the user is: the console's pages as a value, and their addresses in the URL's
//! fragment (`#/w/ws_1/campaigns/upgrade`), so every page can be linked, bookmarked and
//! reached with the browser's Back button. Pure, natively tested.

/// A workspace's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tab {
    /// Its campaigns.
    Campaigns,
    /// Every campaign's results (the overview).
    Results,
    /// The customer-success portfolio: every account's health, the renewal review.
    Accounts,
    /// Members, invitations, roles and the review policy.
    Team,
    /// Write keys, secret keys, allowed origins, identity enforcement and the webhook.
    Keys,
    /// The install snippet.
    Install,
    /// Budget, value tiers, lifecycle stages and the health scorecard.
    Settings,
    /// The audit log.
    Audit,
    /// "Why not": every campaign's verdict for one user.
    Why,
}

impl Tab {
    /// Every tab, in the navigation's order.
    pub(crate) const ALL: [Tab; 9] = [
        Tab::Campaigns,
        Tab::Results,
        Tab::Accounts,
        Tab::Team,
        Tab::Keys,
        Tab::Install,
        Tab::Settings,
        Tab::Audit,
        Tab::Why,
    ];

    /// Its segment in the address.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Tab::Campaigns => "campaigns",
            Tab::Results => "results",
            Tab::Accounts => "accounts",
            Tab::Team => "team",
            Tab::Keys => "keys",
            Tab::Install => "install",
            Tab::Settings => "settings",
            Tab::Audit => "audit",
            Tab::Why => "why",
        }
    }

    /// Its name in the navigation.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Tab::Campaigns => "Campaigns",
            Tab::Results => "Results",
            Tab::Accounts => "Accounts",
            Tab::Team => "Team",
            Tab::Keys => "Keys and origins",
            Tab::Install => "Install",
            Tab::Settings => "Settings",
            Tab::Audit => "Audit log",
            Tab::Why => "Why not?",
        }
    }

    fn from_slug(slug: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.slug() == slug)
    }
}

/// A page of the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Page {
    /// Asking the API who is signed in.
    Loading,
    /// Not signed in.
    SignIn,
    /// The workspace picker.
    Workspaces,
    /// A workspace's page: (workspace, tab).
    Workspace(String, Tab),
    /// A new campaign in a workspace.
    NewCampaign(String),
    /// One campaign: (workspace, campaign).
    Campaign(String, String),
    /// One campaign's results: (workspace, campaign).
    CampaignResults(String, String),
}

impl Page {
    /// The page's address, as the URL's fragment (with its `#`).
    pub(crate) fn href(&self) -> String {
        match self {
            Page::Loading | Page::Workspaces => "#/".to_owned(),
            Page::SignIn => "#/sign-in".to_owned(),
            Page::Workspace(ws, tab) => format!("#/w/{}/{}", encode(ws), tab.slug()),
            Page::NewCampaign(ws) => format!("#/w/{}/campaigns/new", encode(ws)),
            Page::Campaign(ws, id) => format!("#/w/{}/campaigns/c/{}", encode(ws), encode(id)),
            Page::CampaignResults(ws, id) => {
                format!("#/w/{}/campaigns/c/{}/results", encode(ws), encode(id))
            }
        }
    }

    /// The page at an address (the URL's fragment, with or without its `#`); an unknown
    /// address is the workspace picker.
    pub(crate) fn parse(fragment: &str) -> Page {
        let path = fragment.trim_start_matches('#').trim_start_matches('/');
        let parts: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode)
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        match parts.as_slice() {
            ["sign-in"] => Page::SignIn,
            ["w", ws] => Page::Workspace((*ws).to_owned(), Tab::Campaigns),
            ["w", ws, "campaigns", "new"] => Page::NewCampaign((*ws).to_owned()),
            ["w", ws, "campaigns", "c", id] => Page::Campaign((*ws).to_owned(), (*id).to_owned()),
            ["w", ws, "campaigns", "c", id, "results"] => {
                Page::CampaignResults((*ws).to_owned(), (*id).to_owned())
            }
            ["w", ws, tab] => Tab::from_slug(tab)
                .map_or(Page::Workspaces, |t| Page::Workspace((*ws).to_owned(), t)),
            _ => Page::Workspaces,
        }
    }

    /// The workspace the page is in.
    pub(crate) fn workspace(&self) -> Option<&str> {
        match self {
            Page::Workspace(ws, _)
            | Page::NewCampaign(ws)
            | Page::Campaign(ws, _)
            | Page::CampaignResults(ws, _) => Some(ws),
            _ => None,
        }
    }

    /// The workspace tab the page belongs to (a campaign belongs to the campaigns, its results
    /// to the results).
    pub(crate) fn tab(&self) -> Option<Tab> {
        match self {
            Page::Workspace(_, t) => Some(*t),
            Page::NewCampaign(_) | Page::Campaign(..) => Some(Tab::Campaigns),
            Page::CampaignResults(..) => Some(Tab::Results),
            _ => None,
        }
    }
}

/// One address segment, percent-encoded (everything but unreserved characters).
pub(crate) fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One address segment, percent-decoded (invalid escapes are kept as written).
pub(crate) fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let v = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(u8::try_from(v).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_round_trips_through_its_address() {
        let pages = [
            Page::SignIn,
            Page::Workspaces,
            Page::NewCampaign("ws_1".into()),
            Page::Campaign("ws_1".into(), "upgrade-banner".into()),
            Page::Campaign("ws 2/é".into(), "a/b?c#d".into()),
            Page::CampaignResults("ws_1".into(), "upgrade-banner".into()),
            Page::CampaignResults("ws 2/é".into(), "a/b?c#d/results".into()),
        ];
        for page in pages
            .into_iter()
            .chain(Tab::ALL.map(|t| Page::Workspace("ws_9".into(), t)))
        {
            assert_eq!(Page::parse(&page.href()), page, "{}", page.href());
        }
    }

    #[test]
    fn addresses_parse_to_pages() {
        let cases = [
            ("", Page::Workspaces),
            ("#", Page::Workspaces),
            ("#/", Page::Workspaces),
            ("#/nowhere", Page::Workspaces),
            ("#/w/ws_1", Page::Workspace("ws_1".into(), Tab::Campaigns)),
            ("#/w/ws_1/bogus", Page::Workspaces),
            ("#/w/ws_1/team", Page::Workspace("ws_1".into(), Tab::Team)),
            ("w/ws_1/why", Page::Workspace("ws_1".into(), Tab::Why)),
            (
                "#/w/ws%5F1/audit",
                Page::Workspace("ws_1".into(), Tab::Audit),
            ),
            ("#/w/a%zz/keys", Page::Workspace("a%zz".into(), Tab::Keys)),
            (
                "#/w/ws_1/results",
                Page::Workspace("ws_1".into(), Tab::Results),
            ),
            (
                "#/w/ws_1/campaigns/c/welcome/results",
                Page::CampaignResults("ws_1".into(), "welcome".into()),
            ),
            (
                "#/w/ws_1/campaigns/c/results",
                Page::Campaign("ws_1".into(), "results".into()),
            ),
            ("#/w/ws_1/campaigns/c/welcome/bogus", Page::Workspaces),
        ];
        for (fragment, page) in cases {
            assert_eq!(Page::parse(fragment), page, "{fragment}");
        }
    }

    #[test]
    fn pages_know_their_workspace_and_tab() {
        let c = Page::Campaign("ws".into(), "c".into());
        assert_eq!(c.workspace(), Some("ws"));
        assert_eq!(c.tab(), Some(Tab::Campaigns));
        assert_eq!(Page::Workspaces.workspace(), None);
        let r = Page::CampaignResults("ws".into(), "c".into());
        assert_eq!(r.workspace(), Some("ws"));
        assert_eq!(r.tab(), Some(Tab::Results));
        assert_eq!(
            r.href(),
            "#/w/ws/campaigns/c/c/results",
            "a campaign's results are under its address"
        );
        assert_eq!(
            Page::Workspace("ws".into(), Tab::Team).tab(),
            Some(Tab::Team)
        );
    }
}
