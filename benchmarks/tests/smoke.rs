//! The end-to-end benchmarks' smoke runs: every worker `e2e` compares starts and serves 50
//! activities of each load shape, and `scale` makes each of its tables on a few activities,
//! so that the benchmarks cannot rot between the runs that BENCHMARKS.md reports. It measures nothing: the numbers of a debug build on a busy machine
//! mean nothing, and a test never asserts a duration.

use std::time::Duration;

use activity_benchmarks::driver::COMPARED;

// The root package's deadline-bound child processes; this test uses a part of them.
#[allow(dead_code)]
#[path = "../../tests/support/process.rs"]
mod process;

/// Runs `driver --smoke` and returns what it printed, failing with its output if it failed.
fn smoke(driver: &str) -> String {
    let mut command = process::command(driver);
    command.arg("--smoke");
    let output = process::output_within(command, Duration::from_secs(600), "the smoke run");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "the smoke run of {driver} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Asserts that `stdout` has, under each of `tables`, a row for each of `workers`.
fn assert_rows(stdout: &str, tables: &[&str], workers: &[&str]) {
    for table in tables {
        let rows = stdout
            .split(table)
            .nth(1)
            .unwrap_or_else(|| panic!("no table `{table}` in:\n{stdout}"));
        for worker in workers {
            assert!(
                rows.contains(&format!("\n| {worker} |")),
                "no row for `{worker}` under `{table}`:\n{stdout}"
            );
        }
    }
}

#[test]
fn every_worker_serves_both_load_shapes() {
    let stdout = smoke(env!("CARGO_BIN_EXE_e2e"));
    assert_rows(
        &stdout,
        &[
            "Workflow fan-out of 50 activities",
            "Standalone activities of 50 activities",
        ],
        &COMPARED,
    );
}

#[test]
fn every_scale_table_is_made() {
    let stdout = smoke(env!("CARGO_BIN_EXE_scale"));
    assert_rows(
        &stdout,
        &["by activities in flight"],
        &["ours", "official", "python", "core"],
    );
    assert_rows(
        &stdout,
        &[
            "Memory with sleeping activities",
            "beside 2 blocking activities",
        ],
        &["ours", "python"],
    );
}
