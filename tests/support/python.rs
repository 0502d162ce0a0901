//! Running the project's Python clients (`tests/python`), which print one JSON object.

use std::time::Duration;

use serde::de::DeserializeOwned;

use super::{process, server};

/// How long one Python client may run.
const LIMIT: Duration = Duration::from_secs(180);

/// Runs `tests/python/<script>` with the shared dev server's address followed by `args`, and
/// decodes the JSON it prints.
pub async fn run<T: DeserializeOwned>(script: &str, args: &[&str]) -> T {
    run_at(server::address(), script, args).await
}

/// Runs `tests/python/<script>` with the server address `address` followed by `args`, and
/// decodes the JSON it prints.
pub async fn run_at<T: DeserializeOwned>(address: &str, script: &str, args: &[&str]) -> T {
    let mut command = process::command(server::python());
    command
        .arg(server::project_root().join("tests/python").join(script))
        .arg(address)
        .args(args);
    let what = format!("the Python client {script}");
    let output = tokio::task::spawn_blocking(move || process::output_within(command, LIMIT, &what))
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
