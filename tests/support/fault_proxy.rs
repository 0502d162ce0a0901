//! A TCP proxy between a worker and the dev server, on a free loopback port, that puts the
//! network's everyday faults between them while a test runs: a blackhole (a partition, a
//! silent load balancer), connections reset (a load balancer's restart), latency (a slow
//! link). The test sets the fault at any moment; the proxy applies it to every connection, open
//! or new.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// What the proxy does to the bytes between the two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Every byte passes at once.
    Pass,
    /// Connections are accepted and held, and no byte passes either way until the fault
    /// ends; then what was held passes, as TCP delivers it once a partition heals.
    Blackhole,
    /// Every open connection is reset, and each new one as soon as it is accepted: a server
    /// that is down.
    Refuse,
    /// Every byte passes this much later, each way.
    Latency(Duration),
}

/// A running proxy; it stops, and resets its connections, when dropped.
pub struct FaultProxy {
    port: u16,
    shared: Arc<Shared>,
    accepting: tokio::task::JoinHandle<()>,
}

struct Shared {
    upstream: SocketAddr,
    fault: watch::Sender<Fault>,
    /// Bumped to reset every open connection.
    generation: watch::Sender<u64>,
    accepted: AtomicUsize,
    reset: AtomicUsize,
}

impl FaultProxy {
    /// A proxy to `upstream` (`host:port`, on loopback), passing every byte, on the calling
    /// test's runtime.
    pub async fn start(upstream: &str) -> Self {
        let upstream = tokio::net::lookup_host(upstream)
            .await
            .expect("the upstream address resolves")
            .next()
            .expect("an upstream address");
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("a free loopback port");
        let port = listener.local_addr().expect("the proxy's address").port();
        let shared = Arc::new(Shared {
            upstream,
            fault: watch::channel(Fault::Pass).0,
            generation: watch::channel(0).0,
            accepted: AtomicUsize::new(0),
            reset: AtomicUsize::new(0),
        });
        let accepting = tokio::spawn(accept(listener, Arc::clone(&shared)));
        Self {
            port,
            shared,
            accepting,
        }
    }

    /// The address to dial.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Applies `fault` from now on, to open connections and new ones.
    pub fn set(&self, fault: Fault) {
        self.shared.fault.send_replace(fault);
        if fault == Fault::Refuse {
            self.reset_connections();
        }
    }

    /// Resets every open connection now, as a restarting load balancer does; new ones pass.
    pub fn reset_connections(&self) {
        self.shared
            .generation
            .send_modify(|generation| *generation += 1);
    }

    /// How many connections the proxy accepted, and how many of them it reset.
    pub fn connections(&self) -> (usize, usize) {
        (
            self.shared.accepted.load(Ordering::SeqCst),
            self.shared.reset.load(Ordering::SeqCst),
        )
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accepting.abort();
        self.reset_connections();
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        shared.accepted.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(relay(client, Arc::clone(&shared)));
    }
}

/// Relays one connection until either side closes it, or until the test resets connections.
/// Both sides linger for no time, so that dropping them resets them, as a restarting load
/// balancer does, rather than closing them in order.
async fn relay(client: TcpStream, shared: Arc<Shared>) {
    let mut generation = shared.generation.subscribe();
    let mut fault = shared.fault.subscribe();
    let _ = client.set_zero_linger();
    let connected = async {
        // A blackholed connection is accepted and held; the server sees it only once the
        // network heals.
        passing(&mut fault).await;
        if *fault.borrow() == Fault::Refuse {
            return None;
        }
        TcpStream::connect(shared.upstream).await.ok()
    };
    let relayed = async {
        let upstream = connected.await?;
        let _ = upstream.set_zero_linger();
        let _ = (client.set_nodelay(true), upstream.set_nodelay(true));
        let (client_read, client_write) = client.into_split();
        let (upstream_read, upstream_write) = upstream.into_split();
        tokio::join!(
            pump(client_read, upstream_write, shared.fault.subscribe()),
            pump(upstream_read, client_write, shared.fault.subscribe()),
        );
        Some(())
    };
    let ended = tokio::select! {
        relayed = relayed => relayed,
        _ = generation.changed() => None,
    };
    if ended.is_none() {
        shared.reset.fetch_add(1, Ordering::SeqCst);
    }
}

/// Completes once the fault lets bytes pass.
async fn passing(fault: &mut watch::Receiver<Fault>) {
    let _ = fault.wait_for(|fault| *fault != Fault::Blackhole).await;
}

/// Copies `from` to `to` as the fault allows, until `from` ends or the fault refuses.
async fn pump(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, mut fault: watch::Receiver<Fault>) {
    // Delivered in order, each chunk once its latency has passed, so that latency delays
    // every byte without limiting how many are on their way.
    let (sender, mut receiver) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let mut write_fault = fault.clone();
    let writing = async move {
        while let Some((due, chunk)) = receiver.recv().await {
            tokio::time::sleep_until(due).await;
            passing(&mut write_fault).await;
            if to.write_all(&chunk).await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await;
    };
    let reading = async move {
        let mut buffer = vec![0; 64 * 1024];
        loop {
            passing(&mut fault).await;
            let read = match from.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(read) => read,
            };
            let delay = match *fault.borrow() {
                Fault::Latency(delay) => delay,
                Fault::Pass | Fault::Blackhole | Fault::Refuse => Duration::ZERO,
            };
            if sender
                .send((Instant::now() + delay, buffer[..read].to_vec()))
                .is_err()
            {
                return;
            }
        }
    };
    tokio::join!(reading, writing);
}
