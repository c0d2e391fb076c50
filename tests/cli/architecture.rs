//! The layering of the crate, checked from its source: no module imports a module that
//! imports it back (directly or round a longer loop), and the ground floor (errors, secrets,
//! timestamps, the atomic writer, Python's spellings) imports nothing above it.
//! docs/architecture.md draws the layers.
//!
//! A module "imports" another when its non-test code names it: `crate::a::b`, `super::x`,
//! `self::x`, or a submodule it declares (`mod x;` then `x::...`). `mod x;` alone is not an
//! import. Test modules (`#[cfg(test)]` to the end of the file) do not count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules that must import nothing outside this list.
const GROUND_FLOOR: &[&str] = &[
    "crate::error",
    "crate::secret",
    "crate::timestamp",
    "crate::atomic",
    "crate::regions",
    "crate::python",
    "crate::python::decode",
    "crate::python::json",
    "crate::python::number",
    "crate::python::repr",
    "crate::python::unicode_tables",
];

struct Module {
    file: PathBuf,
    /// Non-test code, comments removed.
    code: String,
}

fn module_path(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?.with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.last().map(String::as_str) {
        Some("main") if parts.len() == 1 => return None,
        Some("lib") if parts.len() == 1 => parts.clear(),
        Some("mod") => {
            parts.pop();
        }
        _ => {}
    }
    let mut path = String::from("crate");
    for part in parts {
        path.push_str("::");
        path.push_str(&part);
    }
    Some(path)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn modules() -> BTreeMap<String, Module> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut modules = BTreeMap::new();
    for file in files {
        let Some(path) = module_path(&src, &file) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        let code: String = text
            .lines()
            .take_while(|line| line.trim() != "#[cfg(test)]")
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        modules.insert(path, Module { file, code });
    }
    modules
}

/// The `a::b::c` path segments that follow `at` in `code`.
fn segments(code: &str, at: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = &code[at..];
    while let Some(after) = rest.strip_prefix("::") {
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if end == 0 {
            break;
        }
        out.push(&after[..end]);
        rest = &after[end..];
    }
    out
}

/// Whether `code[at..]` starts a word (not the tail of an identifier or of a path).
fn word_starts(code: &str, at: usize) -> bool {
    let before = code[..at].chars().next_back();
    !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn parent(path: &str) -> &str {
    path.rsplit_once("::").map_or("crate", |(p, _)| p)
}

/// The longest known module that `base::segments...` names.
fn resolve(known: &BTreeMap<String, Module>, base: &str, segs: &[&str]) -> Option<String> {
    let mut best = known.contains_key(base).then(|| base.to_owned());
    let mut path = base.to_owned();
    for seg in segs {
        path.push_str("::");
        path.push_str(seg);
        if known.contains_key(&path) {
            best = Some(path.clone());
        }
    }
    best
}

fn imports(known: &BTreeMap<String, Module>) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges = BTreeMap::new();
    for (name, module) in known {
        let code = &module.code;
        let mut targets = BTreeSet::new();
        let children: Vec<&str> = known
            .keys()
            .filter(|k| parent(k) == name && k.as_str() != name)
            .map(|k| k.rsplit("::").next().unwrap())
            .collect();
        for (at, word) in code.match_indices(|c: char| c.is_ascii_alphabetic() || c == '_') {
            let _ = word;
            if !word_starts(code, at) {
                continue;
            }
            let rest = &code[at..];
            let word_end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let word = &rest[..word_end];
            if !rest[word_end..].starts_with("::") {
                continue;
            }
            let segs = segments(code, at + word_end);
            let target = match word {
                "crate" => resolve(known, "crate", &segs),
                "self" => resolve(known, name, &segs),
                "super" => {
                    let mut base = parent(name).to_owned();
                    let mut segs = segs.as_slice();
                    while segs.first() == Some(&"super") {
                        base = parent(&base).to_owned();
                        segs = &segs[1..];
                    }
                    resolve(known, &base, segs)
                }
                child if children.contains(&child) => {
                    resolve(known, &format!("{name}::{child}"), &segs)
                }
                _ => None,
            };
            if let Some(target) = target.filter(|t| t != name) {
                targets.insert(target);
            }
        }
        edges.insert(name.clone(), targets);
    }
    edges
}

/// Tarjan's strongly connected components with more than one module.
fn loops(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let known = modules();
    assert!(known.len() > 40, "found {} modules", known.len());
    let edges = imports(&known);
    let found = loops(&edges);
    assert!(found.is_empty(), "import loops: {found:#?}");
}

#[test]
fn the_ground_floor_imports_nothing_above_it() {
    let known = modules();
    let edges = imports(&known);
    for module in GROUND_FLOOR {
        assert!(known.contains_key(*module), "{module} is gone");
        let above: Vec<&String> = edges[*module]
            .iter()
            .filter(|t| !GROUND_FLOOR.contains(&t.as_str()))
            .collect();
        assert!(
            above.is_empty(),
            "{module} ({}) imports {above:?}",
            known[*module].file.display()
        );
    }
}

#[test]
fn the_checker_sees_loops() {
    let mut edges = BTreeMap::new();
    edges.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    edges.insert("b".to_owned(), BTreeSet::from(["c".to_owned()]));
    edges.insert("c".to_owned(), BTreeSet::from(["a".to_owned()]));
    edges.insert("d".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(loops(&edges), [["a", "b", "c"]]);
    let known = modules();
    let edges = imports(&known);
    // Sanity: the checker does read imports.
    assert!(edges["crate::chain::sso"].contains("crate::sso_token"));
    assert!(edges["crate::settings"].contains("crate::settings::login_target"));
}
