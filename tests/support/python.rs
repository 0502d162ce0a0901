//! Running the project's Python clients (`tests/python`), which print one JSON object.

use std::process::Command;

use serde::de::DeserializeOwned;

use super::server;

/// Runs `tests/python/<script>` with the shared dev server's address followed by `args`, and
/// decodes the JSON it prints.
pub async fn run<T: DeserializeOwned>(script: &str, args: &[&str]) -> T {
    let script = server::project_root().join("tests/python").join(script);
    let args = args.iter().map(|arg| arg.to_string()).collect::<Vec<_>>();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(server::python())
            .arg(script)
            .arg(server::address())
            .args(args)
            .output()
            .expect("the project's Python runs; scripts/setup installs it")
    })
    .await
    .expect("the Python process task");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the Python client failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|error| panic!("{error}: {stdout}"))
}
