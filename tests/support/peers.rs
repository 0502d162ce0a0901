//! The foreign SDKs' clients and workers the tests run as processes: the project's Python
//! scripts (`tests/python`, with the pinned `temporalio`) and TypeScript scripts
//! (`tests/typescript`, with the pinned `@temporalio/*`). Each prints one JSON object, which
//! the test decodes.

use std::path::Path;
use std::time::Duration;

use serde::de::DeserializeOwned;

use super::{process, server};

/// How long one peer may run.
const LIMIT: Duration = Duration::from_secs(180);

/// Runs `tests/python/<script>` with the shared dev server's address followed by `args`, and
/// decodes the JSON it prints.
pub async fn python<T: DeserializeOwned>(script: &str, args: &[&str]) -> T {
    python_at(server::address(), script, args).await
}

/// Runs `tests/python/<script>` with the server address `address` followed by `args`.
pub async fn python_at<T: DeserializeOwned>(address: &str, script: &str, args: &[&str]) -> T {
    let script = server::project_root().join("tests/python").join(script);
    run(&server::python(), &script, address, args).await
}

/// Runs `tests/typescript/<script>` with Node.js, the shared dev server's address followed by
/// `args`, and decodes the JSON it prints.
pub async fn typescript<T: DeserializeOwned>(script: &str, args: &[&str]) -> T {
    let script = server::project_root().join("tests/typescript").join(script);
    run(Path::new("node"), &script, server::address(), args).await
}

async fn run<T: DeserializeOwned>(
    interpreter: &Path,
    script: &Path,
    address: &str,
    args: &[&str],
) -> T {
    let mut command = process::command(interpreter);
    command.arg(script).arg(address).args(args);
    let what = format!("the peer {}", script.display());
    let output = tokio::task::spawn_blocking(move || process::output_within(command, LIMIT, &what))
        .await
        .expect("the peer's process task");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the peer {} failed:\n{stdout}\n{}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let answer = stdout.trim().lines().last().unwrap_or_default();
    serde_json::from_str(answer).unwrap_or_else(|error| panic!("{error}: {stdout}"))
}
