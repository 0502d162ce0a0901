//! (feature `otlp`) Core's metrics, and the activities' own, pushed to an OpenTelemetry
//! collector.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use temporalio_common::telemetry::metrics::CoreMeter;
use temporalio_common::telemetry::{
    MetricTemporality, OtelCollectorOptions, OtlpProtocol, build_otlp_metric_exporter,
};
use url::Url;

use super::first_set;
use crate::connection::BoxError;

/// The OpenTelemetry variables that name a collector when the code does not, in order.
const ENDPOINT_VARIABLES: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
];
/// The OpenTelemetry variables that choose the protocol, in order.
const PROTOCOL_VARIABLES: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
];

/// Where a worker pushes its metrics over OTLP (feature `otlp`): Core's and the activities'
/// own, every second by default, to an OpenTelemetry collector; see
/// [`WorkerBuilder::otlp_metrics`](super::super::WorkerBuilder::otlp_metrics).
///
/// ```
/// use std::time::Duration;
/// use activity_runtime::worker::OtlpMetrics;
///
/// let collector = OtlpMetrics::grpc("http://otel-collector:4317")?
///     .header("x-tenant", "payments")
///     .export_interval(Duration::from_secs(10));
/// # let _ = collector;
/// # Ok::<(), activity_runtime::worker::OtlpEndpointError>(())
/// ```
#[derive(Clone)]
pub struct OtlpMetrics {
    url: Url,
    protocol: OtlpProtocol,
    headers: HashMap<String, String>,
    export_interval: Duration,
    delta: bool,
}

/// An OTLP endpoint that is not a URL.
#[derive(Debug, thiserror::Error)]
#[error(
    "`{endpoint}` is not an OTLP endpoint; expected a URL such as `http://otel-collector:4317` \
     (gRPC) or `http://otel-collector:4318/v1/metrics` (HTTP): {reason}"
)]
pub struct OtlpEndpointError {
    endpoint: String,
    reason: url::ParseError,
}

impl OtlpMetrics {
    /// Pushes over gRPC to `endpoint`, a collector's OTLP/gRPC address such as
    /// `http://otel-collector:4317`.
    ///
    /// # Errors
    /// When `endpoint` is not a URL.
    pub fn grpc(endpoint: &str) -> Result<Self, OtlpEndpointError> {
        Self::new(endpoint, OtlpProtocol::Grpc)
    }

    /// Pushes protobuf over HTTP to `endpoint`, the full URL of a collector's metrics path
    /// such as `http://otel-collector:4318/v1/metrics`.
    ///
    /// # Errors
    /// When `endpoint` is not a URL.
    pub fn http(endpoint: &str) -> Result<Self, OtlpEndpointError> {
        Self::new(endpoint, OtlpProtocol::Http)
    }

    fn new(endpoint: &str, protocol: OtlpProtocol) -> Result<Self, OtlpEndpointError> {
        let url = Url::parse(endpoint).map_err(|reason| OtlpEndpointError {
            endpoint: endpoint.to_owned(),
            reason,
        })?;
        Ok(Self {
            url,
            protocol,
            headers: HashMap::new(),
            export_interval: Duration::from_secs(1),
            delta: false,
        })
    }

    /// Sends `name: value` with every export, for example a collector's credentials.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }

    /// How often the metrics are pushed. Default 1 s, as Core's.
    #[must_use]
    pub fn export_interval(mut self, interval: Duration) -> Self {
        self.export_interval = interval;
        self
    }

    /// Exports deltas since the last export instead of running totals, for backends that
    /// want them. Default: cumulative.
    #[must_use]
    pub fn delta_temporality(mut self) -> Self {
        self.delta = true;
        self
    }

    /// The collector the standard OpenTelemetry variables name:
    /// `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT`, with
    /// `OTEL_EXPORTER_OTLP_(METRICS_)PROTOCOL` `grpc` (the default) or `http/protobuf`; for
    /// HTTP, the generic endpoint gets the `/v1/metrics` path, as the specification says.
    pub(super) fn from_env() -> Result<Option<Self>, BoxError> {
        let Some((variable, endpoint)) = first_set(&ENDPOINT_VARIABLES) else {
            return Ok(None);
        };
        let metrics = match first_set(&PROTOCOL_VARIABLES) {
            None => Self::grpc(&endpoint),
            Some((_, protocol)) if protocol == "grpc" => Self::grpc(&endpoint),
            Some((_, protocol)) if protocol == "http/protobuf" => {
                if variable == ENDPOINT_VARIABLES[1] {
                    Self::http(&format!("{}/v1/metrics", endpoint.trim_end_matches('/')))
                } else {
                    Self::http(&endpoint)
                }
            }
            Some((name, other)) => {
                return Err(format!(
                    "{name} is `{other}`; expected `grpc` or `http/protobuf` (the worker does \
                     not export metrics as JSON)"
                )
                .into());
            }
        };
        metrics
            .map(Some)
            .map_err(|error| format!("{variable}: {error}").into())
    }

    /// Starts the exporter: it pushes from a thread of its own until the worker drops it.
    pub(super) fn start(self) -> Result<Arc<dyn CoreMeter>, BoxError> {
        let endpoint = self.url.to_string();
        let options = OtelCollectorOptions::builder()
            .url(self.url)
            .protocol(self.protocol)
            .headers(self.headers)
            .metric_periodicity(self.export_interval)
            .metric_temporality(if self.delta {
                MetricTemporality::Delta
            } else {
                MetricTemporality::Cumulative
            })
            .build();
        let meter = build_otlp_metric_exporter(options).map_err(|error| -> BoxError {
            format!("the OTLP metrics exporter for {endpoint} could not start: {error}").into()
        })?;
        Ok(Arc::new(meter))
    }
}

impl fmt::Debug for OtlpMetrics {
    /// Header values are left out: collectors' credentials travel in them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtlpMetrics")
            .field("url", &self.url.as_str())
            .field("protocol", &self.protocol)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("export_interval", &self.export_interval)
            .field("delta", &self.delta)
            .finish()
    }
}
