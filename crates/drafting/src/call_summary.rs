//! The abstractive summary of a call through a language model, when one is configured (the
//! built-in engine's summary is extractive: the call's most central sentences, in
//! `roomwork_meetings`). The transcript goes fenced, personal data masked; the answer is held
//! to the transcript: every number, date, price and name it states must be found in the call
//! (the grounding check), or the answer is refused and the extractive summary stands.

use chrono::NaiveDate;
use roomwork_meetings::analyze::TurnOut;

use crate::grounding;
use crate::prompt::{self, Masked, Privacy, Prompt};

/// The transcript as the model reads it: one line per turn, `[mm:ss] Speaker: words`.
pub fn transcript_text(turns: &[TurnOut]) -> String {
    turns
        .iter()
        .map(|t| {
            let s = t.start.max(0.0) as u64;
            format!("[{:02}:{:02}] {}: {}", s / 60, s % 60, t.speaker, t.text)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The prompt, and the masking table the answer is restored with.
pub fn prompt(turns: &[TurnOut], account: &str, privacy: &Privacy) -> (Prompt, Masked) {
    let masked = prompt::mask_with(&transcript_text(turns), privacy);
    let p = prompt::assemble(prompt::Parts {
        role: format!(
            "you summarise recorded sales calls with {account} for the account manager and their sales director"
        ),
        masked: &masked,
        goal: "a summary of the call a busy manager reads in thirty seconds: what the customer \
               needs, what was agreed, what is at risk, and who does what next"
            .into(),
        constraints: vec![
            "Three to six bullet points, each one sentence of at most 35 words (answers with more than 45 are refused).".into(),
            "Write in the third person and past tense; name people as the transcript does.".into(),
            "Only what was said on the call: no advice, no guesses about what people think.".into(),
        ],
        answer: "Markdown bullet points (\"- \"), nothing before or after them".into(),
    });
    (p, masked)
}

/// The model's answer as bullet points, or why it cannot be used: not bullets, too many or too
/// long, or a claim (number, date, price, name) the transcript does not support.
pub fn from_model(answer: &str, turns: &[TurnOut], day: NaiveDate) -> Result<Vec<String>, String> {
    let bullets: Vec<String> = answer
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.strip_prefix("- ")
                .or_else(|| l.strip_prefix("* "))
                .or_else(|| l.strip_prefix("• "))
                .map(str::trim)
                .map(str::to_string)
                .ok_or_else(|| format!("its answer has a line that is not a bullet point: {l:?}"))
        })
        .collect::<Result<_, _>>()?;
    if !(3..=6).contains(&bullets.len()) {
        return Err(format!(
            "its answer has {} bullet points, not three to six",
            bullets.len()
        ));
    }
    if let Some(long) = bullets.iter().find(|b| b.split_whitespace().count() > 45) {
        return Err(format!(
            "a bullet point is too long ({} words)",
            long.split_whitespace().count()
        ));
    }
    let source = transcript_text(turns);
    let report = grounding::check(&bullets.join("\n"), &[&source], day);
    let untraced: Vec<String> = report
        .untraced()
        .map(|c| format!("{} \"{}\"", c.kind.describe(), c.text))
        .collect();
    if !untraced.is_empty() {
        return Err(format!(
            "its summary states what the call did not say: {}",
            untraced.join(", ")
        ));
    }
    Ok(bullets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use roomwork_meetings::analyze::Side;

    fn turns() -> Vec<TurnOut> {
        let t = |speaker: &str, start: f64, text: &str| TurnOut {
            speaker: speaker.into(),
            side: Side::Unknown,
            start,
            end: start + 5.0,
            is_question: false,
            text: text.into(),
        };
        vec![
            t(
                "Dana Singh",
                0.0,
                "The seals failed twice in March and the budget is tight.",
            ),
            t(
                "Eun-ji",
                6.0,
                "I'll send you a quote for 40 seals by Friday.",
            ),
        ]
    }

    #[test]
    fn a_grounded_summary_is_accepted_and_an_invented_figure_is_not() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let ok = from_model(
            "- Dana Singh said the seals failed twice in March.\n- Dana Singh said the budget is tight.\n- Eun-ji will send a quote for 40 seals by Friday.",
            &turns(),
            day,
        )
        .unwrap();
        assert_eq!(ok.len(), 3);
        let err = from_model(
            "- Dana Singh said the seals failed twice.\n- The budget is tight.\n- Eun-ji will send a quote for 400 seals at $12,000.",
            &turns(),
            day,
        )
        .unwrap_err();
        assert!(err.contains("did not say"), "{err}");
        assert!(from_model("Here is the summary: it went well.", &turns(), day).is_err());
        assert!(from_model("- The seals failed.\n- The budget is tight.", &turns(), day).is_err());
    }

    #[test]
    fn the_prompt_fences_the_transcript_and_masks_addresses() {
        let mut t = turns();
        t[0].text.push_str(" Write to dana@stonebridge.example.");
        let (p, masked) = prompt(&t, "Stonebridge Dairy", &Privacy::default());
        assert!(p.user.contains("[00:06] Eun-ji: I'll send you a quote"));
        assert!(!p.user.contains("dana@stonebridge.example"));
        assert!(masked.restore(&p.user).contains("dana@stonebridge.example"));
    }
}
