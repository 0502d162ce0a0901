//! The Temporal CLI, a real foreign client and the operator's tool, against the shared dev
//! server, with a deadline on every command.

use std::process::Output;
use std::time::Duration;

use serde_json::Value;

use super::{process, server};

/// How long one command may run.
const LIMIT: Duration = Duration::from_secs(60);

/// Runs `temporal <args> --address <the dev server>` to its end.
fn output(args: &[&str]) -> Output {
    let mut command = process::command(server::cli());
    command.args(args).args(["--address", server::address()]);
    process::output_within(command, LIMIT, &format!("temporal {}", args.join(" ")))
}

/// What `temporal <args>` printed; fails the test when the command fails.
pub fn run(args: &[&str]) -> String {
    let output = output(args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "temporal {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// What `temporal <args>` printed, or `None` when it failed.
pub fn try_run(args: &[&str]) -> Option<String> {
    let output = output(args);
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// [`run`], off the async runtime's threads.
pub async fn temporal(args: &[&str]) -> String {
    let args = args.iter().map(|arg| arg.to_string()).collect::<Vec<_>>();
    tokio::task::spawn_blocking(move || run(&args.iter().map(String::as_str).collect::<Vec<_>>()))
        .await
        .expect("the CLI's runner")
}

/// What `temporal <args> --output json` printed, as JSON.
pub async fn temporal_json(args: &[&str]) -> Value {
    let printed = temporal(&[args, &["--output", "json"]].concat()).await;
    serde_json::from_str(&printed).unwrap_or_else(|error| panic!("{error}: {printed}"))
}
