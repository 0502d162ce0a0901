//! This project's worker serving the seed's `your_activity`, as a user writes it, and the
//! sleepers of the scale benchmark; the benchmark's flags choose its compression, runtime
//! flavour, where Temporal Core runs, slots and pollers.

use std::time::Duration;

use activity_benchmarks::{WorkerArgs, YourParams, greet, ready};
use activity_runtime::connection::Compression;
use activity_runtime::{ConnectionConfig, Worker, activity, activity_set};

#[activity(name = "your_activity")]
async fn your_activity(input: YourParams) -> String {
    greet(&input)
}

#[activity(name = "sleep_async")]
async fn sleep_async(milliseconds: u64) {
    tokio::time::sleep(Duration::from_millis(milliseconds)).await;
}

#[activity(name = "sleep_blocking")]
fn sleep_blocking(milliseconds: u64) {
    std::thread::sleep(Duration::from_millis(milliseconds));
}

fn main() -> anyhow::Result<()> {
    let args = WorkerArgs::from_env();
    args.runtime().block_on(async {
        let mut connection = ConnectionConfig::new(&args.address)?;
        if args.compression.is_some() {
            connection = connection.compression(if args.gzip(false) {
                Compression::Gzip
            } else {
                Compression::None
            });
        }
        let set = activity_set![your_activity, sleep_async, sleep_blocking];
        let mut builder = Worker::builder(&args.task_queue, set).connection(connection);
        if let Some(slots) = args.slots {
            builder = builder.max_concurrent_activities(slots);
        }
        if let Some(core_thread) = args.core_thread {
            builder = builder.core_thread(core_thread);
        }
        if let Some(pollers) = args.pollers {
            builder = builder.pollers(pollers);
        }
        let worker = builder.build().await?;
        ready();
        worker.run_until_signal().await?;
        Ok(())
    })
}
