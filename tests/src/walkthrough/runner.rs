//! Runs a walkthrough as a reader would: `scripts/dev.sh` (what `make dev` runs after
//! its build) with the walkthrough's settings, then every command in one bash, in a
//! scratch directory. The stack gets ports of its own and a fresh pool, and the
//! documents' ports (3000, 9229, 5173) are swapped for those in the commands and back
//! in what they print, so the walkthroughs run beside each other and beside a
//! developer's own `make dev`.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::matching::mismatch;
use super::transcript::Walkthrough;

/// The last line `make dev` prints once the API answers.
pub const READY_LINE_START: &str = "Ready.";
const STEP_DONE: &str = "@@walkthrough-step-done@@";
const DOCUMENTED_PORTS: [u16; 3] = [3000, 9229, 5173];

/// Runs every walkthrough of `doc` (a path under the repository), failing with every
/// command of the first failing walkthrough whose output differs from what the document shows.
pub fn run_document(doc: &str) -> Result<usize, String> {
    let root = repository_root();
    binaries_are_current(&root)?;
    let markdown = std::fs::read_to_string(root.join(doc)).map_err(|e| format!("{doc}: {e}"))?;
    let walkthroughs = super::transcript::walkthroughs(&markdown).map_err(|e| format!("{doc}: {e}"))?;
    for walkthrough in &walkthroughs {
        run(&root, doc, walkthrough)?;
    }
    Ok(walkthroughs.len())
}

/// The binaries `make dev` runs, and the workspace crates each is built from.
const BINARIES: [(&str, &[&str]); 2] = [
    ("local-server", &["local-server", "auth-api", "triggers", "lambda-common"]),
    ("local-cognito", &["local-cognito"]),
];

/// `make dev` runs the binaries its build left: one older than its code would test
/// yesterday's API (`make test` builds them before the tests; a lone
/// `cargo nextest run` does not).
fn binaries_are_current(root: &Path) -> Result<(), String> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    for (binary, crates) in BINARIES {
        let path = target.join("debug").join(binary);
        let built = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .map_err(|_| format!("{} is missing: cargo build -p local-server -p local-cognito", path.display()))?;
        let newest_source = crates.iter().filter_map(|name| newest_change(&root.join("crates").join(name))).max();
        if newest_source.is_some_and(|newest| newest > built) {
            return Err(format!(
                "{} is older than its code ({}): cargo build -p local-server -p local-cognito",
                path.display(),
                crates.join(", ")
            ));
        }
    }
    Ok(())
}

/// The newest modification of what a crate's binary is built from: everything in it
/// but its tests (sources, manifest, files it includes such as pool.json).
fn newest_change(krate: &Path) -> Option<std::time::SystemTime> {
    fn walk(path: &Path, newest: &mut Option<std::time::SystemTime>) {
        let Ok(metadata) = std::fs::metadata(path) else { return };
        if metadata.is_dir() {
            if path
                .file_name()
                .is_some_and(|name| ["tests", "benches", "examples", "target"].contains(&name.to_str().unwrap_or("")))
            {
                return;
            }
            for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
                walk(&entry.path(), newest);
            }
        } else if let Ok(modified) = metadata.modified() {
            *newest = (*newest).max(Some(modified));
        }
    }
    let mut newest = None;
    walk(krate, &mut newest);
    newest
}

pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the repository").to_path_buf()
}

fn run(root: &Path, doc: &str, walkthrough: &Walkthrough) -> Result<(), String> {
    let ports = Ports::free();
    let stack = DevStack::start(root, &walkthrough.dev_env, &ports)?;
    let banner: Vec<String> = stack.banner.iter().map(|line| ports.to_documented(line)).collect();
    if let Some(line) = mismatch(&walkthrough.dev_banner, &banner) {
        return Err(failure(doc, walkthrough.line, "make dev", &line, &banner, &stack));
    }
    let commands: Vec<String> = walkthrough.steps.iter().map(|step| ports.to_own(&step.command)).collect();
    let outputs = run_in_one_shell(&commands, &stack)?;
    // Every difference at once: fixing a document takes one run, not one per line.
    let mut failures = Vec::new();
    for (step, output) in walkthrough.steps.iter().zip(&outputs) {
        let printed: Vec<String> = output.lines().map(|line| ports.to_documented(line)).collect();
        if let Some(line) = mismatch(&step.expected, &printed) {
            failures.push(difference(doc, step.line, &step.command, &line, &printed));
        }
    }
    if failures.is_empty() {
        return Ok(());
    }
    let output = stack.output.lock().unwrap().join("\n");
    Err(format!("{}\nmake dev's output:\n{output}", failures.join("\n")))
}

fn failure(doc: &str, line: usize, command: &str, expected: &str, printed: &[String], stack: &DevStack) -> String {
    let output = stack.output.lock().unwrap().join("\n");
    format!("{}\nmake dev's output:\n{output}", difference(doc, line, command, expected, printed))
}

fn difference(doc: &str, line: usize, command: &str, expected: &str, printed: &[String]) -> String {
    format!(
        "{doc}:{line}: `{command}` printed what the document does not show.\n\
         first line shown that matched nothing: {expected}\n\
         printed:\n{}\n",
        printed.join("\n")
    )
}

/// Every command in one bash, as typed one after another; what each printed.
fn run_in_one_shell(commands: &[String], stack: &DevStack) -> Result<Vec<String>, String> {
    let scratch = tempdir();
    let mut script = String::from("exec 2>&1\n");
    for command in commands {
        script.push_str(command);
        script.push_str(&format!("\nprintf '\\n{STEP_DONE}\\n'\n"));
    }
    use std::os::unix::process::CommandExt;
    let mut shell = Command::new("bash")
        .args(["--noprofile", "--norc", "-s"])
        // A group of its own, so that whatever a command left running goes with it.
        .process_group(0)
        .current_dir(&scratch)
        .env_clear()
        .envs(std::env::vars().filter(|(name, _)| ["PATH", "HOME", "LANG", "TMPDIR"].contains(&name.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("bash: {e}"))?;
    shell.stdin.take().expect("stdin").write_all(script.as_bytes()).map_err(|e| format!("bash: {e}"))?;
    let mut stdout = shell.stdout.take().expect("stdout");
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        let _ = done.send(text);
    });
    let text = finished.recv_timeout(Duration::from_secs(180));
    let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", shell.id())]).status();
    let _ = shell.wait();
    let _ = std::fs::remove_dir_all(&scratch);
    let text = text.map_err(|_| {
        format!(
            "the commands did not finish within 180 s; make dev's output:\n{}",
            stack.output.lock().unwrap().join("\n")
        )
    })?;
    let mut outputs: Vec<String> =
        text.split(&format!("\n{STEP_DONE}\n")).map(|output| output.trim_end_matches('\n').to_owned()).collect();
    if outputs.len() <= commands.len() {
        // The shell stopped before the last command's marker: a command ended it (exit, exec).
        return Err(format!(
            "the shell ended after {} of {} commands:\n{text}",
            outputs.len().saturating_sub(1),
            commands.len()
        ));
    }
    outputs.truncate(commands.len());
    Ok(outputs)
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("walkthrough-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

struct Ports {
    api: u16,
    cognito: u16,
    web: u16,
}

impl Ports {
    fn free() -> Self {
        let listeners: Vec<_> =
            (0..3).map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a free port")).collect();
        let port = |i: usize| listeners[i].local_addr().expect("address").port();
        Self { api: port(0), cognito: port(1), web: port(2) }
    }

    fn own(&self) -> [u16; 3] {
        [self.api, self.cognito, self.web]
    }

    fn to_own(&self, text: &str) -> String {
        DOCUMENTED_PORTS.iter().zip(self.own()).fold(text.to_owned(), |text, (documented, own)| {
            text.replace(&format!(":{documented}"), &format!(":{own}"))
        })
    }

    fn to_documented(&self, text: &str) -> String {
        DOCUMENTED_PORTS.iter().zip(self.own()).fold(text.to_owned(), |text, (documented, own)| {
            text.replace(&format!(":{own}"), &format!(":{documented}"))
        })
    }
}

/// `scripts/dev.sh`, stopped with its whole process group when dropped.
struct DevStack {
    child: Child,
    banner: Vec<String>,
    /// Everything it printed, for a failure's message.
    output: Arc<Mutex<Vec<String>>>,
}

impl DevStack {
    fn start(root: &Path, settings: &[(String, String)], ports: &Ports) -> Result<Self, String> {
        use std::os::unix::process::CommandExt;
        let mut command = Command::new("bash");
        command.arg("scripts/dev.sh").current_dir(root);
        // The pool's settings are the document's alone, never the developer's shell's.
        for name in ["CLIENT_SECRET", "MFA", "EMAIL_MFA", "SELF_SIGNUP", "DEVICES", "TRIGGERS", "PASSWORDLESS"] {
            command.env_remove(name);
        }
        for (name, value) in settings {
            command.env(name, ports.to_own(value));
        }
        // The runner's own settings last, whatever a document says: its ports and a
        // fresh pool, never a developer's running stack or kept state.
        command
            .env("PORT", ports.api.to_string())
            .env("COGNITO_PORT", ports.cognito.to_string())
            .env("WEB_PORT", ports.web.to_string())
            .env("LOCAL_COGNITO_STATE", "")
            .env_remove("LOCAL_COGNITO_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let mut child = command.spawn().map_err(|e| format!("scripts/dev.sh: {e}"))?;
        let output = Arc::new(Mutex::new(Vec::new()));
        let (ready, is_ready) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let (output, ready) = (output.clone(), ready.clone());
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let is_ready_line = line.starts_with(READY_LINE_START);
                    output.lock().unwrap().push(line);
                    if is_ready_line {
                        let _ = ready.send(output.lock().unwrap().clone());
                    }
                }
            });
        }
        drop(ready);
        let banner = is_ready.recv_timeout(Duration::from_secs(90));
        let stack_output = output.lock().unwrap().join("\n");
        let mut stack = Self { child, banner: Vec::new(), output };
        match banner {
            Ok(banner) => {
                stack.banner = banner;
                Ok(stack)
            }
            Err(_) => Err(format!("make dev printed no `{READY_LINE_START}` line within 90 s:\n{stack_output}")),
        }
    }
}

impl Drop for DevStack {
    fn drop(&mut self) {
        // dev.sh's trap stops what it started; the group's signal reaches any straggler too.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.child.wait();
    }
}
