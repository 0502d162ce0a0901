//! An activity's own metrics: `ctx.metric_meter()` records counters, histograms and gauges
//! labelled with the activity type, task queue and namespace, from async and blocking
//! activities alike, and a test environment reads back what was recorded.

use std::collections::BTreeMap;
use std::time::Duration;

use activity_runtime::context::ActivityInfo;
use activity_runtime::metrics::Instrument;
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, ActivityError, activity, activity_set};

#[activity]
async fn ship(ctx: ActivityContext, parcels: u64, kilograms: f64) -> Result<(), ActivityError> {
    let meter = ctx.metric_meter();
    meter
        .counter(Instrument::new("parcels_shipped").description("Parcels handed to the carrier"))
        .add(parcels);
    meter.histogram_f64("parcel_kilograms").record(kilograms);
    meter.gauge_f64("last_kilograms").set(kilograms);
    if parcels == 0 {
        return Err(ActivityError::new("nothing to ship"));
    }
    Ok(())
}

#[activity]
fn scan(ctx: ActivityContext, codes: Vec<String>) -> usize {
    let meter = ctx.metric_meter().with_labels([("scanner", "dock-4")]);
    let scanned = meter.counter("codes_scanned");
    for _ in &codes {
        scanned.add(1);
    }
    meter.histogram("batch_size").record(codes.len() as u64);
    meter.gauge("queue_depth").set(7);
    meter
        .histogram_duration(Instrument::new("scan_time").unit("s"))
        .record(Duration::from_millis(1500));
    codes.len()
}

fn environment() -> ActivityEnvironment {
    ActivityEnvironment::builder(activity_set![ship, scan])
        .info(
            ActivityInfo::builder("ignored")
                .task_queue("logistics")
                .namespace("warehouse")
                .build(),
        )
        .build()
        .expect("the set runs")
}

#[tokio::test]
async fn an_async_activity_records_counters_histograms_and_gauges_labelled_with_where_it_runs() {
    let env = environment();
    env.run(ship::ACTIVITY, (3, 1.5)).await.expect("shipped");
    env.run(ship::ACTIVITY, (2, 4.25)).await.expect("shipped");
    let metrics = env.metrics();
    let ship = [
        ("activity_type", "ship"),
        ("task_queue", "logistics"),
        ("namespace", "warehouse"),
    ];
    assert_eq!(metrics.counter("parcels_shipped", &ship), 5);
    assert_eq!(metrics.histogram("parcel_kilograms", &ship), [1.5, 4.25]);
    assert_eq!(metrics.gauge("last_kilograms", &ship), Some(4.25));
    let labels: BTreeMap<String, String> = ship
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect();
    assert_eq!(metrics.label_sets("parcels_shipped"), [labels]);
}

#[tokio::test]
async fn a_failed_attempt_keeps_what_it_recorded() {
    let env = environment();
    env.run(ship::ACTIVITY, (0, 0.0))
        .await
        .expect_err("nothing to ship");
    assert_eq!(env.metrics().histogram("parcel_kilograms", &[]), [0.0]);
}

#[tokio::test]
async fn a_blocking_activity_records_with_labels_of_its_own() {
    let env = environment();
    let codes = vec!["a".to_string(), "b".to_string(), "c".to_string()];
    assert_eq!(env.run(scan::ACTIVITY, codes).await.expect("scanned"), 3);
    let metrics = env.metrics();
    let dock = [("activity_type", "scan"), ("scanner", "dock-4")];
    assert_eq!(metrics.counter("codes_scanned", &dock), 3);
    assert_eq!(metrics.histogram("batch_size", &dock), [3.0]);
    assert_eq!(metrics.gauge("queue_depth", &dock), Some(7.0));
    assert_eq!(metrics.histogram("scan_time", &dock), [1.5]);
    assert_eq!(
        metrics.counter("codes_scanned", &[("scanner", "dock-5")]),
        0,
        "a label the series lacks matches nothing"
    );
    assert_eq!(metrics.counter("parcels_shipped", &[]), 0);
}

#[tokio::test]
async fn a_gauge_reads_the_last_value_set() {
    let env = environment();
    env.run(ship::ACTIVITY, (1, 9.0)).await.expect("shipped");
    env.run(ship::ACTIVITY, (1, 2.0)).await.expect("shipped");
    assert_eq!(env.metrics().gauge("last_kilograms", &[]), Some(2.0));
    assert_eq!(env.metrics().gauge("no_such_gauge", &[]), None);
}
