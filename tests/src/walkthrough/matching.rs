//! Does what a command printed match what the document shows? Literally, line by
//! line, except where the document elides: `...` inside a line stands for any run of
//! characters (a token, an id, a time), and a line of only `...` for any number of
//! lines.

use regex::Regex;

const ELISION: &str = "...";

/// None when `actual` matches `expected`; else the first expected line that matches
/// nothing, for the failure message.
pub fn mismatch(expected: &[String], actual: &[String]) -> Option<String> {
    let patterns: Vec<Pattern> = expected.iter().map(|line| Pattern::new(line)).collect();
    if matches(&patterns, actual) {
        return None;
    }
    // The longest prefix that matches points at the line that does not.
    let failing = (0..=patterns.len()).rev().find(|&n| prefix_matches(&patterns[..n], actual)).unwrap_or(0);
    Some(expected.get(failing).cloned().unwrap_or_else(|| "(the output goes on)".into()))
}

enum Pattern {
    AnyLines,
    Line(Regex),
}

impl Pattern {
    fn new(line: &str) -> Self {
        if line.trim() == ELISION {
            return Pattern::AnyLines;
        }
        let parts: Vec<String> = line.trim_end().split(ELISION).map(regex::escape).collect();
        Pattern::Line(Regex::new(&format!("^{}$", parts.join(".*?"))).expect("an escaped line is a regex"))
    }
}

fn matches(patterns: &[Pattern], lines: &[String]) -> bool {
    match patterns.split_first() {
        None => lines.is_empty(),
        Some((Pattern::AnyLines, rest)) => (0..=lines.len()).any(|skip| matches(rest, &lines[skip..])),
        Some((Pattern::Line(regex), rest)) => {
            lines.first().is_some_and(|line| regex.is_match(line.trim_end())) && matches(rest, &lines[1..])
        }
    }
}

/// Whether some first lines of `lines` match all of `patterns`.
fn prefix_matches(patterns: &[Pattern], lines: &[String]) -> bool {
    (0..=lines.len()).any(|n| matches(patterns, &lines[..n]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn literal_lines_match_only_themselves() {
        assert_eq!(mismatch(&lines("{\"a\":1}"), &lines("{\"a\":1}")), None);
        assert_eq!(mismatch(&lines("{\"a\":1}"), &lines("{\"a\": 1}")), Some("{\"a\":1}".into()));
        assert_eq!(mismatch(&[], &lines("something")), Some("(the output goes on)".into()));
        assert!(mismatch(&lines("a.b"), &lines("axb")).is_some(), "no regex leaks through");
    }

    #[test]
    fn an_elision_in_a_line_stands_for_any_characters() {
        let expected = lines(r#"{"accessToken":"eyJ...","requestId":"..."}"#);
        assert_eq!(mismatch(&expected, &lines(r#"{"accessToken":"eyJhbGci.x.y","requestId":"7f"}"#)), None);
        assert!(mismatch(&expected, &lines(r#"{"accessToken":"abc","requestId":"7f"}"#)).is_some());
    }

    #[test]
    fn an_elided_line_stands_for_any_lines() {
        let expected = lines("...\nready\n...");
        assert_eq!(mismatch(&expected, &lines("ready")), None);
        assert_eq!(mismatch(&expected, &lines("one\ntwo\nready\nthree")), None);
        assert_eq!(mismatch(&expected, &lines("one")), Some("ready".into()));
    }

    #[test]
    fn trailing_spaces_do_not_count() {
        assert_eq!(mismatch(&lines("204 "), &lines("204")), None);
    }
}
