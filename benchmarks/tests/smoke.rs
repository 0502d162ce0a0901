//! The end-to-end benchmark's smoke run: every worker it compares starts and serves 50
//! activities of each load shape, so that the benchmark cannot rot between the runs that
//! BENCHMARKS.md reports. It measures nothing: the numbers of a debug build on a busy machine
//! mean nothing, and a test never asserts a duration.

use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const WORKERS: [&str; 9] = [
    "ours",
    "ours-gzip",
    "ours-current",
    "official",
    "official-no-gzip",
    "python",
    "core-gzip",
    "core",
    "core-current",
];

#[test]
fn every_worker_serves_both_load_shapes() {
    let child = Command::new(env!("CARGO_BIN_EXE_e2e"))
        .arg("--smoke")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the driver starts");
    let pid = child.id();
    let (done, finished) = mpsc::channel();
    // Read while it runs, so that it never blocks on a full pipe.
    std::thread::spawn(move || done.send(child.wait_with_output()));
    let output = match finished.recv_timeout(Duration::from_secs(600)) {
        Ok(output) => output.expect("its output"),
        Err(_) => {
            // SAFETY: a signal to our own child.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            panic!("the smoke run took more than ten minutes");
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the smoke run failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for table in [
        "Workflow fan-out of 50 activities",
        "Standalone activities of 50 activities",
    ] {
        let rows = stdout
            .split(table)
            .nth(1)
            .unwrap_or_else(|| panic!("no table `{table}` in:\n{stdout}"));
        for worker in WORKERS {
            assert!(
                rows.contains(&format!("\n| {worker} |")),
                "no row for `{worker}` under `{table}`:\n{stdout}"
            );
        }
    }
}
