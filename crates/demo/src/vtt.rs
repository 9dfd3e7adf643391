//! Writing a call as WebVTT the way meeting tools export it.
//!
//! Three styles: `<v Name>` voice tags (the WebVTT standard, Google Meet), Zoom's numbered cues
//! with a "Name: " prefix, and Microsoft Teams' numbered cues with voice tags. Cue timings
//! follow speaking speed (about 2.6 words a second) with short pauses, and now and then a reply
//! starts before the previous speaker finished, as real turns overlap.

use crate::rng::Rng;

#[derive(Clone, Copy, Debug)]
pub(crate) enum Style {
    VoiceTags,
    ZoomPrefix,
    TeamsNumbered,
}

fn stamp(ms: i64) -> String {
    let ms = ms.max(0);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        (ms / 60_000) % 60,
        (ms / 1000) % 60,
        ms % 1000
    )
}

pub(crate) fn render(
    turns: &[(String, String)],
    style: Style,
    title: &str,
    rng: &mut Rng,
) -> String {
    let mut out = String::from("WEBVTT\n\n");
    out.push_str(&format!("NOTE {title}\n\n"));
    let mut t: i64 = rng.range(500, 3_000);
    for (n, (speaker, text)) in turns.iter().enumerate() {
        let words = text.split_whitespace().count().max(1) as f64;
        let length = (words / 2.6 * 1000.0) as i64 + rng.range(200, 900);
        // About one turn in eight starts before the previous one ends.
        let start = if n > 0 && rng.chance(0.12) {
            t - rng.range(300, 1_200)
        } else {
            t
        };
        let end = start + length;
        match style {
            Style::VoiceTags => out.push_str(&format!(
                "{} --> {}\n<v {speaker}>{text}\n\n",
                stamp(start),
                stamp(end)
            )),
            Style::ZoomPrefix => out.push_str(&format!(
                "{}\n{} --> {}\n{speaker}: {text}\n\n",
                n + 1,
                stamp(start),
                stamp(end)
            )),
            Style::TeamsNumbered => out.push_str(&format!(
                "{}\n{} --> {}\n<v {speaker}>{text}</v>\n\n",
                n + 1,
                stamp(start),
                stamp(end)
            )),
        }
        t = end + rng.range(150, 1_400);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_are_well_formed_in_every_style() {
        let turns = vec![
            ("Dana O'Neil".to_string(), "Morning Priya.".to_string()),
            ("Priya Raman".to_string(), "Hi Dana, go ahead.".to_string()),
        ];
        let mut rng = Rng::new(1);
        let v = render(&turns, Style::VoiceTags, "Call", &mut rng);
        assert!(v.starts_with("WEBVTT\n\nNOTE Call\n\n"));
        assert!(v.contains("<v Priya Raman>Hi Dana, go ahead."));
        let z = render(&turns, Style::ZoomPrefix, "Call", &mut rng);
        assert!(z.contains("\n1\n") && z.contains("Dana O'Neil: Morning Priya."));
        let t = render(&turns, Style::TeamsNumbered, "Call", &mut rng);
        assert!(t.contains("</v>"));
        assert_eq!(stamp(3_723_004), "01:02:03.004");
    }
}
