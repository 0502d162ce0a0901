//! The floor: a bare loop on Temporal Core (`temporalio-sdk-core`) that polls an activity task
//! and completes it with the seed's result, with nothing between: no registry, no context, no
//! panic boundary. What any worker on Core costs at least, at the same settings.
//!
//! `--runtime split` answers whether a worker could have a current-thread runtime's lower
//! cost without its users changing their `#[tokio::main]`: Core, its polls and its gRPC
//! connection on a current-thread runtime of their own thread, the activities' bodies on the
//! user's multi-thread runtime, as a worker would have to run them. `--runtime spawned` keeps
//! one multi-thread runtime but polls from a task of it rather than from `block_on` on the
//! main thread, which every poll result would otherwise have to wake.

use std::sync::Arc;

use activity_benchmarks::{Flavour, WorkerArgs, YourParams, greet, ready};
use temporalio_client::Connection;
use temporalio_common::protos::coresdk::ActivityTaskCompletion;
use temporalio_common::protos::coresdk::activity_result::ActivityExecutionResult;
use temporalio_common::protos::coresdk::activity_task::activity_task;
use temporalio_common::protos::temporal::api::common::v1::Payload;
use temporalio_common::worker::WorkerTaskTypes;
use temporalio_sdk_core::{
    CoreRuntime, PollError, RuntimeOptions, WorkerConfig, WorkerVersioningStrategy, init_worker,
};

fn main() -> anyhow::Result<()> {
    let args = WorkerArgs::from_env();
    if args.runtime == Flavour::Split {
        let user = args.runtime();
        let activities = user.handle().clone();
        let core_thread = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(serve(args, Some(activities)))
        });
        return core_thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    }
    let runtime = args.runtime();
    if args.runtime == Flavour::Spawned {
        return runtime.block_on(async move { tokio::spawn(serve(args, None)).await? });
    }
    runtime.block_on(serve(args.clone(), None))
}

/// Serves until SIGTERM; the activities' bodies run on `activities` when given, else beside
/// Core.
async fn serve(args: WorkerArgs, activities: Option<tokio::runtime::Handle>) -> anyhow::Result<()> {
    let connection = Connection::connect(args.connection_options(true)?).await?;
    let runtime = CoreRuntime::new_assume_tokio(
        RuntimeOptions::builder()
            .build()
            .map_err(anyhow::Error::msg)?,
    )?;
    let config = WorkerConfig::builder()
        .namespace("default")
        .task_queue(args.task_queue.clone())
        .client_identity_override(format!("{}@bench-core", std::process::id()))
        .task_types(WorkerTaskTypes::activity_only())
        .maybe_max_outstanding_activities(args.slots)
        .versioning_strategy(WorkerVersioningStrategy::None {
            build_id: String::new(),
        })
        .build()
        .map_err(anyhow::Error::msg)?;
    let core = Arc::new(init_worker(&runtime, config, connection)?);
    core.validate().await?;
    let shutdown = Arc::clone(&core);
    tokio::spawn(async move {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("a SIGTERM handler");
        terminate.recv().await;
        shutdown.initiate_shutdown();
    });
    ready();
    loop {
        let task = match core.poll_activity_task().await {
            Ok(task) => task,
            Err(PollError::ShutDown) => break,
            Err(error) => return Err(error.into()),
        };
        let Some(activity_task::Variant::Start(start)) = task.variant else {
            continue;
        };
        let core = Arc::clone(&core);
        let activities = activities.clone();
        tokio::spawn(async move {
            let body = async move {
                let input: YourParams =
                    serde_json::from_slice(&start.input[0].data).expect("the seed's input");
                Payload {
                    metadata: [("encoding".to_string(), b"json/plain".to_vec())].into(),
                    data: serde_json::to_vec(&greet(&input)).expect("a string encodes"),
                    ..Payload::default()
                }
            };
            let result = match activities {
                Some(activities) => activities.spawn(body).await.expect("the body ends"),
                None => body.await,
            };
            let completion = ActivityTaskCompletion {
                task_token: task.task_token,
                result: Some(ActivityExecutionResult::ok(result)),
            };
            core.complete_activity_task(completion)
                .await
                .expect("Core takes the completion");
        });
    }
    core.shutdown().await;
    Ok(())
}
