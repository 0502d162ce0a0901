//! A blocking activity: a plain `fn` that reads a file with `std::fs` runs on the worker's
//! blocking pool, so it never stalls the async activities beside it.
//!
//! `cargo run --example blocking`

mod common;

use activity_runtime::client::execute_activity;
use activity_runtime::{Worker, activity, activity_set};

/// Counts the lines and bytes of a file, with blocking I/O.
#[activity]
fn count_lines(path: String) -> std::io::Result<(usize, usize)> {
    let text = std::fs::read_to_string(path)?;
    Ok((text.lines().count(), text.len()))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let worker =
        Worker::builder("blocking-example", activity_set![count_lines]).blocking_threads(8);
    let local = common::Local::start("blocking-example", worker).await?;

    let path = std::env::temp_dir().join(format!("blocking-example-{}.txt", std::process::id()));
    std::fs::write(&path, "one\ntwo\nthree\n")?;
    let (lines, bytes) = execute_activity(
        &local.client,
        count_lines::ACTIVITY,
        (path.display().to_string(),),
        local.options("count-lines", None),
    )
    .await?;
    println!("{lines} lines, {bytes} bytes");
    std::fs::remove_file(path)?;

    // A missing file is an `io::Error`: the failure type is `Error` and the message is the OS's.
    let missing = execute_activity(
        &local.client,
        count_lines::ACTIVITY,
        ("/no/such/file".to_string(),),
        local.options("missing", None),
    )
    .await;
    println!(
        "missing file: {}",
        missing.map(|_| "read").unwrap_or("failed, as expected")
    );
    local.stop().await
}
