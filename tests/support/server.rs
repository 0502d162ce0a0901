//! One Temporal dev server per test binary, on a free loopback port, started on first use and
//! killed when the binary exits; and a worker per test, on the test's own task queue.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use activity_runtime::client::Client;
use activity_runtime::dev_server::DevServer;
use activity_runtime::worker::{ShutdownHandle, WorkerBuilder, WorkerError};
use activity_runtime::{ActivitySet, ConnectionConfig, Worker};

use super::deadline::within;

struct Shared {
    address: String,
}

static SERVER: OnceLock<Shared> = OnceLock::new();
static SERVER_PID: AtomicU32 = AtomicU32::new(0);

/// The binary's dev server, started on the first call.
fn shared() -> &'static Shared {
    SERVER.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel();
        // The server's process handle lives on a runtime of its own, for the whole binary,
        // because each `#[tokio::test]` has a runtime that ends with the test.
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the dev server");
            runtime.block_on(async move {
                let server = DevServer::start().await;
                let server = match server {
                    Ok(server) => server,
                    Err(error) => {
                        let _ = sender.send(Err(with_sources(&error)));
                        return;
                    }
                };
                let _ = sender.send(Ok((server.address().to_string(), server.process_id())));
                std::future::pending::<()>().await;
                drop(server);
            });
        });
        let (address, pid) = receiver
            .recv_timeout(Duration::from_secs(120))
            .expect("the dev server starts within two minutes")
            .unwrap_or_else(|error| {
                panic!("{error}; run the tests with scripts/test, which installs the Temporal CLI")
            });
        if let Some(pid) = pid {
            SERVER_PID.store(pid, Ordering::SeqCst);
            // Statics are never dropped, so the server is killed when the process exits.
            unsafe { libc::atexit(kill_server) };
        }
        Shared { address }
    })
}

/// An error's message followed by those of its sources, as one line.
pub fn with_sources(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        line.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    line
}

extern "C" fn kill_server() {
    let pid = SERVER_PID.load(Ordering::SeqCst);
    if pid != 0 {
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
    }
}

/// The dev server's `host:port`.
pub fn address() -> &'static str {
    &shared().address
}

/// A connection to the dev server.
pub fn connection() -> ConnectionConfig {
    ConnectionConfig::new(address()).expect("the dev server's address parses")
}

/// A task queue no other test uses.
pub fn task_queue(test: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{test}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

/// A worker running in the background until dropped.
pub struct RunningWorker {
    handle: ShutdownHandle,
    metrics: Option<std::net::SocketAddr>,
    task: Option<tokio::task::JoinHandle<Result<(), WorkerError>>>,
}

impl RunningWorker {
    /// Runs `worker` in the background.
    pub fn run(worker: Worker) -> Self {
        Self {
            handle: worker.shutdown_handle(),
            metrics: worker.metrics_address(),
            task: Some(tokio::spawn(worker.run())),
        }
    }

    /// Where the worker's Prometheus endpoint listens; the worker must have been built with one.
    pub fn metrics_address(&self) -> std::net::SocketAddr {
        self.metrics
            .expect("the worker was built with a Prometheus endpoint")
    }

    /// Whether the worker is still serving: its `run` has not returned.
    pub fn is_running(&self) -> bool {
        self.task.as_ref().is_some_and(|task| !task.is_finished())
    }

    /// Shuts the worker down and waits until it has stopped: within its grace and abandon
    /// periods (10 s and 5 s unless the test set them) plus a few seconds, or the test fails.
    pub async fn stop(self) {
        self.handle.shutdown();
        self.finished_within(Duration::from_secs(25))
            .await
            .expect("the worker stops cleanly");
    }

    /// What `run` returned, once the worker stops by itself; fails the test after `limit`.
    pub async fn finished_within(mut self, limit: Duration) -> Result<(), WorkerError> {
        let task = self
            .task
            .take()
            .expect("the worker task is there until stopped");
        within(limit, "the worker's end", task)
            .await
            .expect("the worker task")
    }
}

impl Drop for RunningWorker {
    fn drop(&mut self) {
        self.handle.shutdown();
    }
}

/// The fixture of most end-to-end tests: a worker on a task queue of its own, and a client of
/// the same dev server.
pub struct Served {
    /// The worker's task queue, named after the test.
    pub queue: String,
    /// The worker, shut down when dropped.
    pub worker: RunningWorker,
    /// A client of the dev server.
    pub client: Client,
}

/// Serves `set` on a new task queue named after `test`.
pub async fn serve(test: &str, set: ActivitySet) -> Served {
    serve_with(test, |queue| Worker::builder(queue, set)).await
}

/// Serves with the worker that `worker` describes for the new task queue named after `test`.
pub async fn serve_with(test: &str, worker: impl FnOnce(&str) -> WorkerBuilder) -> Served {
    let queue = task_queue(test);
    let worker = start_worker_with(worker(&queue)).await;
    Served {
        queue,
        worker,
        client: super::calls::client().await,
    }
}

/// Starts a worker for `set` on `task_queue`, connected to the dev server.
pub async fn start_worker(task_queue: &str, set: ActivitySet) -> RunningWorker {
    start_worker_with(Worker::builder(task_queue, set)).await
}

/// Starts the worker that `builder` describes, connected to the dev server.
pub async fn start_worker_with(builder: WorkerBuilder) -> RunningWorker {
    start_worker_on(builder.connection(connection())).await
}

/// Starts the worker that `builder` describes, connected where it says.
pub async fn start_worker_on(builder: WorkerBuilder) -> RunningWorker {
    let worker = within(
        Duration::from_secs(60),
        "the worker's start",
        builder.build(),
    )
    .await
    .expect("the worker starts");
    RunningWorker::run(worker)
}

/// The project's root, where `scripts/setup` puts `.venv`.
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Temporal CLI the dev server runs from.
pub fn cli() -> PathBuf {
    activity_runtime::dev_server::find_cli()
        .expect("run the tests with scripts/test, which installs the Temporal CLI")
}

/// The project's Python, with the pinned `temporalio`.
pub fn python() -> PathBuf {
    project_root().join(".venv/bin/python")
}
