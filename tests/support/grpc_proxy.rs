//! A gRPC proxy to the dev server, on a free loopback port, for what only a proxy can show: TLS
//! in front of a server that has none ([`TlsProxy`](super::tls::TlsProxy)), and a server that
//! answers with what a real one never would ([`RewritingProxy`]). It forwards each HTTP/2
//! request as it is, and lets its owner refuse a request or rewrite a response.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Empty, StreamBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::{Request, Response, Uri};
use hyper_util::client::legacy::Client as UpstreamClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

pub type ProxyBody = BoxBody<Bytes, hyper::Error>;

/// Decides whether a request goes through; `Some` is the answer given instead.
pub type Gate = Arc<dyn Fn(&Request<Incoming>) -> Option<Response<ProxyBody>> + Send + Sync>;

/// Rewrites the protobuf message of a unary response to the method at the given path
/// (`/temporal.api.workflowservice.v1.WorkflowService/PollActivityTaskQueue`).
pub type Rewrite = Arc<dyn Fn(&str, &[u8]) -> Vec<u8> + Send + Sync>;

/// What a proxy does between its listener and the upstream server.
#[derive(Clone)]
pub struct Forward {
    upstream: String,
    client: UpstreamClient<HttpConnector, Incoming>,
    gate: Option<Gate>,
    rewrite: Option<Rewrite>,
}

impl Forward {
    /// Forwards every request to `upstream` (`host:port`), as it is.
    pub fn to(upstream: &str) -> Self {
        Self {
            upstream: upstream.to_string(),
            client: UpstreamClient::builder(TokioExecutor::new())
                .http2_only(true)
                .build_http(),
            gate: None,
            rewrite: None,
        }
    }

    /// Answers the requests `gate` stops itself.
    pub fn gated(mut self, gate: Gate) -> Self {
        self.gate = Some(gate);
        self
    }

    /// Rewrites responses with `rewrite`.
    pub fn rewriting(mut self, rewrite: Rewrite) -> Self {
        self.rewrite = Some(rewrite);
        self
    }

    async fn handle(
        &self,
        request: Request<Incoming>,
    ) -> Result<Response<ProxyBody>, hyper_util::client::legacy::Error> {
        if let Some(answer) = self.gate.as_ref().and_then(|gate| gate(&request)) {
            return Ok(answer);
        }
        let path = request.uri().path().to_string();
        let (mut parts, body) = request.into_parts();
        parts.uri = Uri::builder()
            .scheme("http")
            .authority(self.upstream.as_str())
            .path_and_query(parts.uri.path_and_query().map_or("/", |path| path.as_str()))
            .build()
            .expect("an upstream URI");
        let response = self
            .client
            .request(Request::from_parts(parts, body))
            .await?;
        Ok(match &self.rewrite {
            None => response.map(BodyExt::boxed),
            Some(rewrite) => rewritten(response, &path, rewrite).await,
        })
    }
}

/// The response with its one gRPC message rewritten, its trailers kept. A compressed message
/// or a trailers-only answer passes as it is.
async fn rewritten(
    response: Response<Incoming>,
    path: &str,
    rewrite: &Rewrite,
) -> Response<ProxyBody> {
    let (parts, body) = response.into_parts();
    let collected = body.collect().await.expect("the upstream response's body");
    let trailers = collected.trailers().cloned();
    let data = collected.to_bytes();
    let data = match data.first() {
        // An uncompressed message: a zero flag, the length, the message.
        Some(0) if data.len() >= 5 => {
            let message = rewrite(path, &data[5..]);
            let length = u32::try_from(message.len()).expect("a message under 4 GiB");
            let mut framed = vec![0];
            framed.extend_from_slice(&length.to_be_bytes());
            framed.extend_from_slice(&message);
            Bytes::from(framed)
        }
        _ => data,
    };
    let frames = std::iter::once(Frame::data(data))
        .chain(trailers.map(Frame::trailers))
        .map(Ok);
    let body = StreamBody::new(futures::stream::iter(frames));
    Response::from_parts(parts, BodyExt::boxed(body))
}

/// An empty body, for answers the proxy makes itself.
pub fn empty() -> ProxyBody {
    Empty::new().map_err(|never| match never {}).boxed()
}

/// Binds a free loopback port, and serves HTTP/2 there through `forward`, over TLS when
/// `tls` is given, on the proxies' runtime; returns the port and the serving task.
pub fn serve(tls: Option<TlsAcceptor>, forward: Forward) -> (u16, tokio::task::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .expect("a free loopback port");
    listener
        .set_nonblocking(true)
        .expect("a non-blocking listener");
    let port = listener.local_addr().expect("the proxy's address").port();
    let accepting = runtime().spawn(async move {
        let listener = TcpListener::from_std(listener).expect("a tokio listener");
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let (tls, forward) = (tls.clone(), forward.clone());
            tokio::spawn(async move {
                match tls {
                    // A refused handshake is what some tests are about; the client reports it.
                    Some(acceptor) => {
                        if let Ok(stream) = acceptor.accept(stream).await {
                            serve_connection(stream, forward).await;
                        }
                    }
                    None => serve_connection(stream, forward).await,
                }
            });
        }
    });
    (port, accepting)
}

async fn serve_connection(
    stream: impl AsyncRead + AsyncWrite + Unpin + Send + 'static,
    forward: Forward,
) {
    let service = hyper::service::service_fn(move |request| {
        let forward = forward.clone();
        async move { forward.handle(request).await }
    });
    let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// The runtime every proxy runs on, for the life of the test binary, so that a proxy outlives
/// the test that started it and can serve several tests.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("grpc-proxy")
            .enable_all()
            .build()
            .expect("the proxies' runtime")
    })
}

/// A plain-text proxy to the dev server that rewrites the responses of one method: a server
/// that sends what a real one never would. It stops when dropped.
pub struct RewritingProxy {
    port: u16,
    accepting: tokio::task::JoinHandle<()>,
}

impl RewritingProxy {
    /// Forwards to `upstream` (`host:port`), and passes the message of each response to the
    /// method whose path ends with `method` through `rewrite`.
    pub fn start(
        upstream: &str,
        method: &'static str,
        rewrite: impl Fn(&[u8]) -> Vec<u8> + Send + Sync + 'static,
    ) -> Self {
        let rewrite: Rewrite = Arc::new(move |path, message| {
            if path.ends_with(method) {
                rewrite(message)
            } else {
                message.to_vec()
            }
        });
        let (port, accepting) = serve(None, Forward::to(upstream).rewriting(rewrite));
        Self { port, accepting }
    }

    /// The address to dial.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for RewritingProxy {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}
