//! What the benchmark binaries share: the seed's types, the worker binaries' command line, and
//! the measurements of a worker process (`/proc`) and of latencies; and, in [`driver`], what
//! the drivers share.

pub mod dispatch;
pub mod driver;

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The seed's argument (SEED.md), as every worker under test decodes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct YourParams {
    pub greeting: String,
    pub name: String,
}

/// The seed's body, the same in every Rust worker.
pub fn greet(input: &YourParams) -> String {
    format!("{}, {}!", input.greeting, input.name)
}

/// The worker binaries' command line: `--address A --task-queue Q`, and the settings a run
/// compares: `--compression auto|gzip|none`, `--runtime multi|current|split`,
/// `--core-thread on|off` (ours: Temporal Core on a thread of its own, or on the runtime),
/// `--slots N` (concurrent activities) and `--pollers N` (activity polls open at once); each
/// worker's default without them.
#[derive(Debug, Clone)]
pub struct WorkerArgs {
    pub address: String,
    pub task_queue: String,
    /// `None`: the worker's own default.
    pub compression: Option<String>,
    pub runtime: Flavour,
    /// `None`: the worker's own default.
    pub core_thread: Option<bool>,
    pub slots: Option<usize>,
    pub pollers: Option<usize>,
}

/// The runtime flavour a worker binary runs on: `--runtime multi|current|split|spawned`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// `#[tokio::main]`'s.
    Multi,
    /// `#[tokio::main(flavor = "current_thread")]`'s.
    Current,
    /// The floor only: Core on a current-thread runtime of its own thread, the activities on
    /// the multi-thread runtime a user's `#[tokio::main]` builds.
    Split,
    /// The floor only: the multi-thread runtime, with the poll loop spawned as one of its tasks
    /// rather than run by `block_on` on the main thread.
    Spawned,
}

/// The value after flag `name` in `args`, as in `--rounds 3`.
pub fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|arg| arg == name)
        .and_then(|at| args.get(at + 1))
        .cloned()
}

impl WorkerArgs {
    /// Reads the process's arguments; exits with a usage line when they are wrong.
    pub fn from_env() -> Self {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let value = |name: &str| flag(&args, name);
        let usage = || -> ! {
            eprintln!(
                "usage: --address HOST:PORT --task-queue QUEUE [--compression auto|gzip|none] \
                 [--runtime multi|current|split] [--core-thread on|off] [--slots N] \
                 [--pollers N]"
            );
            std::process::exit(2)
        };
        let runtime = match value("--runtime").as_deref() {
            None | Some("multi") => Flavour::Multi,
            Some("current") => Flavour::Current,
            Some("split") => Flavour::Split,
            Some("spawned") => Flavour::Spawned,
            Some(_) => usage(),
        };
        let core_thread = match value("--core-thread").as_deref() {
            None => None,
            Some("on") => Some(true),
            Some("off") => Some(false),
            Some(_) => usage(),
        };
        Self {
            address: value("--address").unwrap_or_else(|| usage()),
            task_queue: value("--task-queue").unwrap_or_else(|| usage()),
            compression: value("--compression"),
            runtime,
            core_thread,
            slots: value("--slots").map(|slots| slots.parse().unwrap_or_else(|_| usage())),
            pollers: value("--pollers").map(|pollers| pollers.parse().unwrap_or_else(|_| usage())),
        }
    }

    /// The tokio runtime a user's `#[tokio::main]` would build for the arguments' flavour:
    /// multi-thread for [`Flavour::Split`], whose own thread for Core its binary makes.
    pub fn runtime(&self) -> tokio::runtime::Runtime {
        let mut builder = match self.runtime {
            Flavour::Current => tokio::runtime::Builder::new_current_thread(),
            Flavour::Multi | Flavour::Split | Flavour::Spawned => {
                tokio::runtime::Builder::new_multi_thread()
            }
        };
        builder.enable_all().build().expect("a tokio runtime")
    }

    /// `temporalio-client`'s options for the server, gzip-compressed as asked, else as
    /// `default_gzip` says: for the official SDK's worker and the Core floor.
    pub fn connection_options(
        &self,
        default_gzip: bool,
    ) -> anyhow::Result<temporalio_client::ConnectionOptions> {
        let url = temporalio_client::Url::parse(&format!("http://{}", self.address))?;
        let mut options = temporalio_client::ConnectionOptions::new(url).build();
        options.grpc_compression = if self.gzip(default_gzip) {
            temporalio_client::GrpcCompression::Gzip
        } else {
            temporalio_client::GrpcCompression::None
        };
        Ok(options)
    }

    /// Whether gRPC compression is asked for; `default` when the run leaves it to the worker.
    pub fn gzip(&self, default: bool) -> bool {
        match self.compression.as_deref() {
            None | Some("auto") => default,
            Some("gzip") => true,
            Some("none") => false,
            Some(other) => {
                eprintln!("unknown compression `{other}`: auto, gzip or none");
                std::process::exit(2)
            }
        }
    }
}

/// Tells the driver that the worker polls: it waits for this line.
pub fn ready() {
    use std::io::Write;
    println!("ready");
    std::io::stdout().flush().expect("stdout");
}

/// The user + system CPU time of process `pid` so far.
pub fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc is readable");
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .expect("a stat line")
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 =
        fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime");
    // SAFETY: sysconf only reads a constant of the system.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    Duration::from_secs_f64(ticks as f64 / per_second)
}

/// The bytes process `pid` has read and written through system calls so far (`rchar` plus
/// `wchar` of `/proc/PID/io`): for a worker past its start, almost all of it is its gRPC
/// connection, so it measures what compression saves on the wire.
pub fn io_bytes(pid: u32) -> u64 {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).expect("/proc is readable");
    ["rchar:", "wchar:"]
        .iter()
        .map(|field| {
            io.lines()
                .find_map(|line| line.strip_prefix(field))
                .and_then(|value| value.trim().parse::<u64>().ok())
                .unwrap_or_else(|| panic!("{field} in /proc/{pid}/io"))
        })
        .sum()
}

/// The peak resident set size of process `pid` so far (`VmHWM`), in bytes.
pub fn peak_rss(pid: u32) -> u64 {
    status_kib(pid, "VmHWM:") * 1024
}

/// The resident set size of process `pid` now (`VmRSS`), in bytes.
pub fn rss(pid: u32) -> u64 {
    status_kib(pid, "VmRSS:") * 1024
}

fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc is readable");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/{pid}/status"))
}

/// The median of `values` (the upper one of an even count).
pub fn median(values: &[f64]) -> f64 {
    percentile(values, 0.5)
}

/// The `q` quantile of `values` by the nearest-rank method.
pub fn percentile(values: &[f64], q: f64) -> f64 {
    assert!(!values.is_empty(), "no values");
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.5), 50.0);
        assert_eq!(percentile(&values, 0.99), 99.0);
        assert_eq!(percentile(&values, 1.0), 100.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
    }

    #[test]
    fn this_process_has_cpu_time_and_memory() {
        let pid = std::process::id();
        let spin = std::time::Instant::now();
        while spin.elapsed() < Duration::from_millis(50) {}
        assert!(cpu_time(pid) > Duration::ZERO);
        // Now first: the peak read after it can only be as high or higher.
        let now = rss(pid);
        assert!(now > 0);
        assert!(peak_rss(pid) >= now);
        let before = io_bytes(pid);
        std::fs::read_to_string("/proc/self/status").unwrap();
        assert!(io_bytes(pid) > before);
    }
}
