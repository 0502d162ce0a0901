//! Core's metrics, and the activities' own, exported for Prometheus to scrape.

use std::net::SocketAddr;
use std::sync::Arc;

use temporalio_common::telemetry::metrics::CoreMeter;
use temporalio_common::telemetry::{
    PrometheusExporterOptions, TelemetryOptions, start_prometheus_metric_exporter,
};
use tokio::task::AbortHandle;

use crate::connection::BoxError;

/// A running Prometheus endpoint; it stops with the worker.
pub(super) struct MetricsEndpoint {
    pub(super) address: SocketAddr,
    server: AbortHandle,
}

impl Drop for MetricsEndpoint {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Core's telemetry options: a Prometheus endpoint at `prometheus`, or no metrics.
pub(super) fn telemetry(
    prometheus: Option<SocketAddr>,
) -> Result<(TelemetryOptions, Option<MetricsEndpoint>), BoxError> {
    let Some(address) = prometheus else {
        return Ok((TelemetryOptions::default(), None));
    };
    let started = start_prometheus_metric_exporter(
        PrometheusExporterOptions::builder()
            .socket_addr(address)
            .build(),
    )
    .map_err(|error| -> BoxError {
        format!("the Prometheus endpoint could not listen on {address}: {error}").into()
    })?;
    let endpoint = MetricsEndpoint {
        address: started.bound_addr,
        server: started.abort_handle,
    };
    let meter: Arc<dyn CoreMeter> = started.meter;
    Ok((
        TelemetryOptions::builder().metrics(meter).build(),
        Some(endpoint),
    ))
}
