//! Core's metrics, and the activities' own, exported for Prometheus to scrape.

use std::net::SocketAddr;
use std::sync::Arc;

use temporalio_common::telemetry::metrics::{CoreMeter, TemporalMeter};
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

/// Where the worker's metrics go: the options for Core's own, the meter for the activities'
/// own (the same exporter, without Core's `temporal_` prefix, as the other SDKs do), and the
/// endpoint to keep running.
pub(super) struct Telemetry {
    pub(super) core: TelemetryOptions,
    pub(super) activities: TemporalMeter,
    pub(super) endpoint: Option<MetricsEndpoint>,
}

/// A Prometheus endpoint at `prometheus`, or no metrics.
pub(super) fn telemetry(prometheus: Option<SocketAddr>) -> Result<Telemetry, BoxError> {
    let Some(address) = prometheus else {
        return Ok(Telemetry {
            core: TelemetryOptions::default(),
            activities: TemporalMeter::no_op(),
            endpoint: None,
        });
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
    Ok(Telemetry {
        core: TelemetryOptions::builder()
            .metrics(Arc::clone(&meter))
            .build(),
        activities: crate::metrics::meter_over(meter),
        endpoint: Some(endpoint),
    })
}
