//! Core's metrics, and the activities' own, exported: served for Prometheus to scrape, or
//! (feature `otlp`) pushed to an OpenTelemetry collector.

#[cfg(feature = "otlp")]
mod otlp;

use std::net::SocketAddr;
use std::sync::Arc;

use temporalio_common::telemetry::metrics::{CoreMeter, TemporalMeter};
use temporalio_common::telemetry::{
    PrometheusExporterOptions, TelemetryOptions, start_prometheus_metric_exporter,
};
use tokio::task::AbortHandle;

use crate::connection::BoxError;
#[cfg(feature = "otlp")]
pub use otlp::{OtlpEndpointError, OtlpMetrics};

/// The variable that turns the Prometheus endpoint on when the code does not.
const PROMETHEUS_ADDRESS: &str = "TEMPORAL_PROMETHEUS_ADDRESS";

/// Where the worker's metrics go, when its builder says; `None` leaves it to the environment.
#[derive(Clone, Debug)]
pub(super) enum Exporter {
    Prometheus(SocketAddr),
    #[cfg(feature = "otlp")]
    Otlp(OtlpMetrics),
}

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

/// Starts the exporter the builder chose; when it chose none, the one the environment names:
/// `TEMPORAL_PROMETHEUS_ADDRESS`, else (feature `otlp`) the OpenTelemetry variables; else none.
pub(super) fn telemetry(chosen: Option<Exporter>) -> Result<Telemetry, BoxError> {
    let exporter = match chosen {
        Some(exporter) => Some(exporter),
        None => from_env()?,
    };
    let (meter, endpoint) = match exporter {
        None => {
            return Ok(Telemetry {
                core: TelemetryOptions::default(),
                activities: TemporalMeter::no_op(),
                endpoint: None,
            });
        }
        Some(Exporter::Prometheus(address)) => {
            let (meter, endpoint) = prometheus(address)?;
            (meter, Some(endpoint))
        }
        #[cfg(feature = "otlp")]
        Some(Exporter::Otlp(otlp)) => (otlp.start()?, None),
    };
    Ok(Telemetry {
        core: TelemetryOptions::builder()
            .metrics(Arc::clone(&meter))
            .build(),
        activities: crate::metrics::meter_over(meter),
        endpoint,
    })
}

fn from_env() -> Result<Option<Exporter>, BoxError> {
    if let Some(address) = prometheus_address()? {
        return Ok(Some(Exporter::Prometheus(address)));
    }
    #[cfg(feature = "otlp")]
    if let Some(otlp) = OtlpMetrics::from_env()? {
        return Ok(Some(Exporter::Otlp(otlp)));
    }
    Ok(None)
}

/// The first of `variables` that is set and not blank, with its trimmed value.
fn first_set(variables: &[&'static str]) -> Option<(&'static str, String)> {
    variables.iter().find_map(|variable| {
        // Lossy, so that a value that is not UTF-8 is reported as malformed, not ignored.
        let value = std::env::var_os(variable)?;
        let value = value.to_string_lossy();
        let value = value.trim();
        (!value.is_empty()).then(|| (*variable, value.to_owned()))
    })
}

/// The address in [`PROMETHEUS_ADDRESS`]; an empty variable counts as unset.
fn prometheus_address() -> Result<Option<SocketAddr>, BoxError> {
    let Some((_, value)) = first_set(&[PROMETHEUS_ADDRESS]) else {
        return Ok(None);
    };
    value.parse().map(Some).map_err(|_| {
        format!(
            "{PROMETHEUS_ADDRESS} is `{value}`, which is not a socket address; expected an IP \
             and a port, such as `0.0.0.0:9464` (or `127.0.0.1:0` for any free port)"
        )
        .into()
    })
}

fn prometheus(address: SocketAddr) -> Result<(Arc<dyn CoreMeter>, MetricsEndpoint), BoxError> {
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
    Ok((started.meter, endpoint))
}
