//! The runtime's dependency rule (ARCHITECTURE.md): its modules follow one activity task's data
//! path, and a module uses only those before it. Read from the sources, so that a `use` against
//! the rule fails here rather than slowly tangling the tree.

use std::path::{Path, PathBuf};

use syn::visit::{self, Visit};
use syn::{ItemUse, UseTree};

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

/// Every module a file names through `crate::`: in `use` items, grouped ones included
/// (`use crate::{context::X, dispatch::Y}`) and re-exports, and in paths in code (types,
/// expressions, patterns, attributes' paths). Doc links are text, not paths, and may point
/// anywhere.
#[derive(Default)]
struct CrateUses(Vec<String>);

impl CrateUses {
    fn tree(&mut self, tree: &UseTree, at_root: bool, under_crate: bool) {
        match tree {
            UseTree::Path(path) if at_root && path.ident == "crate" => {
                self.tree(&path.tree, false, true);
            }
            UseTree::Path(path) if under_crate => self.0.push(path.ident.to_string()),
            UseTree::Name(name) if under_crate => self.0.push(name.ident.to_string()),
            UseTree::Rename(rename) if under_crate => self.0.push(rename.ident.to_string()),
            UseTree::Group(group) => {
                for item in &group.items {
                    self.tree(item, at_root, under_crate);
                }
            }
            _ => {}
        }
    }
}

impl<'ast> Visit<'ast> for CrateUses {
    fn visit_item_use(&mut self, item: &'ast ItemUse) {
        self.tree(&item.tree, item.leading_colon.is_none(), false);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let mut segments = path.segments.iter();
        if let (Some(first), Some(second)) = (segments.next(), segments.next())
            && first.ident == "crate"
        {
            self.0.push(second.ident.to_string());
        }
        visit::visit_path(self, path);
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
        let parsed = syn::parse_file(&text)
            .unwrap_or_else(|error| panic!("{} parses: {error}", relative.display()));
        let mut uses = CrateUses::default();
        uses.visit_file(&parsed);
        for used in uses.0 {
            if layer_of(&used).is_some_and(|layer| layer > own) {
                broken.push(format!(
                    "{}: `{module}` uses `{used}`, which comes after it",
                    relative.display()
                ));
            }
        }
    }
    assert!(files.len() > 20, "the sources were read: {}", files.len());
    broken.sort();
    broken.dedup();
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The checker sees what a line-by-line search missed: a grouped import and a re-export.
#[test]
fn grouped_imports_and_re_exports_count() {
    let file = syn::parse_file(
        "use crate::{payload::Payload, worker::Worker};\n\
         pub use crate::dispatch::Task as Job;\n\
         fn f() -> crate::client::Client { todo!() }\n\
         /// A link to [`crate::official`] is text.\n\
         fn g() {}",
    )
    .unwrap();
    let mut uses = CrateUses::default();
    uses.visit_file(&file);
    assert_eq!(uses.0, ["payload", "worker", "dispatch", "client"]);
}
