//! Captures what the runtime logs, from every thread, for tests that check a warning.
//!
//! A global subscriber, because activities log from tokio's worker threads and from the blocking
//! pool, where a thread-local default would not reach. Tests in one binary share it and tell
//! their lines apart by the activity names in them.

use std::io::Write;
use std::sync::{Mutex, OnceLock};

static LINES: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();

struct Capture;

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        buffer().lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn buffer() -> &'static Mutex<Vec<u8>> {
    LINES.get_or_init(|| {
        tracing_subscriber::fmt()
            .with_writer(|| Capture)
            .with_ansi(false)
            .with_max_level(tracing::Level::DEBUG)
            .init();
        Mutex::default()
    })
}

/// Starts capturing; call it before the code under test runs.
pub fn capture() {
    let _ = buffer();
}

/// Every captured line that contains `needle`.
pub fn lines_containing(needle: &str) -> Vec<String> {
    let bytes = buffer().lock().unwrap().clone();
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|line| line.contains(needle))
        .map(str::to_string)
        .collect()
}
