//! The Markdown the drafting engines write (headings, bullet and numbered lists, paragraphs,
//! `**bold**`, tables as pipes, `[[AM: ...]]` passages), as escaped HTML. Everything else
//! shows as the text it is: nothing in a draft can inject markup.

use maud::{Markup, PreEscaped, html};

/// Inline text: escaped, with `**bold**` and the marked passages the account manager writes.
fn inline(text: &str) -> Markup {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("**")
            && let Some(end) = r.find("**")
        {
            out.push_str("<strong>");
            out.push_str(&html! { (r[..end]) }.into_string());
            out.push_str("</strong>");
            rest = &r[end + 2..];
            continue;
        }
        if let Some(r) = rest.strip_prefix("[[AM:")
            && let Some(end) = r.find("]]")
        {
            out.push_str("<mark class=\"passage\">[[AM:");
            out.push_str(&html! { (r[..end]) }.into_string());
            out.push_str("]]</mark>");
            rest = &r[end + 2..];
            continue;
        }
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let next = rest[first..]
            .find(['*', '['])
            .map_or(rest.len(), |i| i + first);
        out.push_str(&html! { (rest[..next]) }.into_string());
        rest = &rest[next..];
    }
    PreEscaped(out)
}

/// A Markdown document as HTML. Headings start at `level` (a page has its own `h1`).
pub fn render(md: &str, level: u8) -> Markup {
    enum Block<'a> {
        Heading(u8, &'a str),
        List(bool, Vec<&'a str>),
        Table(Vec<Vec<&'a str>>),
        Para(Vec<&'a str>),
    }
    let mut blocks: Vec<Block<'_>> = Vec::new();
    for line in md.lines() {
        let t = line.trim();
        if t.is_empty() {
            blocks.push(Block::Para(Vec::new()));
            continue;
        }
        let hashes = t.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
            let h = (hashes as u8 + level - 1).min(6);
            blocks.push(Block::Heading(h, t[hashes..].trim()));
            continue;
        }
        let bullet = t.strip_prefix("- ").or_else(|| t.strip_prefix("* "));
        let numbered = t
            .split_once(". ")
            .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            .map(|(_, r)| r);
        if let Some(item) = bullet.or(numbered) {
            let ordered = bullet.is_none();
            match blocks.last_mut() {
                Some(Block::List(o, items)) if *o == ordered => items.push(item),
                _ => blocks.push(Block::List(ordered, vec![item])),
            }
            continue;
        }
        if let Some(inner) = t.strip_prefix('|').and_then(|x| x.strip_suffix('|')) {
            let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
            if cells
                .iter()
                .all(|c| !c.is_empty() && c.chars().all(|x| matches!(x, '-' | ':')))
            {
                continue;
            }
            match blocks.last_mut() {
                Some(Block::Table(rows)) => rows.push(cells),
                _ => blocks.push(Block::Table(vec![cells])),
            }
            continue;
        }
        match blocks.last_mut() {
            Some(Block::Para(lines)) => lines.push(t),
            _ => blocks.push(Block::Para(vec![t])),
        }
    }
    html! {
        @for b in &blocks {
            @match b {
                Block::Heading(1, t) => h1 { (inline(t)) },
                Block::Heading(2, t) => h2 { (inline(t)) },
                Block::Heading(3, t) => h3 { (inline(t)) },
                Block::Heading(4, t) => h4 { (inline(t)) },
                Block::Heading(5, t) => h5 { (inline(t)) },
                Block::Heading(_, t) => h6 { (inline(t)) },
                Block::List(false, items) => ul { @for i in items { li { (inline(i)) } } },
                Block::List(true, items) => ol { @for i in items { li { (inline(i)) } } },
                Block::Table(rows) => table {
                    @if let Some((head, body)) = rows.split_first() {
                        thead { tr { @for c in head { th scope="col" { (inline(c)) } } } }
                        tbody { @for r in body { tr { @for c in r { td { (inline(c)) } } } } }
                    }
                },
                Block::Para(lines) => @if !lines.is_empty() {
                    p { @for (i, l) in lines.iter().enumerate() { @if i > 0 { br; } (inline(l)) } }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_render_as_escaped_html() {
        let md = "# Briefing\n\n## Open issues\n- **Late delivery** <b>x</b>\n- second\n\nHello [[AM: your objective]] there.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        let h = render(md, 2).into_string();
        assert!(h.contains("<h2>Briefing</h2>"));
        assert!(h.contains("<h3>Open issues</h3>"));
        assert!(h.contains("<li><strong>Late delivery</strong> &lt;b&gt;x&lt;/b&gt;</li>"));
        assert!(h.contains("<mark class=\"passage\">[[AM: your objective]]</mark>"));
        assert!(h.contains("<th scope=\"col\">a</th>"));
        assert!(h.contains("<td>2</td>"));
        assert!(!h.contains("<b>"));
    }

    #[test]
    fn unclosed_markers_stay_text() {
        let h = render("é ** b [[AM: c", 1).into_string();
        assert_eq!(h, "<p>é ** b [[AM: c</p>");
        // A lone pipe is a paragraph, not a table (and no panic).
        assert_eq!(render("|", 1).into_string(), "<p>|</p>");
    }
}
