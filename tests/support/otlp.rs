//! An OpenTelemetry collector's OTLP/HTTP metrics endpoint, on a free loopback port, that
//! keeps every export it receives for a test to read.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::metrics::v1::number_data_point;
use prost::Message;

/// The collector; it stops when dropped.
pub struct Collector {
    pub address: SocketAddr,
    exports: Arc<Mutex<Vec<ExportMetricsServiceRequest>>>,
    server: tokio::task::JoinHandle<()>,
}

impl Collector {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free loopback port");
        let address = listener.local_addr().expect("its address");
        let exports = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&exports);
        let server = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let kept = Arc::clone(&kept);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        receive(request, Arc::clone(&kept))
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            address,
            exports,
            server,
        }
    }

    /// The metrics URL to export to.
    pub fn url(&self) -> String {
        format!("http://{}/v1/metrics", self.address)
    }

    /// Every metric name and data point attributes received, for a failing test to show.
    pub fn received(&self) -> Vec<String> {
        let exports = self.exports.lock().unwrap();
        let mut names: Vec<String> = exports
            .iter()
            .flat_map(|export| &export.resource_metrics)
            .flat_map(|resource| &resource.scope_metrics)
            .flat_map(|scope| &scope.metrics)
            .map(|metric| metric.name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The latest value of the sum (a counter) `name`, or the latest count of the histogram
    /// `name`, in the series with every one of `attributes`, over all exports so far.
    pub fn latest(&self, name: &str, attributes: &[(&str, &str)]) -> Option<f64> {
        let exports = self.exports.lock().unwrap();
        let mut latest = None;
        let metrics = exports
            .iter()
            .flat_map(|export| &export.resource_metrics)
            .flat_map(|resource| &resource.scope_metrics)
            .flat_map(|scope| &scope.metrics)
            .filter(|metric| metric.name == name);
        for metric in metrics {
            let points: Vec<(&[KeyValue], Option<f64>)> = match &metric.data {
                Some(Data::Sum(sum)) => sum
                    .data_points
                    .iter()
                    .map(|point| {
                        let value = match point.value {
                            Some(number_data_point::Value::AsInt(value)) => Some(value as f64),
                            Some(number_data_point::Value::AsDouble(value)) => Some(value),
                            None => None,
                        };
                        (point.attributes.as_slice(), value)
                    })
                    .collect(),
                Some(Data::Histogram(histogram)) => histogram
                    .data_points
                    .iter()
                    .map(|point| (point.attributes.as_slice(), Some(point.count as f64)))
                    .collect(),
                _ => Vec::new(),
            };
            for (found, value) in points {
                if value.is_some() && has_all(found, attributes) {
                    latest = value;
                }
            }
        }
        latest
    }
}

fn has_all(found: &[KeyValue], attributes: &[(&str, &str)]) -> bool {
    attributes.iter().all(|(key, value)| {
        found.iter().any(|attribute| {
            attribute.key == *key
                && matches!(
                    attribute.value.as_ref().and_then(|any| any.value.as_ref()),
                    Some(Value::StringValue(found)) if found == value
                )
        })
    })
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn receive(
    request: Request<Incoming>,
    exports: Arc<Mutex<Vec<ExportMetricsServiceRequest>>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let status = match request.into_body().collect().await {
        Ok(body) => match ExportMetricsServiceRequest::decode(body.to_bytes()) {
            Ok(export) => {
                exports.lock().unwrap().push(export);
                200
            }
            Err(_) => 400,
        },
        Err(_) => 400,
    };
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = hyper::StatusCode::from_u16(status).expect("a status");
    Ok(response)
}
