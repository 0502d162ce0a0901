//! Metrics that activities record themselves: [`MetricMeter`], reached with
//! [`ActivityContext::metric_meter`](crate::ActivityContext::metric_meter), and its instruments.
//!
//! On a [`Worker`](crate::Worker) they go through the same exporter as Temporal Core's own
//! metrics (for example [`WorkerBuilder::prometheus`](crate::worker::WorkerBuilder::prometheus)),
//! labelled with the activity type, task queue and namespace; a worker with no exporter drops
//! them. In an [`ActivityEnvironment`](crate::testing::ActivityEnvironment)
//! they are kept in memory, for the test to read with
//! [`RecordedMetrics`].
//!
//! Create instruments once per attempt (or once per use) and record on them: creating one
//! looks up its series, recording does not.

mod recording;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use temporalio_common::telemetry::metrics::{
    self as core, CoreMeter, CounterBase, GaugeBase, GaugeF64Base, HistogramBase,
    HistogramDurationBase, HistogramF64Base, MetricAttributable, MetricAttributes, MetricKeyValue,
    MetricParameters, NewAttributes, TemporalMeter,
};

use temporalio_common::telemetry::TaskQueueLabelStrategy;

pub use recording::RecordedMetrics;
pub(crate) use recording::recording_meter;

/// Creates metric instruments whose recordings carry this meter's labels: for an activity's
/// meter, `activity_type`, `task_queue` and `namespace` (Python's `activity.metric_meter()`).
///
/// ```
/// use std::time::Instant;
/// use activity_runtime::{ActivityContext, activity};
///
/// #[activity]
/// async fn charge(ctx: ActivityContext, cents: u64) {
///     let started = Instant::now();
///     let meter = ctx.metric_meter().with_labels([("currency", "eur")]);
///     meter.counter("payments_charged").add(1);
///     meter.histogram("payment_cents").record(cents);
///     meter.histogram_duration("payment_latency").record(started.elapsed());
/// }
/// ```
#[derive(Clone)]
pub struct MetricMeter {
    meter: TemporalMeter,
    labels: MetricAttributes,
}

impl fmt::Debug for MetricMeter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetricMeter")
            .field("labels", &self.labels)
            .finish_non_exhaustive()
    }
}

/// An instrument's name, and what a metrics backend shows beside it: its description and unit.
/// A plain string converts into one with the name alone.
///
/// ```
/// use activity_runtime::metrics::Instrument;
///
/// let rows = Instrument::new("rows_exported").description("Rows written to the warehouse");
/// let bytes = Instrument::new("bytes_exported").unit("By");
/// # let _ = (rows, bytes);
/// ```
#[derive(Debug, Clone)]
pub struct Instrument(MetricParameters);

impl Instrument {
    /// An instrument called `name`, without description or unit.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        Self(MetricParameters::builder().name(name).build())
    }

    /// What the instrument measures, for the backend's metadata.
    #[must_use]
    pub fn description(mut self, description: impl Into<Cow<'static, str>>) -> Self {
        self.0.description = description.into();
        self
    }

    /// The unit of its values, for the backend's metadata (UCUM: `By`, `ms`, `1`).
    #[must_use]
    pub fn unit(mut self, unit: impl Into<Cow<'static, str>>) -> Self {
        self.0.unit = unit.into();
        self
    }
}

impl From<&'static str> for Instrument {
    fn from(name: &'static str) -> Self {
        Self::new(name)
    }
}

impl From<String> for Instrument {
    fn from(name: String) -> Self {
        Self::new(name)
    }
}

impl MetricMeter {
    /// A meter over `meter` whose recordings carry `labels`.
    pub(crate) fn new<'a>(
        meter: TemporalMeter,
        labels: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        let labels = meter.extend_attributes(
            meter.get_default_attributes().clone(),
            new_attributes(labels),
        );
        Self { meter, labels }
    }

    /// This meter with more labels, which every instrument it creates records with (Python's
    /// `with_additional_attributes`). A label it already has takes the new value.
    #[must_use]
    pub fn with_labels<'a>(&self, labels: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self {
            meter: self.meter.clone(),
            labels: self
                .meter
                .extend_attributes(self.labels.clone(), new_attributes(labels)),
        }
    }

    /// A counter of `u64` increments.
    pub fn counter(&self, instrument: impl Into<Instrument>) -> Counter {
        Counter(bind(self.meter.counter(instrument.into().0), &self.labels))
    }

    /// A histogram of `u64` values.
    pub fn histogram(&self, instrument: impl Into<Instrument>) -> Histogram {
        Histogram(bind(
            self.meter.histogram(instrument.into().0),
            &self.labels,
        ))
    }

    /// A histogram of `f64` values.
    pub fn histogram_f64(&self, instrument: impl Into<Instrument>) -> HistogramF64 {
        HistogramF64(bind(
            self.meter.histogram_f64(instrument.into().0),
            &self.labels,
        ))
    }

    /// A histogram of durations, exported in the unit the exporter uses for Core's own
    /// latencies (milliseconds for Prometheus by default).
    pub fn histogram_duration(&self, instrument: impl Into<Instrument>) -> HistogramDuration {
        HistogramDuration(bind(
            self.meter.histogram_duration(instrument.into().0),
            &self.labels,
        ))
    }

    /// A gauge of `u64` values: each recording replaces the last.
    pub fn gauge(&self, instrument: impl Into<Instrument>) -> Gauge {
        Gauge(bind(self.meter.gauge(instrument.into().0), &self.labels))
    }

    /// A gauge of `f64` values: each recording replaces the last.
    pub fn gauge_f64(&self, instrument: impl Into<Instrument>) -> GaugeF64 {
        GaugeF64(bind(
            self.meter.gauge_f64(instrument.into().0),
            &self.labels,
        ))
    }
}

/// The meter for activities' own metrics over an exporter's: without Core's `temporal_`
/// prefix, and without default labels, as the other SDKs' activity meters.
pub(crate) fn meter_over(meter: Arc<dyn CoreMeter>) -> TemporalMeter {
    TemporalMeter::new(
        meter,
        NewAttributes::default(),
        TaskQueueLabelStrategy::UseNormal,
    )
}

fn new_attributes<'a>(labels: impl IntoIterator<Item = (&'a str, &'a str)>) -> NewAttributes {
    labels
        .into_iter()
        .map(|(key, value)| MetricKeyValue::new(key, value.to_owned()))
        .collect::<Vec<_>>()
        .into()
}

/// Binds an instrument to its labels once, so that each recording skips the series lookup.
fn bind<M: MetricAttributable<M>>(instrument: M, labels: &MetricAttributes) -> M {
    // Core's instruments bind lazily, on the first recording, and never fail here.
    match instrument.with_attributes(labels) {
        Ok(bound) => bound,
        Err(_) => instrument,
    }
}

macro_rules! instruments {
    ($($(#[$doc:meta])* $name:ident($core:ty): $base:ident, $verb:ident($value:ty) via $method:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name($core);

        impl $name {
            #[doc = concat!("Records `value` with the meter's labels.")]
            pub fn $verb(&self, value: $value) {
                $base::$method(&self.0, value);
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }
    )*};
}

instruments! {
    /// A counter, made by [`MetricMeter::counter`].
    Counter(core::Counter): CounterBase, add(u64) via adds;
    /// A histogram of `u64` values, made by [`MetricMeter::histogram`].
    Histogram(core::Histogram): HistogramBase, record(u64) via records;
    /// A histogram of `f64` values, made by [`MetricMeter::histogram_f64`].
    HistogramF64(core::HistogramF64): HistogramF64Base, record(f64) via records;
    /// A histogram of durations, made by [`MetricMeter::histogram_duration`].
    HistogramDuration(core::HistogramDuration): HistogramDurationBase, record(Duration) via records;
    /// A gauge of `u64` values, made by [`MetricMeter::gauge`].
    Gauge(core::Gauge): GaugeBase, set(u64) via records;
    /// A gauge of `f64` values, made by [`MetricMeter::gauge_f64`].
    GaugeF64(core::GaugeF64): GaugeF64Base, set(f64) via records;
}
