//! The walkthroughs in a Markdown file: its `console` blocks, read as a terminal
//! transcript. A line starting with `$ ` is a command (a line ending in `\` goes on
//! onto the next); the lines after it, up to the next command, are what it prints.
//! `[VAR=value ...] make dev` starts a walkthrough; every command after it, in that
//! block and the file's later ones, runs against that stack, in one shell.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// One command of a walkthrough and what the document says it prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub command: String,
    pub expected: Vec<String>,
    /// Where the command is, for the failure message: `docs/x.md:12`.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Walkthrough {
    /// The settings `make dev` was given on the walkthrough's first line.
    pub dev_env: Vec<(String, String)>,
    /// What `make dev` prints up to its ready line.
    pub dev_banner: Vec<String>,
    pub line: usize,
    pub steps: Vec<Step>,
}

/// A document's walkthroughs, or why it has a transcript that would not be run.
pub fn walkthroughs(markdown: &str) -> Result<Vec<Walkthrough>, String> {
    let mut found: Vec<Walkthrough> = Vec::new();
    for block in code_blocks(markdown) {
        let has_prompt = block.text.lines().any(|line| line.starts_with("$ "));
        if block.info != "console" {
            if has_prompt {
                return Err(format!(
                    "line {}: a transcript (`$ ` lines) in a `{}` block: mark it `console`, so the tests run it",
                    block.line, block.info
                ));
            }
            continue;
        }
        for step in steps(&block.text, block.line)? {
            if let Some(dev_env) = make_dev(&step.command) {
                found.push(Walkthrough { dev_env, dev_banner: step.expected, line: step.line, steps: Vec::new() });
            } else if let Some(walkthrough) = found.last_mut() {
                walkthrough.steps.push(step);
            } else {
                return Err(format!("line {}: a command before any `make dev`: what would it run against?", step.line));
            }
        }
    }
    Ok(found)
}

struct Block {
    info: String,
    text: String,
    /// The line of the block's first content line.
    line: usize,
}

fn code_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                let line = markdown[..range.start].matches('\n').count() + 2;
                open = Some(Block { info, text: String::new(), line });
            }
            Event::Text(text) => {
                if let Some(block) = open.as_mut() {
                    block.text.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
            _ => {}
        }
    }
    blocks
}

fn steps(text: &str, first_line: usize) -> Result<Vec<Step>, String> {
    let mut steps: Vec<Step> = Vec::new();
    let mut continued = false;
    for (index, line) in text.lines().enumerate() {
        if continued {
            let step = steps.last_mut().expect("a continued command");
            step.command.push('\n');
            step.command.push_str(line);
            continued = line.ends_with('\\');
        } else if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step { command: command.to_owned(), expected: Vec::new(), line: first_line + index });
            continued = command.ends_with('\\');
        } else if let Some(step) = steps.last_mut() {
            step.expected.push(line.to_owned());
        } else {
            return Err(format!("line {}: output before any command", first_line + index));
        }
    }
    for step in &mut steps {
        while step.expected.last().is_some_and(|line| line.trim().is_empty()) {
            step.expected.pop();
        }
    }
    Ok(steps)
}

/// `A=1 B= make dev` gives `[("A", "1"), ("B", "")]`; any other command, None.
fn make_dev(command: &str) -> Option<Vec<(String, String)>> {
    let mut words: Vec<&str> = command.split_whitespace().collect();
    if words.len() < 2 || words[words.len() - 2..] != ["make", "dev"] {
        return None;
    }
    words.truncate(words.len() - 2);
    words
        .into_iter()
        .map(|word| {
            let (name, value) = word.split_once('=')?;
            let is_name =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            is_name.then(|| (name.to_owned(), value.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# Doc\n\n```console\n$ MFA=on LOCAL_COGNITO_STATE= make dev\n...\nready\n```\n\nThen:\n\n1. A step\n\n   ```console\n   $ curl -s localhost:3000/a \\\n       -d '{}'\n   {\"a\":1}\n\n   $ X=1\n   ```\n\n```sh\nsam build\n```\n";

    #[test]
    fn a_walkthrough_starts_at_make_dev_and_takes_the_later_blocks() {
        let found = walkthroughs(DOC).unwrap();
        assert_eq!(found.len(), 1);
        let walkthrough = &found[0];
        assert_eq!(walkthrough.dev_env, [("MFA".into(), "on".into()), ("LOCAL_COGNITO_STATE".into(), String::new())]);
        assert_eq!(walkthrough.dev_banner, ["...", "ready"]);
        assert_eq!(walkthrough.line, 4);
        let commands: Vec<_> = walkthrough.steps.iter().map(|s| (s.command.as_str(), s.line)).collect();
        assert_eq!(commands, [("curl -s localhost:3000/a \\\n    -d '{}'", 14), ("X=1", 18)]);
        assert_eq!(walkthrough.steps[0].expected, ["{\"a\":1}"]);
        assert!(walkthrough.steps[1].expected.is_empty());
    }

    #[test]
    fn a_transcript_outside_a_console_block_is_refused() {
        let error = walkthroughs("```sh\n$ make dev\n```\n").unwrap_err();
        assert!(error.contains("mark it `console`"), "{error}");
    }

    #[test]
    fn a_command_before_make_dev_is_refused() {
        let error = walkthroughs("```console\n$ curl localhost:3000\n```\n").unwrap_err();
        assert!(error.starts_with("line 2:"), "{error}");
    }

    #[test]
    fn only_settings_may_come_before_make_dev() {
        assert_eq!(make_dev("make dev"), Some(vec![]));
        assert_eq!(make_dev("cd x && make dev"), None);
        assert_eq!(make_dev("make devices"), None);
    }
}
