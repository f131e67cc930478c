//! Layers read top to bottom: no two modules of a crate import each other,
//! directly or around a loop. Read from the source's paths (`use crate::...`,
//! `super::...`, a parent naming its child), test modules left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn crate_src(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("crates").join(name).join("src")
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`; `lib.rs` and `main.rs` are the root, "".
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts.join("::")
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("main.rs") {
            into.push(path);
        }
    }
}

/// The code a module runs: comments and everything from the first `#[cfg(test)]` gone.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap();
    text.lines().map(|line| line.split("//").next().unwrap()).collect::<Vec<_>>().join("\n")
}

/// `use crate::{a, b::{c, d}};` -> ["crate::a", "crate::b::c", "crate::b::d"].
fn expand(prefix: &str, tree: &str) -> Vec<String> {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = format!("{prefix}{}", &tree[..open]);
        let inner = &tree[open + 1..tree.rfind('}').unwrap()];
        let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&inner[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        items.push(&inner[start..]);
        items.into_iter().filter(|i| !i.trim().is_empty()).flat_map(|i| expand(&head, i)).collect()
    } else {
        vec![format!("{prefix}{}", tree.split(" as ").next().unwrap().trim())]
    }
}

/// Every path the code names that may point into the crate.
fn paths_in(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for statement in code.split(';') {
        if let Some(at) = statement.find("use ") {
            let before = &statement[..at];
            if before.trim().is_empty() || before.trim_end().ends_with("pub") || before.trim_end().ends_with(')') {
                paths.extend(expand("", &statement[at + 4..]));
                continue;
            }
        }
    }
    // Paths written inline: crate::a::b, super::a, and a child's name then ::.
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_' || bytes[i - 1] == ':');
        if starts_word && (bytes[i].is_alphabetic() || bytes[i] == '_') {
            let mut j = i;
            while j < bytes.len() && (bytes[j].is_alphanumeric() || bytes[j] == '_' || bytes[j] == ':') {
                j += 1;
            }
            let word: String = bytes[i..j].iter().collect();
            // `crate::{a, b}` names a and b (read above), not the crate root.
            let group_head = word.ends_with("::") && bytes.get(j) == Some(&'{');
            if word.contains("::") && !group_head {
                paths.push(word.trim_end_matches(':').to_owned());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    paths
}

/// The module a path points into, seen from `module`; None when it leaves the crate.
fn target(path: &str, module: &str, modules: &BTreeSet<String>) -> Option<String> {
    let parent = |m: &str| m.rsplit_once("::").map_or(String::new(), |(p, _)| p.to_owned());
    let mut parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    let mut base = match parts.first().copied() {
        Some("crate") => {
            parts.remove(0);
            String::new()
        }
        Some("self") => {
            parts.remove(0);
            module.to_owned()
        }
        Some("super") => {
            let mut base = module.to_owned();
            while parts.first() == Some(&"super") {
                parts.remove(0);
                base = parent(&base);
            }
            base
        }
        // A child module named without `self::`, from its parent.
        Some(first) if modules.contains(&join(module, first)) => module.to_owned(),
        _ => return None,
    };
    let mut found = base.clone();
    for part in parts {
        base = join(&base, part);
        if modules.contains(&base) {
            found = base.clone();
        } else {
            break;
        }
    }
    Some(found)
}

fn join(base: &str, part: &str) -> String {
    if base.is_empty() {
        part.to_owned()
    } else {
        format!("{base}::{part}")
    }
}

fn import_graph(crate_name: &str) -> Graph {
    let src = crate_src(crate_name);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.push(src.join("lib.rs"));
    files.sort();
    files.dedup();
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut graph = Graph::new();
    for file in &files {
        let module = module_of(&src, file);
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        let paths = paths_in(&code);
        // `use crate::handlers;` then `handlers::login::handle`: the name stands for its module.
        let aliases: BTreeMap<String, String> = paths
            .iter()
            .filter_map(|path| {
                let to = target(path, &module, &modules)?;
                let name = path.rsplit("::").next()?;
                (to.rsplit("::").next() == Some(name)).then(|| (name.to_owned(), to))
            })
            .collect();
        let edges = graph.entry(module.clone()).or_default();
        for path in paths {
            let (first, rest) = path.split_once("::").unwrap_or((&path, ""));
            let path = match aliases.get(first) {
                Some(to) if !modules.contains(&join(&module, first)) => format!("crate::{to}::{rest}"),
                _ => path.clone(),
            };
            if let Some(to) = target(&path, &module, &modules) {
                if to != module {
                    edges.insert(to);
                }
            }
        }
    }
    graph
}

/// Strongly connected components of more than one module (Tarjan).
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, node: &'a str) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            self.on_stack.insert(node);
            for next in self.graph.get(node).into_iter().flatten() {
                let next = next.as_str();
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.on_stack.contains(next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut component = Vec::new();
                loop {
                    let top = self.stack.pop().unwrap();
                    self.on_stack.remove(top);
                    component.push(if top.is_empty() { "(crate root)".to_owned() } else { top.to_owned() });
                    if top == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !walk.index.contains_key(node.as_str()) {
            walk.visit(node);
        }
    }
    walk.found
}

/// The imports that keep each loop closed, for the failure message.
fn loop_edges(graph: &Graph, found: &[Vec<String>]) -> Vec<String> {
    let name = |m: &str| if m.is_empty() { "(crate root)".to_owned() } else { m.to_owned() };
    let mut edges = Vec::new();
    for component in found {
        for (from, tos) in graph {
            for to in tos {
                if component.contains(&name(from)) && component.contains(&name(to)) {
                    edges.push(format!("{} -> {}", name(from), name(to)));
                }
            }
        }
    }
    edges
}

#[test]
fn the_checker_finds_a_loop_and_reads_grouped_imports() {
    let modules: BTreeSet<String> = ["", "a", "b", "b::c"].iter().map(|s| s.to_string()).collect();
    let paths = paths_in("use crate::{a::X, b::{c::Y, Z}};\nfn f() { super::a::g(); }");
    assert!(paths.contains(&"crate::a::X".to_owned()) && paths.contains(&"crate::b::c::Y".to_owned()), "{paths:?}");
    assert_eq!(target("crate::b::c::Y", "a", &modules).as_deref(), Some("b::c"));
    assert_eq!(target("super::a", "b::c", &modules).as_deref(), Some("b"));
    assert_eq!(target("std::fmt", "a", &modules), None);
    assert!(!paths_in("use crate::{a, b};").contains(&"crate".to_owned()), "a group's head is no path to the root");
    let graph: Graph =
        [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")].iter().fold(Graph::new(), |mut g, (from, to)| {
            g.entry(from.to_string()).or_default().insert(to.to_string());
            g.entry(to.to_string()).or_default();
            g
        });
    assert_eq!(cycles(&graph), vec![vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]]);
}

#[test]
fn no_module_of_the_api_imports_one_that_imports_it_back() {
    let found = cycles(&import_graph("auth-api"));
    assert!(found.is_empty(), "import loops in crates/auth-api: {found:#?}");
}

#[test]
fn no_module_of_the_local_cognito_imports_one_that_imports_it_back() {
    let graph = import_graph("local-cognito");
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "import loops in crates/local-cognito: {found:#?}\nheld by: {:#?}",
        loop_edges(&graph, &found)
    );
}

#[test]
fn no_handler_imports_another_handler() {
    // What two handlers share sits below them (docs/architecture.md): a function's
    // binary then holds only its own handlers' code, and the IAM agreement test reads
    // a function's calls from its own handler down.
    let graph = import_graph("auth-api");
    let crossings: Vec<String> = graph
        .iter()
        .filter(|(from, _)| from.starts_with("handlers::"))
        .flat_map(|(from, to)| {
            to.iter().filter(|to| to.starts_with("handlers::")).map(move |to| format!("{from} -> {to}"))
        })
        .collect();
    assert!(crossings.is_empty(), "handlers importing handlers: {crossings:#?}");
}
