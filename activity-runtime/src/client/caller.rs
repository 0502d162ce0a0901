//! What the client helpers call through: a client, and the payload converter its values are
//! encoded and decoded with.

use std::sync::Arc;

use temporalio_client::Client;

use crate::context::ActivityContext;
use crate::payload::{PayloadConverter, default_converter};

/// A client for the client helpers, with the payload converter they encode arguments and
/// decode results with (Python's client with its `data_converter`).
///
/// A plain [`Client`] converts as the worker's activity that uses it, when a helper is called
/// inside an activity (on [`ctx.client()`](crate::ActivityContext::client), say), and with the
/// [default converter](crate::payload::DefaultPayloadConverter) elsewhere. A
/// [`ClientWithConverter`] converts with its own: inside such an activity,
/// `ClientWithConverter::new(client.clone(), DefaultPayloadConverter)` calls a worker that
/// speaks the default encoding.
pub trait Caller: sealed::Sealed {
    /// The client.
    fn client(&self) -> &Client;

    /// The converter for this call's values.
    fn payload_converter(&self) -> Arc<dyn PayloadConverter>;
}

impl Caller for Client {
    fn client(&self) -> &Client {
        self
    }

    fn payload_converter(&self) -> Arc<dyn PayloadConverter> {
        ActivityContext::current()
            .and_then(|ctx| ctx.custom_converter().cloned())
            .unwrap_or_else(default_converter)
    }
}

/// A [`Client`] whose helpers' values go through `converter`: the one the worker that runs the
/// activities has, so that arguments and results are read on both sides.
///
/// ```no_run
/// # use activity_runtime::payload::PayloadConverter;
/// use activity_runtime::client::{ClientWithConverter, execute_activity};
/// # use activity_runtime::{ConnectionConfig, activity};
/// # #[activity] fn greet(name: String) -> String { name }
/// # struct MsgPack;
/// # impl PayloadConverter for MsgPack {}
///
/// # async fn call() -> Result<(), Box<dyn std::error::Error>> {
/// let client = ConnectionConfig::from_env()?.client().await?;
/// let msgpack = ClientWithConverter::new(client, MsgPack);
/// # let options = todo!();
/// let greeting = execute_activity(&msgpack, greet::ACTIVITY, "World".to_string(), options).await?;
/// # let _ = greeting; Ok(()) }
/// ```
#[derive(Clone)]
pub struct ClientWithConverter {
    client: Client,
    converter: Arc<dyn PayloadConverter>,
}

impl ClientWithConverter {
    /// `client`, converting with `converter`.
    pub fn new(client: Client, converter: impl PayloadConverter) -> Self {
        Self {
            client,
            converter: Arc::new(converter),
        }
    }
}

impl Caller for ClientWithConverter {
    fn client(&self) -> &Client {
        &self.client
    }

    fn payload_converter(&self) -> Arc<dyn PayloadConverter> {
        Arc::clone(&self.converter)
    }
}

/// A reference or a shared handle calls as what it points to, as `&Client` did before the
/// helpers took any caller.
macro_rules! through_pointer {
    ($($pointer:ty),*) => {$(
        impl<C: Caller + ?Sized> Caller for $pointer {
            fn client(&self) -> &Client {
                (**self).client()
            }

            fn payload_converter(&self) -> Arc<dyn PayloadConverter> {
                (**self).payload_converter()
            }
        }

        impl<C: Caller + ?Sized> sealed::Sealed for $pointer {}
    )*};
}

through_pointer!(&C, Arc<C>, Box<C>);

impl std::fmt::Debug for ClientWithConverter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientWithConverter")
            .field("namespace", &self.client.options().namespace)
            .field("converter", &self.converter)
            .finish()
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for temporalio_client::Client {}
    impl Sealed for super::ClientWithConverter {}
}
