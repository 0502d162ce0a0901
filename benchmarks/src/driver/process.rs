//! The workers under test, each a separate process that the driver starts and stops.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One worker under test: how to start it.
#[derive(Debug, Clone)]
pub struct Subject {
    pub name: &'static str,
    pub program: PathBuf,
    pub args: Vec<String>,
}

/// A worker under test, running; killed when dropped.
pub struct WorkerProcess {
    child: Child,
    /// Whether it runs under `BENCH_WRAP`, which may make its shutdown slow.
    wrapped: bool,
}

impl WorkerProcess {
    /// Starts `subject` on `queue` with `extra` flags (such as `--slots 1000`), and waits until
    /// it says it polls.
    pub fn start(
        subject: &Subject,
        address: &str,
        queue: &str,
        extra: &[String],
    ) -> anyhow::Result<Self> {
        // `BENCH_WRAP`, a command to run each worker under (such as valgrind's callgrind, whose
        // output file may name the worker by `%q{BENCH_SUBJECT}`).
        let wrap = std::env::var("BENCH_WRAP").unwrap_or_default();
        let mut command: Vec<String> = wrap.split_whitespace().map(String::from).collect();
        command.push(subject.program.to_string_lossy().into_owned());
        let mut child = Command::new(&command[0])
            .args(&command[1..])
            .args(&subject.args)
            .args(["--address", address, "--task-queue", queue])
            .args(extra)
            .env("BENCH_SUBJECT", subject.name)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|error| anyhow::anyhow!("{}: {error}", subject.program.display()))?;
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        anyhow::ensure!(
            line.trim() == "ready",
            "{} did not start: {line:?}",
            subject.name
        );
        std::thread::spawn(move || for _ in stdout.lines() {});
        Ok(Self {
            child,
            wrapped: !wrap.is_empty(),
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Asks the worker to stop, and kills it if it has not within ten seconds (two minutes
    /// under `BENCH_WRAP`).
    pub fn stop(mut self) {
        // SAFETY: a signal to our own child.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let patience = Duration::from_secs(if self.wrapped { 120 } else { 10 });
        let deadline = Instant::now() + patience;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The workers named in `list` (comma-separated), else those named in `default`, in
/// [`subjects`]'s order.
pub fn select(list: Option<&str>, default: &[&str]) -> anyhow::Result<Vec<Subject>> {
    let all = subjects()?;
    let names: Vec<&str> = match list {
        Some(list) => list.split(',').collect(),
        None => default.to_vec(),
    };
    for name in &names {
        anyhow::ensure!(
            all.iter().any(|subject| subject.name == *name),
            "unknown worker `{name}`; known: {}",
            all.iter()
                .map(|subject| subject.name)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(all
        .into_iter()
        .filter(|subject| names.contains(&subject.name))
        .collect())
}

/// The workers `e2e` compares unless told otherwise.
pub const COMPARED: [&str; 13] = [
    "ours",
    "ours-gzip",
    "ours-shared",
    "ours-current",
    "ours-current-core-thread",
    "official",
    "official-no-gzip",
    "python",
    "core-gzip",
    "core",
    "core-current",
    "core-split",
    "core-spawned",
];

/// Every worker the benchmark knows: ours at its defaults and at each peer's settings, the
/// official SDK's, Python's, the Core floor at each setting, and ours with other pollers.
pub fn subjects() -> anyhow::Result<Vec<Subject>> {
    let bin = |name: &str| -> anyhow::Result<PathBuf> {
        let dir = std::env::current_exe()?
            .parent()
            .map(PathBuf::from)
            .ok_or_else(|| anyhow::anyhow!("the driver's directory"))?;
        Ok(dir.join(name))
    };
    let rust = |name: &'static str, program: &str, args: &[&str]| -> anyhow::Result<Subject> {
        Ok(Subject {
            name,
            program: bin(program)?,
            args: args.iter().map(|arg| arg.to_string()).collect(),
        })
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var_os("BENCH_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../.venv/bin/python"));
    Ok(vec![
        rust("ours", "worker_ours", &[])?,
        rust("ours-gzip", "worker_ours", &["--compression", "gzip"])?,
        rust(
            "ours-shared",
            "worker_ours",
            &["--compression", "none", "--core-thread", "off"],
        )?,
        rust(
            "ours-current",
            "worker_ours",
            &["--compression", "none", "--runtime", "current"],
        )?,
        rust(
            "ours-current-core-thread",
            "worker_ours",
            &[
                "--compression",
                "none",
                "--runtime",
                "current",
                "--core-thread",
                "on",
            ],
        )?,
        rust("official", "worker_official", &[])?,
        rust(
            "official-no-gzip",
            "worker_official",
            &["--compression", "none"],
        )?,
        Subject {
            name: "python",
            program: python,
            args: vec![root.join("python/worker.py").to_string_lossy().into_owned()],
        },
        rust("core-gzip", "worker_core", &["--compression", "gzip"])?,
        rust("core", "worker_core", &["--compression", "none"])?,
        rust(
            "core-current",
            "worker_core",
            &["--compression", "none", "--runtime", "current"],
        )?,
        rust(
            "core-split",
            "worker_core",
            &["--compression", "none", "--runtime", "split"],
        )?,
        rust(
            "core-spawned",
            "worker_core",
            &["--compression", "none", "--runtime", "spawned"],
        )?,
        // Only when named: what the number of pollers costs.
        rust("ours-1-poller", "worker_ours", &["--pollers", "1"])?,
        rust("ours-20-pollers", "worker_ours", &["--pollers", "20"])?,
    ])
}
