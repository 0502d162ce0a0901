//! The runtime's dependency rule (ARCHITECTURE.md): its modules follow one activity task's data
//! path, and a module uses only those before it. Read from the sources, so that a `use` against
//! the rule fails here rather than slowly tangling the tree.

use std::path::{Path, PathBuf};

/// The layers, in order; a module may use its own layer and those before it.
const LAYERS: &[&[&str]] = &[
    &["payload", "metrics"],
    &["error"],
    &["context"],
    &["activity", "interceptor"],
    &["dispatch", "connection"],
    &["worker", "official", "testing", "client", "dev_server"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the runtime's sources") {
        let path = entry.expect("a source entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn no_runtime_module_uses_one_after_it_on_the_data_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("activity-runtime/src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let mut broken = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&root).expect("under src");
        let module = relative
            .components()
            .next()
            .and_then(|first| first.as_os_str().to_str())
            .map(|first| first.trim_end_matches(".rs"))
            .expect("a module name");
        let Some(own) = layer_of(module) else {
            continue;
        };
        let text = std::fs::read_to_string(file).expect("a source file");
        for (number, line) in text.lines().enumerate() {
            // Doc links may point anywhere; code may not.
            if line.trim_start().starts_with("//") {
                continue;
            }
            for (index, _) in line.match_indices("crate::") {
                let used = line[index + "crate::".len()..]
                    .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .next()
                    .unwrap_or_default();
                if layer_of(used).is_some_and(|layer| layer > own) {
                    broken.push(format!(
                        "{}:{}: `{module}` uses `{used}`, which comes after it",
                        relative.display(),
                        number + 1
                    ));
                }
            }
        }
    }
    assert!(files.len() > 20, "the sources were read: {}", files.len());
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
