//! Child processes (the Temporal CLI, Python, the examples, worker processes) started apart from
//! the caller's Temporal settings, and waited for with a deadline, so that a regression is a
//! failure and never a hung run.

use std::ffi::OsStr;
use std::io::{BufRead, Read};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A command that sees none of the caller's `TEMPORAL_*` variables and an empty
/// `temporal.toml`, so that a developer's own profile (an address, a namespace, TLS, an API
/// key) cannot leak into a test. `TEMPORAL_CLI`, which names the CLI the tests run, is kept.
pub fn command(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        let text = name.to_string_lossy();
        if text.starts_with("TEMPORAL_") && text != "TEMPORAL_CLI" {
            command.env_remove(&name);
        }
    }
    command.env("TEMPORAL_CONFIG_FILE", empty_config_file());
    command
}

/// An empty `temporal.toml`, made once per test binary in Cargo's scratch directory for tests,
/// which lives inside `target/`, so that no run leaves a file behind in the system's temp dir.
pub fn empty_config_file() -> &'static PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let path = scratch_path(&format!("empty-temporal-{}.toml", std::process::id()));
        std::fs::write(&path, "").expect("an empty temporal.toml in the scratch dir");
        path
    })
}

/// A path named `name` in Cargo's scratch directory for integration tests and benches.
pub fn scratch_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// Runs `command` to its end and returns what it printed; kills it and fails the test when it
/// runs longer than `limit`.
pub fn output_within(mut command: Command, limit: Duration, what: &str) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("{what} starts: {error}"));
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    let status = wait_or_kill(&mut child, limit);
    let stdout = stdout.join().expect("the stdout reader");
    let stderr = stderr.join().expect("the stderr reader");
    let Some(status) = status else {
        panic!(
            "{what} did not finish within {limit:?}:\n{}\n{}",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        );
    };
    Output {
        status,
        stdout,
        stderr,
    }
}

/// Waits for `child` to exit; fails the test, after killing it, when it takes longer than
/// `limit`.
pub fn wait_within(child: &mut Child, limit: Duration, what: &str) -> ExitStatus {
    wait_or_kill(child, limit)
        .unwrap_or_else(|| panic!("{what} did not exit within {limit:?}, so it was killed"))
}

/// The child's status once it exits, or `None` (and the child killed) after `limit`.
fn wait_or_kill(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("the child's status") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The next line `reader` gives, or a failed test after `limit`.
pub fn line_within<R: BufRead + Send + 'static>(
    reader: R,
    limit: Duration,
    what: &str,
) -> (String, R) {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = reader;
        let mut line = String::new();
        let read = reader.read_line(&mut line).map(|_| line);
        let _ = sender.send((read, reader));
    });
    match receiver.recv_timeout(limit) {
        Ok((Ok(line), reader)) => (line, reader),
        Ok((Err(error), _)) => panic!("{what}: {error}"),
        Err(_) => panic!("{what} did not happen within {limit:?}"),
    }
}

/// Reads everything from `pipe` on a thread of its own, so that the child never blocks on a
/// full pipe.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}
