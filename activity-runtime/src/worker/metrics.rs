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

/// The variable that turns the Prometheus endpoint on when the code does not.
pub(super) const PROMETHEUS_ADDRESS: &str = "TEMPORAL_PROMETHEUS_ADDRESS";

/// The endpoint's address: as the code set it, else as [`PROMETHEUS_ADDRESS`] says; an empty
/// variable counts as unset.
pub(super) fn prometheus_address(
    configured: Option<SocketAddr>,
) -> Result<Option<SocketAddr>, BoxError> {
    if configured.is_some() {
        return Ok(configured);
    }
    let Some(value) = std::env::var_os(PROMETHEUS_ADDRESS) else {
        return Ok(None);
    };
    let value = value.to_string_lossy();
    if value.trim().is_empty() {
        return Ok(None);
    }
    value.trim().parse().map(Some).map_err(|_| {
        format!(
            "{PROMETHEUS_ADDRESS} is `{value}`, which is not a socket address; expected an IP \
             and a port, such as `0.0.0.0:9464` (or `127.0.0.1:0` for any free port)"
        )
        .into()
    })
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
