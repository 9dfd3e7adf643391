//! Charts as inline SVG, drawn on the server: no script, readable by a screen reader (the
//! SVG has a title and a description, and the figures are in a table under it).

use maud::{Markup, html};

/// One series of a line chart.
pub struct Series<'a> {
    /// Its name in the legend.
    pub name: &'a str,
    /// A CSS class that colours it (`s1`, `s2`).
    pub class: &'a str,
    /// One value per label.
    pub values: Vec<f64>,
}

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 36.0;
const TOP: f64 = 12.0;

fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let step = 10f64.powf(max.log10().floor());
    let m = (max / step).ceil() * step;
    if m < max { m + step } else { m }
}

fn axis(max: f64) -> Markup {
    html! {
        @for i in 0..=4 {
            @let v = max * f64::from(i) / 4.0;
            @let y = H - BOTTOM - (H - BOTTOM - TOP) * f64::from(i) / 4.0;
            line.grid x1=(LEFT) x2=(W) y1=(y) y2=(y) {}
            text.tick x=(LEFT - 6.0) y=(y + 4.0) text-anchor="end" { (short_number(v)) }
        }
    }
}

/// 1234567 → "1.2M", 12 → "12".
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A bar chart of `bars` (label, value), with the figures in a table; `id` makes the title and
/// description addressable.
pub fn bars(
    id: &str,
    title: &str,
    description: &str,
    unit: &str,
    bars: &[(String, f64)],
) -> Markup {
    let max = nice_max(bars.iter().map(|b| b.1).fold(0.0, f64::max));
    let n = bars.len().max(1) as f64;
    let slot = (W - LEFT) / n;
    let bw = (slot * 0.7).min(80.0);
    html! {
        figure.chart {
            svg role="img" viewBox={"0 0 " (W) " " (H)} aria-labelledby={(id) "-t " (id) "-d"} {
                title id={(id) "-t"} { (title) }
                desc id={(id) "-d"} { (description) }
                (axis(max))
                @for (i, (label, v)) in bars.iter().enumerate() {
                    @let x = LEFT + slot * i as f64 + (slot - bw) / 2.0;
                    @let h = (H - BOTTOM - TOP) * v / max;
                    rect.bar x=(x) y=(H - BOTTOM - h) width=(bw) height=(h) {
                        title { (label) ": " (short_number(*v)) " " (unit) }
                    }
                    text.label x=(x + bw / 2.0) y=(H - BOTTOM + 14.0) text-anchor="middle" { (clip(label, slot)) }
                }
            }
            figcaption { (title) }
            details {
                summary { "The figures" }
                table {
                    thead { tr { th scope="col" { "" } th scope="col" { (unit) } } }
                    tbody {
                        @for (label, v) in bars {
                            tr { th scope="row" { (label) } td.num { (format!("{v:.2}").trim_end_matches('0').trim_end_matches('.')) } }
                        }
                    }
                }
            }
        }
    }
}

/// A line chart of several series over the same labels, with the figures in a table.
pub fn lines(
    id: &str,
    title: &str,
    description: &str,
    labels: &[String],
    series: &[Series<'_>],
) -> Markup {
    let max = nice_max(
        series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0, f64::max),
    );
    let n = labels.len().max(2) as f64 - 1.0;
    let x = |i: usize| LEFT + 8.0 + (W - LEFT - 16.0) * i as f64 / n;
    let y = |v: f64| H - BOTTOM - (H - BOTTOM - TOP) * v / max;
    let every = labels.len().div_ceil(8).max(1);
    html! {
        figure.chart {
            svg role="img" viewBox={"0 0 " (W) " " (H)} aria-labelledby={(id) "-t " (id) "-d"} {
                title id={(id) "-t"} { (title) }
                desc id={(id) "-d"} { (description) }
                (axis(max))
                @for (i, l) in labels.iter().enumerate() {
                    @if i % every == 0 {
                        text.label x=(x(i)) y=(H - BOTTOM + 14.0) text-anchor="middle" { (l) }
                    }
                }
                @for s in series {
                    polyline class={"line " (s.class)} fill="none" points=(
                        s.values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect::<Vec<_>>().join(" ")
                    ) {}
                    @for (i, v) in s.values.iter().enumerate() {
                        circle class={"dot " (s.class)} cx=(format!("{:.1}", x(i))) cy=(format!("{:.1}", y(*v))) r="3" {
                            title { (s.name) ", " (labels.get(i).map_or("", String::as_str)) ": " (short_number(*v)) }
                        }
                    }
                }
            }
            figcaption {
                (title) " "
                @for s in series { span class={"key " (s.class)} { (s.name) } " " }
            }
            details {
                summary { "The figures" }
                table {
                    thead { tr { th scope="col" { "" } @for s in series { th scope="col" { (s.name) } } } }
                    tbody {
                        @for (i, l) in labels.iter().enumerate() {
                            tr {
                                th scope="row" { (l) }
                                @for s in series { td.num { (s.values.get(i).map_or(String::new(), |v| short_number(*v))) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A label cut to what fits under a bar.
fn clip(label: &str, slot: f64) -> String {
    let fits = ((slot / 7.0) as usize).max(3);
    if label.chars().count() <= fits {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(fits.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_chart_names_itself_and_lists_its_figures() {
        let m = bars(
            "c",
            "Open pipeline by stage",
            "Amount of open deals per stage",
            "USD",
            &[("Discovery".into(), 1200.0), ("Proposal".into(), 3400.5)],
        )
        .into_string();
        assert!(m.contains(r#"role="img""#));
        assert!(m.contains(r#"aria-labelledby="c-t c-d""#));
        assert!(m.contains("<th scope=\"row\">Proposal</th><td class=\"num\">3400.5</td>"));
        // The tallest bar reaches the top of the scale (4000), not past it.
        assert_eq!(nice_max(3400.5), 4000.0);
        assert_eq!(nice_max(4000.0), 4000.0);
    }

    #[test]
    fn labels_are_escaped() {
        let m = bars("c", "<x>", "d", "u", &[("<script>".into(), 1.0)]).into_string();
        assert!(!m.contains("<script>"));
        assert!(m.contains("&lt;script&gt;"));
    }

    #[test]
    fn numbers_are_shortened() {
        assert_eq!(short_number(1_234_567.0), "1.2M");
        assert_eq!(short_number(45_000.0), "45k");
        assert_eq!(short_number(12.0), "12");
        assert_eq!(short_number(0.27), "0.3");
    }
}
