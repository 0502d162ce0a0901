//! The end-to-end benchmark's smoke run: every worker it compares starts and serves 50
//! activities of each load shape, so that the benchmark cannot rot between the runs that
//! BENCHMARKS.md reports. It measures nothing: the numbers of a debug build on a busy machine
//! mean nothing, and a test never asserts a duration.

use std::time::Duration;

// The root package's deadline-bound child processes; this test uses a part of them.
#[allow(dead_code)]
#[path = "../../tests/support/process.rs"]
mod process;

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
    let mut driver = process::command(env!("CARGO_BIN_EXE_e2e"));
    driver.arg("--smoke");
    let output = process::output_within(driver, Duration::from_secs(600), "the smoke run");
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
