//! Worker processes (the `test-worker` binary) that tests kill, signal and wait for.

use std::io::{BufRead, BufReader};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::process;

/// How long a worker process may take to connect and report that it polls.
const START_LIMIT: Duration = Duration::from_secs(60);

/// A `test-worker` process serving one task queue.
pub struct WorkerProcess {
    child: Child,
    /// What it printed after `ready`.
    printed: Arc<Mutex<Vec<String>>>,
}

impl WorkerProcess {
    /// Starts a worker for `task_queue` on the server at `address`, and waits until it polls.
    pub fn start(address: &str, task_queue: &str) -> Self {
        Self::start_with(address, task_queue, &[])
    }

    /// As [`start`](Self::start), with extra environment variables.
    pub fn start_with(address: &str, task_queue: &str, env: &[(&str, &str)]) -> Self {
        let mut child = process::command(env!("CARGO_BIN_EXE_test-worker"))
            .args([address, task_queue])
            // Expected panics print one line, not a backtrace.
            .env("RUST_BACKTRACE", "0")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the test worker starts");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let (line, stdout) = process::line_within(stdout, START_LIMIT, "the test worker's `ready`");
        assert_eq!(line.trim(), "ready", "the test worker did not start");
        // Keep draining its output so that it never blocks on a full pipe.
        let printed = Arc::new(Mutex::new(Vec::new()));
        let lines = Arc::clone(&printed);
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        Self { child, printed }
    }

    /// The lines it printed after `ready`, so far.
    pub fn printed(&self) -> Vec<String> {
        self.printed.lock().unwrap().clone()
    }

    /// How many of its threads are named `name` now (`/proc/PID/task/*/comm`).
    pub fn threads_named(&self, name: &str) -> usize {
        let tasks = std::fs::read_dir(format!("/proc/{}/task", self.child.id()));
        tasks
            .into_iter()
            .flatten()
            .flatten()
            .filter(|task| {
                std::fs::read_to_string(task.path().join("comm"))
                    .is_ok_and(|comm| comm.trim_end() == name)
            })
            .count()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the process with SIGKILL, as a crash or an OOM kill would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends `signal` (`libc::SIGTERM`, `libc::SIGINT`) without waiting.
    pub fn signal(&self, signal: libc::c_int) {
        unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
    }

    /// Whether the process has not exited yet.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("the child's status").is_none()
    }

    /// Waits for the process to exit, failing the test after `limit`.
    pub fn wait_within(&mut self, limit: Duration) -> ExitStatus {
        process::wait_within(&mut self.child, limit, "the test worker")
    }

    /// Sends SIGTERM, as an orchestrator does, and waits for the process to exit, failing the
    /// test after `limit`.
    pub fn terminate_within(mut self, limit: Duration) -> ExitStatus {
        self.signal(libc::SIGTERM);
        self.wait_within(limit)
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
