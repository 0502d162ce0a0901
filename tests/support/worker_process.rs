//! Worker processes (the `test-worker` binary) that tests kill, signal and wait for.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A `test-worker` process serving one task queue.
pub struct WorkerProcess {
    child: Child,
}

impl WorkerProcess {
    /// Starts a worker for `task_queue` on the server at `address`, and waits until it polls.
    pub fn start(address: &str, task_queue: &str) -> Self {
        Self::start_with(address, task_queue, &[])
    }

    /// As [`start`](Self::start), with extra environment variables.
    pub fn start_with(address: &str, task_queue: &str, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_test-worker"))
            .args([address, task_queue])
            // Expected panics print one line, not a backtrace.
            .env("RUST_BACKTRACE", "0")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the test worker starts");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        stdout
            .read_line(&mut line)
            .expect("the test worker reports");
        assert_eq!(line.trim(), "ready", "the test worker did not start");
        // Keep draining its output so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in stdout.lines() {});
        Self { child }
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

    /// Sends SIGTERM, as an orchestrator does, and waits for the process to exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        self.child.wait().expect("the test worker exits")
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
