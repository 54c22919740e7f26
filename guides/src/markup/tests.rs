//! Table-driven tests of the rich-text subset: each case is a body and the tree it makes,
//! written as HTML-like text (the renderer builds the same tree with DOM APIs).

use super::*;

fn html(blocks: &[Block]) -> String {
    fn inlines(out: &mut String, nodes: &[Inline]) {
        for n in nodes {
            match n {
                Inline::Text(t) => out.push_str(t),
                Inline::Break => out.push_str("<br>"),
                Inline::Bold(c) => wrap(out, "b", c),
                Inline::Italic(c) => wrap(out, "i", c),
                Inline::Link { href, label } => {
                    out.push_str(&format!("<a {href}>"));
                    inlines(out, label);
                    out.push_str("</a>");
                }
            }
        }
    }
    fn wrap(out: &mut String, tag: &str, c: &[Inline]) {
        out.push_str(&format!("<{tag}>"));
        inlines(out, c);
        out.push_str(&format!("</{tag}>"));
    }
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Para(c) => wrap(&mut out, "p", c),
            Block::List { ordered, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                out.push_str(&format!("<{tag}>"));
                for item in items {
                    wrap(&mut out, "li", item);
                }
                out.push_str(&format!("</{tag}>"));
            }
        }
    }
    out
}

fn vars(path: &str) -> Option<String> {
    match path {
        "user.first_name" => Some("Ada".into()),
        "user.evil" => Some("**x** [y](https://e.example) {{user.first_name}}".into()),
        "account.blank" => Some("  ".into()),
        "user.dash" => Some("- 1. x".into()),
        _ => None,
    }
}

fn check(body: &str, expect: &str) {
    assert_eq!(html(&parse(&fill(body, &vars, true))), expect, "{body:?}");
}

#[test]
fn the_subset() {
    let cases = [
        ("plain text", "<p>plain text</p>"),
        ("", ""),
        ("one\ntwo", "<p>one<br>two</p>"),
        ("one\n\n\ntwo", "<p>one</p><p>two</p>"),
        ("a **bold** move", "<p>a <b>bold</b> move</p>"),
        ("*it* and _it_", "<p><i>it</i> and <i>it</i></p>"),
        ("**_both_**", "<p><b><i>both</i></b></p>"),
        ("snake_case_name stays", "<p>snake_case_name stays</p>"),
        ("2 * 3 * 4", "<p>2 * 3 * 4</p>"),
        ("** not bold **", "<p>** not bold **</p>"),
        ("unclosed **bold", "<p>unclosed **bold</p>"),
        (r"\*literal\*", "<p>*literal*</p>"),
        ("- a\n- b\n* c", "<ul><li>a</li><li>b</li><li>c</li></ul>"),
        ("1. a\n2. b", "<ol><li>a</li><li>b</li></ol>"),
        (
            "intro\n- a\n- b\nafter",
            "<p>intro</p><ul><li>a</li><li>b</li></ul><p>after</p>",
        ),
        ("- a\n1. b", "<ul><li>a</li></ul><ol><li>b</li></ol>"),
        ("{{user.first_name}}", "<p>Ada</p>"),
        ("-not a list", "<p>-not a list</p>"),
    ];
    for (body, expect) in cases {
        check(body, expect);
    }
}

#[test]
fn links_are_http_https_or_mailto() {
    let cases = [
        (
            "[guide](https://x.example/a?b=1)",
            "<p><a https://x.example/a?b=1>guide</a></p>",
        ),
        ("[g](HTTP://x.example)", "<p><a HTTP://x.example>g</a></p>"),
        (
            "[mail us](mailto:help@x.example)",
            "<p><a mailto:help@x.example>mail us</a></p>",
        ),
        (
            "[**bold** link](https://x.example)",
            "<p><a https://x.example><b>bold</b> link</a></p>",
        ),
        // Refused targets keep their text only.
        ("[click](javascript:alert(1))", "<p>click)</p>"),
        ("[click](JaVaScRiPt:alert(1))", "<p>click)</p>"),
        ("[x](data:text/html,hi)", "<p>x</p>"),
        ("[x](/relative)", "<p>x</p>"),
        ("[x](//evil.example)", "<p>x</p>"),
        ("[x](https://a.example\"onmouseover=x)", "<p>x</p>"),
        ("[x](https://)", "<p>x</p>"),
        ("[]()", "<p>[]()</p>"),
        ("[no target]", "<p>[no target]</p>"),
    ];
    for (body, expect) in cases {
        check(body, expect);
    }
}

#[test]
fn variables_are_values_not_markup() {
    let cases = [
        ("Hi {{user.first_name}}!", "<p>Hi Ada!</p>"),
        ("Hi {{ user.first_name | \"there\" }}!", "<p>Hi Ada!</p>"),
        ("Hi {{user.nickname | \"there\"}}!", "<p>Hi there!</p>"),
        ("Hi {{user.nickname | friend}}!", "<p>Hi friend!</p>"),
        ("Hi {{user.nickname}}!", "<p>Hi !</p>"),
        ("{{account.blank | \"your team\"}}", "<p>your team</p>"),
        // A value is text: its markup and braces are not interpreted.
        (
            "{{user.evil}}",
            "<p>**x** [y](https://e.example) {{user.first_name}}</p>",
        ),
        ("- {{user.dash}}", "<ul><li>- 1. x</li></ul>"),
        ("**{{user.first_name}}**", "<p><b>Ada</b></p>"),
        // Not variables: kept as written.
        ("{{window.location}}", "<p>{{window.location}}</p>"),
        ("{{user.first-name}}", "<p>{{user.first-name}}</p>"),
        (
            "{{user.first_name | \"unclosed}}",
            "<p>{{user.first_name | \"unclosed}}</p>",
        ),
        ("{{ unclosed", "<p>{{ unclosed</p>"),
    ];
    for (body, expect) in cases {
        check(body, expect);
    }
    let plain = |s: &str| fill(s, &vars, false);
    assert_eq!(
        plain("Hi {{user.first_name | \"there\"}} **x**"),
        "Hi Ada **x**"
    );
    assert_eq!(plain("{{bad}} {{user.nope | \"z\"}}"), "{{bad}} z");
    assert_eq!(
        plain("{{user.evil}}"),
        "**x** [y](https://e.example) {{user.first_name}}"
    );
}

#[test]
fn nesting_is_bounded_and_every_input_parses() {
    let deep = "*".repeat(40) + "x" + &"*".repeat(40);
    let _ = parse(&deep);
    let long = "[a](".repeat(500) + &"_x_ ".repeat(500) + "{{";
    let _ = parse(&fill(&long, &vars, true));
    for s in [
        "\\",
        "é\\",
        "[é](https://é.example)",
        "{{user.}}",
        "_",
        "**",
        "1.",
        "1. ",
    ] {
        let _ = parse(&fill(s, &vars, true));
        let _ = fill(s, &vars, false);
    }
}
