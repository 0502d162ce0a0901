//! Write Temporal activities as plain Rust functions.
//!
//! Python's `@activity.defn(name="your_activity")` has a Rust twin: put `#[activity]` on an
//! `async fn` or a plain `fn`, and a worker runs it whenever a workflow or client asks for that
//! activity type, in any language.
//!
//! ```
//! use activity_runtime::{activity_set, activity};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! pub struct YourParams {
//!     pub greeting: String,
//!     pub name: String,
//! }
//!
//! #[activity(name = "your_activity")]
//! pub async fn your_activity(input: YourParams) -> String {
//!     format!("{}, {}!", input.greeting, input.name)
//! }
//!
//! let set = activity_set![your_activity];
//! assert_eq!(set.names().collect::<Vec<_>>(), ["your_activity"]);
//! ```
//!
//! # Accepted forms
//!
//! **Name.** `#[activity]` names the activity type after the function (`compute_total`), as
//! Python does; `#[activity(name = "...")]` gives the name.
//!
//! **Async or blocking.** An `async fn` runs on the async runtime. A plain `fn` is a blocking
//! activity: it runs on a blocking thread pool and never on the async executor, so it may call
//! blocking libraries freely.
//!
//! ```
//! # use activity_runtime::activity;
//! #[activity]
//! fn compute_total(prices: Vec<u64>, discount_percent: u64) -> u64 {
//!     prices.iter().sum::<u64>() * (100 - discount_percent) / 100
//! }
//! ```
//!
//! **Arguments.** Any number of parameters, each an owned type that implements
//! `serde::Deserialize`; each is one payload, in order, as every Temporal SDK encodes multiple
//! arguments. A missing trailing argument is `None` for an `Option` parameter. Destructuring
//! patterns work.
//!
//! ```
//! # use activity_runtime::activity;
//! # #[derive(serde::Deserialize)] struct YourParams { greeting: String, name: String }
//! #[activity]
//! async fn greet(YourParams { greeting, name }: YourParams, punctuation: Option<String>) -> String {
//!     format!("{greeting}, {name}{}", punctuation.as_deref().unwrap_or("!"))
//! }
//! ```
//!
//! **Context.** An [`ActivityContext`] as the first parameter gives the activity its
//! [`ActivityInfo`](context::ActivityInfo) and its cancellation.
//!
//! ```
//! # use activity_runtime::{activity, ActivityContext};
//! #[activity]
//! async fn whoami(ctx: ActivityContext) -> String {
//!     format!("{} attempt {}", ctx.info().activity_type, ctx.info().attempt)
//! }
//! ```
//!
//! **Results.** Return any `T: Serialize`, `()` included, or `Result<T, E>` where `E` is
//! [`ActivityError`], `anyhow::Error`, or any `std::error::Error + Send + Sync + 'static`.
//! Aliases spelled `Result` (`anyhow::Result<T>`, `std::io::Result<T>`) work too.
//!
//! ```
//! # use activity_runtime::{activity, ActivityError};
//! #[activity]
//! fn parse_port(text: String) -> Result<u16, std::num::ParseIntError> {
//!     text.parse()
//! }
//!
//! #[activity]
//! async fn charge(cents: u64) -> Result<(), ActivityError> {
//!     if cents == 0 {
//!         return Err(ActivityError::new("nothing to charge").non_retryable());
//!     }
//!     Ok(())
//! }
//!
//! #[activity]
//! async fn read_config(path: String) -> anyhow::Result<String> {
//!     Ok(std::fs::read_to_string(path)?)
//! }
//! ```
//!
//! **Everything else is kept.** Visibility, doc comments, `#[cfg]`s and other attributes stay
//! on the function, which stays directly callable, so it is unit-tested like any function:
//!
//! ```
//! # use activity_runtime::activity;
//! /// Says hello.
//! #[activity]
//! #[allow(clippy::needless_pass_by_value)]
//! pub async fn hello(name: String) -> String {
//!     format!("Hello, {name}!")
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! assert_eq!(hello("World".to_string()).await, "Hello, World!");
//! # }
//! ```
//!
//! **Shared state.** A `State<T>` parameter (anywhere after the context) receives the value of
//! type `T` given to the worker with `.state(value)`, as axum's `State` does; it is not a
//! payload. A worker refuses to start when an activity's state is missing, naming the type.
//! Code that is not handed a parameter asks with [`ActivityContext::state`].
//!
//! ```
//! # use activity_runtime::{activity, State};
//! struct Db { url: String }
//!
//! #[activity]
//! async fn lookup(db: State<Db>, id: u64) -> String {
//!     format!("{id} from {}", db.url)
//! }
//! ```
//!
//! **Methods.** Put [`#[activities]`](activities) on an `impl` block and `#[activity]` on each
//! method that is an activity; methods take `&self` or `self: Arc<Self>` and are named by their
//! bare method name. [`ActivitySet::from_instance`] runs them on one shared instance.
//!
//! ```
//! # use activity_runtime::{activities, ActivitySet};
//! struct Mailer { sender: String }
//!
//! #[activities]
//! impl Mailer {
//!     #[activity]
//!     async fn send_welcome(&self, to: String) -> String {
//!         format!("{} -> {to}", self.sender)
//!     }
//! }
//!
//! let set = ActivitySet::from_instance(Mailer { sender: "hello@example.com".into() });
//! assert_eq!(set.names().collect::<Vec<_>>(), ["send_welcome"]);
//! ```
//!
//! **Dynamic.** `#[activity(dynamic)]` on a function that takes the raw `Vec<Payload>` (after
//! an optional context) runs every activity type that is not registered, like Python's
//! `dynamic=True`; a worker has at most one.
//!
//! ```
//! # use activity_runtime::{activity, ActivityContext, payload::Payload};
//! #[activity(dynamic)]
//! async fn any_other(ctx: ActivityContext, args: Vec<Payload>) -> String {
//!     format!("{} got {} arguments", ctx.info().activity_type, args.len())
//! }
//! ```
//!
//! # Running activities
//!
//! [`testing::ActivityEnvironment`] runs activities in-process through the same dispatcher as a
//! worker: blocking activities on a dedicated, bounded thread pool; at most
//! `max_concurrent_activities` at once; a panic as a retryable failure; an async activity that
//! blocks its thread for more than 100 ms in one poll reported once, with the fix; a
//! [`PayloadCodec`](payload::codec::PayloadCodec) on every payload path; results over 2 MiB refused as
//! `PayloadTooLarge`.
//!
//! # Where to read on
//!
//! | To | Read |
//! |---|---|
//! | run a worker: its options, shutdown, sizing, metrics, tracing, what fails how | [`worker`] |
//! | connect it: the environment, `temporal.toml`, TLS, API keys and their rotation | [`connection`] |
//! | test activities in-process | [`testing`] |
//! | call activities from Rust, complete one from elsewhere, use a client inside one | [`client`] |
//! | heartbeats, cancellation, pause and reset, state, the ambient context | [`ActivityContext`] |
//! | failures: types, retryability, details, causes, the runtime's own | [`ActivityError`], [`error::RuntimeFailure`] |
//! | payloads every SDK reads, codecs, encryption | [`payload`], [`payload::codec`] |
//! | wrap every attempt, continue callers' traces | [`interceptor`] |
//! | the activities' own metrics | [`metrics`] |
//! | serve ours on the official Rust SDK's worker (feature `temporalio-sdk`) | `official` |
//!
//! # Registration
//!
//! Beside each function, `#[activity]` generates a companion of the same name in the type
//! namespace, implementing [`Activity`](definition::Activity). [`activity_set!`] gathers companions into an
//! [`ActivitySet`] for a worker or a test environment, and [`all_activities`] returns every
//! `#[activity]` linked into the binary. Two functions with one activity name are refused when
//! the worker or environment is built, with both functions named.
//!
//! A dependency renamed in `Cargo.toml` is named with `#[activity(crate = "path")]`.
//!
//! # Rejected signatures
//!
//! A signature that cannot work is a compile-time error at the offending token, worded with the
//! fix; all errors of a function are reported at once, and the function is still emitted so the
//! rest of the crate type-checks. Each row has a fixture in the repository's `tests/ui/fail/`,
//! whose `.stderr` holds the exact text.
//!
//! | You wrote | The compiler says |
//! |---|---|
//! | `async fn greet(name: &str)` | an activity parameter must be an owned type ...; take `String` instead |
//! | `fn f(&self, ...)` | `#[activity]` goes on a free function ...; put `#[activities]` on the `impl` block |
//! | `&mut self`, `self`, `self: Box<Self>` in `#[activities]` | take `&self` or `self: Arc<Self>` |
//! | `#[activities]` on a trait impl, a generic impl, or a block with no `#[activity]` | an inherent, concrete impl block with marked methods |
//! | `fn echo<T>(value: T)` | an activity can't be generic ...; replace the type parameter with a concrete type |
//! | `fn f<'a>(text: Cow<'a, str>)` | an activity can't have lifetime parameters ...; an activity parameter can't borrow |
//! | `fn show(value: impl Deserialize)` | an activity parameter can't be `impl Trait` ...; write a concrete type |
//! | `unsafe fn`, `const fn`, `extern "C" fn`, `...` | remove the qualifier; take a `Vec<T>` instead of variadics |
//! | `#[activity(name = your_activity)]` | the activity name must be a string literal, such as `name = "your_activity"` |
//! | `name = ""`, `name = "__temporal_mine"` | the name is empty / the prefix is reserved by Temporal |
//! | `#[activity(nmae = "x")]`, `name` twice | Unknown field: `nmae`. Did you mean `name`? / Duplicate field `name` |
//! | `#[activity(dynamic)] fn f(a: String, b: u32)` | a dynamic activity takes the raw arguments as one `Vec<Payload>` parameter |
//! | `#[activity(dynamic, name = "x")]` | a dynamic activity has no name of its own |
//! | `async fn ship(order: Order)` without `Deserialize` | `Order` can't be an activity argument: it does not implement `serde::de::DeserializeOwned` |
//! | `-> Receipt` without `Serialize` | `Receipt` can't be an activity's result: it does not implement `serde::Serialize` |
//! | `-> Result<u64, NotAnError>` | `NotAnError` can't be an activity's error: it does not convert into `ActivityError` |
//! | an `Rc` held across `.await` | future cannot be sent between threads safely (at the function's name) |
//! | `fn late(name: String, ctx: ActivityContext)` | `ActivityContext` must be the first parameter |
//! | two `ActivityContext`s | an activity takes at most one `ActivityContext` |
//! | `db: State<T>` with your own `State` type | `State<T>` is not a state parameter; import `activity_runtime::State` |
//! | `-> Fallible<u64>`, an alias of `Result` with another name | this return type is a `Result` under another name, which `#[activity]` would encode as a value |
//! | `#[activity] struct S;`, a closure in a `static` | `#[activity]` goes on a free function, not on a struct |
//! | `activity_set![Plain]` | `Plain` is not an activity |
//!
//! Known limits, by design: the context is recognised by its name, `ActivityContext` (an alias
//! with another name is taken for an argument, and the error's note says so), and a fallible
//! return type by its name, `Result` (any path, so `anyhow::Result<T>` and `io::Result<T>`
//! work); a `Result` alias with another name is caught by a generated check rather than encoded
//! whole. An associated function without `self` inside a plain `impl` block gets rustc's own
//! "struct is not supported in `impl`s" at `#[activity]`: such methods go in an
//! `#[activities]` impl block. `State<T>` is recognised by its name too, and checked by a trait
//! bound. Set `ACTIVITY_MACROS_DEBUG=1` to print each expansion while building.
//!
//! ```compile_fail
//! # use activity_runtime::activity;
//! #[activity]
//! async fn borrowed(name: &str) -> String {
//!     name.to_string()
//! }
//! ```
//!
//! ```compile_fail
//! # use activity_runtime::activity;
//! struct NotSerde;
//! #[activity]
//! async fn undecodable(input: NotSerde) {}
//! ```

#![warn(
    missing_docs,
    missing_debug_implementations,
    unreachable_pub,
    rust_2018_idioms
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The modules follow one activity task's data path, in layers: a module uses only its own
// layer and those above it (ARCHITECTURE.md; tests/architecture.rs checks every `use`). The
// comments keep rustfmt from sorting the layers into one list.

// 1. Payloads, and the metrics activities record.
pub mod metrics;
pub mod payload;
// 2. Failures.
pub mod error;
// 3. What an activity knows while it runs.
pub mod context;
// 4. Activities, their definitions and sets; what wraps every attempt.
mod activity;
pub mod interceptor;
// 5. One task to its outcome; and connections, which stand apart.
pub mod connection;
mod dispatch;
// 6. What runs tasks: the worker, the official SDK's worker, the test environment; the client.
pub mod client;
#[cfg(feature = "dev-server")]
#[cfg_attr(docsrs, doc(cfg(feature = "dev-server")))]
pub mod dev_server;
#[cfg(feature = "temporalio-sdk")]
#[cfg_attr(docsrs, doc(cfg(feature = "temporalio-sdk")))]
pub mod official;
pub mod testing;
pub mod worker;

pub use activity::signature;
pub use activity::{ActivitySet, all_activities};
pub use activity_runtime_macros::{activities, activity};
pub use connection::ConnectionConfig;
pub use context::{ActivityContext, State};
pub use error::ActivityError;
pub use worker::Worker;

/// What `#[activity]` generates beside each function, and what sets and workers hold: the
/// [`Activity`](definition::Activity) companion and its type-erased
/// [`ActivityDefinition`](definition::ActivityDefinition), with their name, kind and needs;
/// and the [`Typed`](definition::Typed) name (`f::ACTIVITY`, `Type::METHOD`) that calls take,
/// with the official SDK's form of two to six arguments, `MultiArgs2` to `MultiArgs6`, for
/// its workflows' typed calls. Code that only writes and runs activities names only the typed
/// constants; the call's own plumbing is not public at all.
pub mod definition {
    pub use crate::activity::invocation::Execution;
    pub use crate::activity::{
        Activity, ActivityDefinition, ActivityImpl, OfficialArguments, Typed,
    };
    pub use crate::context::StateRequirement;
    pub use temporalio_common::data_converters::{
        MultiArgs2, MultiArgs3, MultiArgs4, MultiArgs5, MultiArgs6,
    };
}

/// An [`ActivitySet`] of `#[activity]` functions, named by path.
///
/// ```
/// use activity_runtime::{activity_set, activity};
///
/// mod billing {
///     #[activity_runtime::activity]
///     pub fn refund(order: String) -> String {
///         format!("refunded {order}")
///     }
/// }
///
/// #[activity]
/// async fn ship(order: String) {}
///
/// let set = activity_set![ship, billing::refund];
/// assert_eq!(set.len(), 2);
/// ```
#[macro_export]
macro_rules! activity_set {
    ($($activity:path),* $(,)?) => {
        $crate::ActivitySet::new([
            $($crate::definition::ActivityDefinition::of::<$activity>()),*
        ])
    };
}

/// The README's examples, compiled as doctests, so that the front page cannot fall behind the
/// crate.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// What the generated code reaches; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::activity::invocation::{Execution, Invocation, Outcome};
    pub use crate::activity::plumbing::{
        PlainValue, Probe, ResultBehindAlias, finish_result, finish_value, require_plain_value,
    };
    pub use crate::activity::signature::ResultParts;
    pub use crate::activity::{Activity, ActivityDefinition, ActivityImpl, Arguments, Typed};
    pub use crate::context::state::{StateParameter, StateRequirement};
    pub use crate::{ActivityContext, ActivityError, State};
    pub use inventory;
}
