//! Running a load through [`Waves`] workflows, and what it measured on the server's clock.

use std::collections::HashMap;
use std::future::Future;
use std::time::{Duration, SystemTime};

use futures::future::try_join_all;
use temporalio_client::{
    Client, UntypedWorkflow, WorkflowFetchHistoryOptions, WorkflowGetResultOptions,
    WorkflowStartOptions,
};
use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;

use super::{Kind, Plan, WORKFLOW_QUEUE, Waves, unique};

/// One activity on the server's clock: scheduled, started by a worker (when known), closed.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub scheduled: SystemTime,
    pub started: Option<SystemTime>,
    pub closed: SystemTime,
}

/// The most activities one workflow schedules: the dev server refuses a workflow more than
/// 2,000 pending activities, and one workflow task that schedules many more than 1,000 does
/// not complete; a larger fan-out is spread over several workflows, started together.
const PER_WORKFLOW: u32 = 1000;

/// `count` seed activities on `queue`, all scheduled at once.
pub async fn fan_out(client: &Client, queue: &str, count: u32) -> anyhow::Result<Load> {
    let plan = Plan {
        queue: queue.to_string(),
        kind: Kind::Seed,
        count,
        wave: count,
        sleep_ms: 0,
    };
    waves(client, plan).await
}

/// How long a load of `count` activities may take before it ends the run with a reason: two
/// minutes, and 200 ms for each activity.
pub fn deadline(count: u32) -> Duration {
    Duration::from_secs(120) + Duration::from_millis(200) * count
}

/// `load`, of `what`, ended with a reason if it has not finished by `limit`: a load that never
/// finishes (a workflow task the server refuses, say) must not hang the run.
pub async fn within(
    limit: Duration,
    what: &str,
    load: impl Future<Output = anyhow::Result<Load>>,
) -> anyhow::Result<Load> {
    tokio::time::timeout(limit, load).await.unwrap_or_else(|_| {
        Err(anyhow::anyhow!(
            "{what} did not finish within {limit:?}; look for failed workflow tasks with \
             `temporal workflow list` and for errors in the dev server's log above"
        ))
    })
}

/// Runs `plan`, within its [`deadline`] plus its waves' sleeps; a wave larger than one
/// workflow may schedule is spread over several workflows, each with its share of every wave.
pub async fn waves(client: &Client, plan: Plan) -> anyhow::Result<Load> {
    let sleeps = Duration::from_millis(plan.sleep_ms) * plan.count.div_ceil(plan.wave.max(1));
    let what = format!(
        "the load of {} {:?} activities on `{}`",
        plan.count, plan.kind, plan.queue
    );
    within(deadline(plan.count) + sleeps, &what, spread(client, plan)).await
}

async fn spread(client: &Client, plan: Plan) -> anyhow::Result<Load> {
    let workflows = plan.wave.div_ceil(PER_WORKFLOW).max(1);
    let batch = unique();
    let parts = (0..workflows).map(|part| {
        let share = |total: u32| total / workflows + u32::from(part < total % workflows);
        let plan = Plan {
            count: share(plan.count),
            wave: share(plan.wave),
            ..plan.clone()
        };
        let id = format!("waves-{}-{batch}-{part}", plan.queue);
        run_workflow(client, plan, id)
    });
    let spans = try_join_all(parts).await?.concat();
    Ok(Load { spans })
}

async fn run_workflow(client: &Client, plan: Plan, id: String) -> anyhow::Result<Vec<Span>> {
    let count = plan.count;
    let handle = client
        .start_workflow(
            Waves::run,
            plan,
            WorkflowStartOptions::new(WORKFLOW_QUEUE, id.as_str()).build(),
        )
        .await?;
    let completed = handle
        .get_result(WorkflowGetResultOptions::default())
        .await?;
    anyhow::ensure!(
        completed == count,
        "{completed} of {count} activities completed in `{id}`"
    );
    let events = client
        .get_workflow_handle::<UntypedWorkflow>(id.as_str())
        .fetch_history(WorkflowFetchHistoryOptions::default())
        .into_events()
        .await?;
    let time = |event: &HistoryEvent| {
        let at = event.event_time.expect("every event has a time");
        SystemTime::UNIX_EPOCH + Duration::new(at.seconds as u64, at.nanos as u32)
    };
    let mut at = HashMap::new();
    let mut spans = Vec::with_capacity(count as usize);
    for event in &events {
        match &event.attributes {
            Some(
                Attributes::ActivityTaskScheduledEventAttributes(_)
                | Attributes::ActivityTaskStartedEventAttributes(_),
            ) => {
                at.insert(event.event_id, time(event));
            }
            Some(Attributes::ActivityTaskCompletedEventAttributes(completed)) => {
                spans.push(Span {
                    scheduled: at[&completed.scheduled_event_id],
                    started: at.get(&completed.started_event_id).copied(),
                    closed: time(event),
                });
            }
            _ => {}
        }
    }
    Ok(spans)
}

/// What one load measured on the server's clock.
pub struct Load {
    pub spans: Vec<Span>,
}

impl Load {
    /// From the first activity's schedule to the last one's close.
    pub fn window(&self) -> Duration {
        let first = self.spans.iter().map(|span| span.scheduled).min();
        let last = self.spans.iter().map(|span| span.closed).max();
        match (first, last) {
            (Some(first), Some(last)) => last.duration_since(first).unwrap_or_default(),
            _ => Duration::ZERO,
        }
    }

    /// Each activity's schedule-to-close latency, in milliseconds.
    pub fn latencies_ms(&self) -> Vec<f64> {
        self.spans
            .iter()
            .map(|span| {
                let latency = span
                    .closed
                    .duration_since(span.scheduled)
                    .unwrap_or_default();
                latency.as_secs_f64() * 1e3
            })
            .collect()
    }

    /// Each activity's start-to-close latency, in milliseconds: the worker's part, from the
    /// poll that took it to its completion. Empty for standalone activities.
    pub fn run_latencies_ms(&self) -> Vec<f64> {
        self.spans
            .iter()
            .filter_map(|span| {
                let started = span.started?;
                let latency = span.closed.duration_since(started).unwrap_or_default();
                Some(latency.as_secs_f64() * 1e3)
            })
            .collect()
    }

    /// The most activities that were running on workers at one instant, from their start and
    /// close times.
    pub fn peak_running(&self) -> usize {
        let mut edges: Vec<(SystemTime, i64)> = Vec::with_capacity(self.spans.len() * 2);
        for span in &self.spans {
            if let Some(started) = span.started {
                edges.push((started, 1));
                edges.push((span.closed, -1));
            }
        }
        // Closes sort before starts at the same instant: they do not overlap.
        edges.sort();
        let (mut running, mut peak) = (0i64, 0i64);
        for (_, step) in edges {
            running += step;
            peak = peak.max(running);
        }
        peak as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_counts_overlapping_runs_only() {
        let at = |seconds: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(seconds);
        let span = |started: u64, closed: u64| Span {
            scheduled: at(0),
            started: Some(at(started)),
            closed: at(closed),
        };
        let load = Load {
            spans: vec![span(1, 5), span(2, 3), span(3, 6), span(4, 7), span(7, 8)],
        };
        // At 4: (1,5), (3,6) and (4,7); (2,3) closed as (3,6) started; (7,8) after.
        assert_eq!(load.peak_running(), 3);
        assert_eq!(load.window(), Duration::from_secs(8));
        assert_eq!(load.latencies_ms()[1], 3000.0);
        assert_eq!(load.run_latencies_ms()[1], 1000.0);
    }
}
