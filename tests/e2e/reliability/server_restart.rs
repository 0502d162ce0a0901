//! A server restart: the dev server keeps its state in a database file, is stopped while the
//! worker runs activities, and comes back on the same port. The worker reconnects by itself,
//! and every activity completes. The activities wait at a gate that the test opens only after
//! the restart, so they were in flight when the server went down, by construction.

use std::time::Duration;

use crate::support::calls::{client_of, options};
use crate::support::deadline::within;
use crate::support::process::scratch_path;
use crate::support::records::{Event, Records};
use crate::support::worker_process::WorkerProcess;
use activity_runtime::ConnectionConfig;
use activity_runtime::client::start_activity_by_name;
use activity_runtime::dev_server::{DevServer, DevServerOptions};

const ACTIVITIES: usize = 20;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_survives_a_server_restart_and_no_activity_is_lost() {
    let database = scratch_path(&format!("restart-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&database);
    let server_options = DevServerOptions::builder()
        .db_filename(database.clone())
        .port(free_port())
        .build();
    let server = DevServer::start_with(server_options.clone())
        .await
        .expect("the server starts");
    let address = server.address().to_string();
    let queue = "restart";
    let records = Records::new("restart");
    let mut worker = WorkerProcess::start_with(&address, queue, &[records.env()]);
    let gate = scratch_path(&format!("restart-gate-{}", std::process::id()));
    let _ = std::fs::remove_file(&gate);

    let client = client_of(ConnectionConfig::new(&address).unwrap()).await;
    let mut activities = Vec::new();
    for _ in 0..ACTIVITIES {
        let started = start_activity_by_name::<u32>(
            &client,
            "gated",
            (gate.to_str().unwrap().to_string(),),
            options(queue, Duration::from_secs(120), None, 20),
        )
        .await
        .expect("the start is accepted");
        activities.push(started);
    }
    // Every activity is running on the worker, held at the closed gate.
    within(Duration::from_secs(60), "every activity's start", async {
        while records.count_by_activity(Event::Started).len() < ACTIVITIES {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;

    within(
        Duration::from_secs(30),
        "the server's stop",
        server.shutdown(),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let server = within(
        Duration::from_secs(60),
        "the server's restart",
        DevServer::start_with(server_options),
    )
    .await
    .expect("the server restarts");
    std::fs::write(&gate, "").expect("the gate opens");

    let client = client_of(ConnectionConfig::new(&address).unwrap()).await;
    for started in &activities {
        let handle = client.get_activity_handle(
            temporalio_common::UntypedActivity::new("gated"),
            started.handle().activity_id().to_string(),
            None,
        );
        let result = within(
            Duration::from_secs(120),
            "an activity's result",
            handle.result(),
        )
        .await
        .expect("the activity completes after the restart");
        let worker_pid: u32 =
            activity_runtime::payload::decode(&result.payloads[0]).expect("a result");
        assert_eq!(
            worker_pid,
            worker.pid(),
            "the same worker process served it"
        );
    }
    // Each activity finished exactly once, on the attempt that was in flight at the restart
    // or on a retry of it; none ran to its end twice.
    let finished = records.count_by_activity(Event::Finished);
    assert_eq!(finished.len(), ACTIVITIES);
    assert!(finished.values().all(|&count| count == 1), "{finished:?}");
    worker.signal(libc::SIGTERM);
    let status = worker.wait_within(Duration::from_secs(30));
    assert!(
        status.success(),
        "the worker ran through the restart: {status}"
    );
    within(
        Duration::from_secs(30),
        "the server's stop",
        server.shutdown(),
    )
    .await;
    let _ = std::fs::remove_file(&database);
    let _ = std::fs::remove_file(&gate);
}
