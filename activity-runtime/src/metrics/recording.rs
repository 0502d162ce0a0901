//! The meter of an `ActivityEnvironment`: it keeps every recording in memory for the test.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use temporalio_common::telemetry::metrics::{
    CoreMeter, Counter, CounterBase, Gauge, GaugeBase, GaugeF64, GaugeF64Base, Histogram,
    HistogramBase, HistogramDuration, HistogramDurationBase, HistogramF64, HistogramF64Base,
    MetricAttributable, MetricAttributes, MetricParameters, NewAttributes, TemporalMeter,
    UpDownCounter, UpDownCounterBase,
};

/// What the activities run by an [`ActivityEnvironment`](crate::testing::ActivityEnvironment)
/// recorded on their [`MetricMeter`](super::MetricMeter), by instrument name and labels.
/// Clones share the recordings.
///
/// Each query takes the labels a series must have; it may have more (an activity's series
/// always carry `activity_type`, `task_queue` and `namespace`).
///
/// ```
/// use activity_runtime::{ActivityContext, activity, activity_set};
/// use activity_runtime::testing::ActivityEnvironment;
///
/// #[activity]
/// async fn export(ctx: ActivityContext, rows: u64) {
///     ctx.metric_meter().counter("rows_exported").add(rows);
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let env = ActivityEnvironment::new(activity_set![export]).unwrap();
/// env.run(export::ACTIVITY, (40,)).await.unwrap();
/// env.run(export::ACTIVITY, (2,)).await.unwrap();
/// let metrics = env.metrics();
/// assert_eq!(metrics.counter("rows_exported", &[("activity_type", "export")]), 42);
/// assert_eq!(metrics.counter("rows_exported", &[("activity_type", "import")]), 0);
/// # }
/// ```
#[derive(Clone, Default)]
pub struct RecordedMetrics {
    series: Arc<Mutex<Recordings>>,
}

#[derive(Default)]
struct Recordings {
    series: HashMap<SeriesKey, Values>,
    /// Orders gauge settings across series.
    sequence: u64,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct SeriesKey {
    name: String,
    labels: BTreeMap<String, String>,
}

#[derive(Clone)]
enum Values {
    Sum(u64),
    Samples(Vec<f64>),
    Last { value: f64, sequence: u64 },
}

impl RecordedMetrics {
    /// The sum of a counter's increments over every series with `labels`; 0 when none.
    pub fn counter(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        self.matching(name, labels)
            .iter()
            .map(|values| match values {
                Values::Sum(sum) => *sum,
                _ => 0,
            })
            .sum()
    }

    /// Every value a histogram recorded in the series with `labels`, in the order they were
    /// recorded within each series; durations in seconds.
    pub fn histogram(&self, name: &str, labels: &[(&str, &str)]) -> Vec<f64> {
        self.matching(name, labels)
            .iter()
            .flat_map(|values| match values {
                Values::Samples(samples) => samples.clone(),
                _ => Vec::new(),
            })
            .collect()
    }

    /// The value a gauge was last set to in any series with `labels`, if it was set.
    pub fn gauge(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.matching(name, labels)
            .iter()
            .filter_map(|values| match values {
                Values::Last { value, sequence } => Some((*sequence, *value)),
                _ => None,
            })
            .max_by_key(|(sequence, _)| *sequence)
            .map(|(_, value)| value)
    }

    /// The label sets recorded under `name`, one per series, sorted.
    pub fn label_sets(&self, name: &str) -> Vec<BTreeMap<String, String>> {
        let recordings = self.lock();
        let mut sets: Vec<_> = recordings
            .series
            .keys()
            .filter(|key| key.name == name)
            .map(|key| key.labels.clone())
            .collect();
        sets.sort();
        sets
    }

    fn matching(&self, name: &str, labels: &[(&str, &str)]) -> Vec<Values> {
        self.lock()
            .series
            .iter()
            .filter(|(key, _)| {
                key.name == name
                    && labels
                        .iter()
                        .all(|(k, v)| key.labels.get(*k).map(String::as_str) == Some(*v))
            })
            .map(|(_, values)| values.clone())
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Recordings> {
        self.series.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, key: &SeriesKey, value: Recording) {
        let mut recordings = self.lock();
        recordings.sequence += 1;
        let sequence = recordings.sequence;
        let values = recordings
            .series
            .entry(key.clone())
            .or_insert_with(|| match value {
                Recording::Add(_) => Values::Sum(0),
                Recording::Sample(_) => Values::Samples(Vec::new()),
                Recording::Set(value) => Values::Last { value, sequence },
            });
        match (values, value) {
            (Values::Sum(sum), Recording::Add(add)) => *sum = sum.saturating_add(add),
            (Values::Samples(samples), Recording::Sample(sample)) => samples.push(sample),
            (last @ Values::Last { .. }, Recording::Set(value)) => {
                *last = Values::Last { value, sequence };
            }
            // One name used as two kinds of instrument: the first kind keeps the series.
            _ => {}
        }
    }
}

impl fmt::Debug for RecordedMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let recordings = self.lock();
        let mut names: Vec<_> = recordings.series.keys().map(|key| &key.name).collect();
        names.sort();
        names.dedup();
        f.debug_struct("RecordedMetrics")
            .field("instruments", &names)
            .finish()
    }
}

#[derive(Clone, Copy)]
enum Recording {
    Add(u64),
    Sample(f64),
    Set(f64),
}

/// A meter whose instruments record into `metrics`.
pub(crate) fn recording_meter(metrics: &RecordedMetrics) -> TemporalMeter {
    super::meter_over(Arc::new(RecordingMeter(metrics.clone())))
}

#[derive(Debug)]
struct RecordingMeter(RecordedMetrics);

/// Labels travel in Core's `NoOp` attributes: the one kind, outside Core's own exporters,
/// that carries them as plain strings.
fn labels_of(attributes: &MetricAttributes) -> BTreeMap<String, String> {
    match attributes {
        MetricAttributes::NoOp(labels) => labels
            .iter()
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
        _ => BTreeMap::new(),
    }
}

impl CoreMeter for RecordingMeter {
    fn new_attributes(&self, attributes: NewAttributes) -> MetricAttributes {
        MetricAttributes::NoOp(Arc::new(attributes.into()))
    }

    fn extend_attributes(
        &self,
        existing: MetricAttributes,
        attributes: NewAttributes,
    ) -> MetricAttributes {
        let mut labels: HashMap<String, String> = labels_of(&existing).into_iter().collect();
        labels.extend(HashMap::<String, String>::from(attributes));
        MetricAttributes::NoOp(Arc::new(labels))
    }

    fn counter(&self, params: MetricParameters) -> Counter {
        Counter::new(self.instrument(params))
    }

    fn histogram(&self, params: MetricParameters) -> Histogram {
        Histogram::new(self.instrument(params))
    }

    fn histogram_f64(&self, params: MetricParameters) -> HistogramF64 {
        HistogramF64::new(self.instrument(params))
    }

    fn histogram_duration(&self, params: MetricParameters) -> HistogramDuration {
        HistogramDuration::new(self.instrument(params))
    }

    fn gauge(&self, params: MetricParameters) -> Gauge {
        Gauge::new(self.instrument(params))
    }

    fn gauge_f64(&self, params: MetricParameters) -> GaugeF64 {
        GaugeF64::new(self.instrument(params))
    }

    fn up_down_counter(&self, params: MetricParameters) -> UpDownCounter {
        UpDownCounter::new(self.instrument(params))
    }
}

impl RecordingMeter {
    fn instrument(&self, params: MetricParameters) -> Arc<Instrument> {
        Arc::new(Instrument {
            metrics: self.0.clone(),
            name: params.name.into_owned(),
        })
    }
}

/// One instrument, not yet bound to labels.
struct Instrument {
    metrics: RecordedMetrics,
    name: String,
}

/// One series: an instrument bound to its labels.
struct Series {
    metrics: RecordedMetrics,
    key: SeriesKey,
}

macro_rules! recorded_as {
    ($($base:ident: $method:ident($value:ty) => $recording:expr;)*) => {$(
        impl MetricAttributable<Box<dyn $base>> for Instrument {
            fn with_attributes(
                &self,
                attributes: &MetricAttributes,
            ) -> Result<Box<dyn $base>, Box<dyn std::error::Error>> {
                Ok(Box::new(Series {
                    metrics: self.metrics.clone(),
                    key: SeriesKey {
                        name: self.name.clone(),
                        labels: labels_of(attributes),
                    },
                }))
            }
        }

        impl $base for Series {
            fn $method(&self, value: $value) {
                let recording: fn($value) -> Recording = $recording;
                self.metrics.record(&self.key, recording(value));
            }
        }
    )*};
}

recorded_as! {
    CounterBase: adds(u64) => Recording::Add;
    HistogramBase: records(u64) => |value| Recording::Sample(value as f64);
    HistogramF64Base: records(f64) => Recording::Sample;
    HistogramDurationBase: records(Duration) => |value| Recording::Sample(value.as_secs_f64());
    GaugeBase: records(u64) => |value| Recording::Set(value as f64);
    GaugeF64Base: records(f64) => Recording::Set;
    // Not offered to activities; recorded as a gauge of its running total would mislead, so
    // kept as samples.
    UpDownCounterBase: adds(i64) => |value| Recording::Sample(value as f64);
}
