//! A server restart: the dev server keeps its state in a database file, is stopped while the
//! worker runs, and comes back on the same port. The worker reconnects by itself, and every
//! activity completes.

mod support;

use std::time::Duration;

use activity_runtime::ConnectionConfig;
use activity_runtime::client::start_activity_by_name;
use activity_runtime::dev_server::{DevServer, DevServerOptions};
use serde::Deserialize;
use support::calls::options;
use support::worker_process::WorkerProcess;

#[derive(Debug, Deserialize)]
struct Resumed {
    worker_pid: u32,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_survives_a_server_restart_and_no_activity_is_lost() {
    let database = std::env::temp_dir().join(format!("restart-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&database);
    let server_options = DevServerOptions {
        db_filename: Some(database.clone()),
        port: Some(free_port()),
        ..DevServerOptions::default()
    };
    let server = DevServer::start_with(server_options.clone())
        .await
        .expect("the server starts");
    let address = server.address().to_string();
    let queue = "restart";
    let worker = WorkerProcess::start(&address, queue);

    let client = ConnectionConfig::new(&address)
        .unwrap()
        .client()
        .await
        .unwrap();
    let mut activities = Vec::new();
    for _ in 0..20 {
        let started = start_activity_by_name::<Resumed>(
            &client,
            "resumable",
            (30u64, 100u64),
            options(
                queue,
                Duration::from_secs(60),
                Some(Duration::from_secs(5)),
                20,
            ),
        )
        .await
        .expect("the start is accepted");
        activities.push(started);
    }
    tokio::time::sleep(Duration::from_millis(800)).await;

    server.shutdown().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let server = DevServer::start_with(server_options)
        .await
        .expect("the server restarts");

    let client = ConnectionConfig::new(&address)
        .unwrap()
        .client()
        .await
        .unwrap();
    for started in &activities {
        let handle = client.get_activity_handle(
            temporalio_common::UntypedActivity::new("resumable"),
            started.handle().activity_id().to_string(),
            None,
        );
        let result = handle
            .result()
            .await
            .expect("the activity completes after the restart");
        let resumed: Resumed =
            activity_runtime::payload::decode(&result.payloads[0]).expect("a result");
        assert_eq!(
            resumed.worker_pid,
            worker.pid(),
            "the same worker process served it"
        );
    }
    let status = worker.terminate();
    assert!(
        status.success(),
        "the worker ran through the restart: {status}"
    );
    server.shutdown().await;
    let _ = std::fs::remove_file(&database);
}
