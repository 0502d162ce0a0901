// Visibility, docs, `#[cfg]`, `#[allow]` and other attribute macros stay on the function, and
// the function stays directly callable.
#![deny(missing_docs, unused)]
//! Activities with attributes.

use activity_runtime::activity;

mod api {
    use activity_runtime::activity;

    /// Greets someone.
    #[activity]
    #[tracing::instrument]
    #[allow(clippy::needless_pass_by_value)]
    pub async fn greet(name: String) -> String {
        format!("Hello, {name}!")
    }

    /// Compiled out by an always-false `cfg`: neither the function nor its companion exist.
    #[activity]
    #[cfg(any())]
    pub fn never_compiled(x: NoSuchType) {}
}

#[activity]
#[cfg(all())]
fn kept_by_cfg() -> u8 {
    7
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert_eq!(api::greet("World".into()).await, "Hello, World!");
    assert_eq!(kept_by_cfg(), 7);
    let set = activity_runtime::activity_set![api::greet, kept_by_cfg];
    assert_eq!(set.len(), 2);
}
