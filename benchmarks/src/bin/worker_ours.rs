//! This project's worker serving the seed's `your_activity`, as a user writes it; the
//! benchmark's flags choose its compression and runtime flavour.

use activity_benchmarks::{WorkerArgs, YourParams, greet, ready};
use activity_runtime::connection::Compression;
use activity_runtime::{ConnectionConfig, Worker, activity, activity_set};

#[activity(name = "your_activity")]
async fn your_activity(input: YourParams) -> String {
    greet(&input)
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
        let worker = Worker::builder(&args.task_queue, activity_set![your_activity])
            .connection(connection)
            .build()
            .await?;
        ready();
        worker.run_until_signal().await?;
        Ok(())
    })
}
