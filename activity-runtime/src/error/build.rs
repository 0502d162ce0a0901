//! Why a worker or test environment could not be built from a set of activities.

/// Why a dispatcher could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The set of activities cannot run: duplicate names, two dynamic activities, or state
    /// that was not given.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The blocking pool could not start.
    #[error("the blocking thread pool could not start: {0}")]
    BlockingPool(#[source] std::io::Error),
    /// A dynamic activity was given to the official SDK's worker, which routes activities by
    /// name only.
    #[error(
        "`{function}` is a dynamic activity, and the official SDK's worker routes activities by \
         name only, so it would never run there; serve it with `activity_runtime::Worker`"
    )]
    DynamicOnOfficialWorker {
        /// The dynamic activity's function.
        function: &'static str,
    },
}

/// A set of activities that no worker may run.
///
/// ```
/// use activity_runtime::{activity_set, activity, testing::ActivityEnvironment};
///
/// mod billing {
///     #[activity_runtime::activity(name = "charge")]
///     pub async fn charge_card(cents: u64) {}
/// }
/// mod legacy {
///     #[activity_runtime::activity(name = "charge")]
///     pub async fn charge_account(cents: u64) {}
/// }
///
/// let error = ActivityEnvironment::new(activity_set![billing::charge_card, legacy::charge_account])
///     .unwrap_err();
/// assert!(error.to_string().contains("billing::charge_card"));
/// assert!(error.to_string().contains("legacy::charge_account"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Two functions claim one activity type name.
    #[error(
        "two activities are named `{name}`: `{first}` and `{second}`; a worker runs one function \
         per activity type, so rename one with `#[activity(name = \"...\")]`"
    )]
    DuplicateName {
        /// The activity type name.
        name: &'static str,
        /// The first function with that name.
        first: &'static str,
        /// The second.
        second: &'static str,
    },
    /// More than one `#[activity(dynamic)]`.
    #[error(
        "two dynamic activities, `{first}` and `{second}`; a worker has at most one \
         `#[activity(dynamic)]`, which handles every unregistered type, so remove one"
    )]
    SecondDynamic {
        /// The first dynamic activity's function.
        first: &'static str,
        /// The second.
        second: &'static str,
    },
    /// An activity takes `State<T>`, and no `T` was given.
    #[error(
        "activity `{activity}` (`{function}`) takes `State<{type_name}>`, but no \
         `{type_name}` was given; add it with `.state(value)` on the builder"
    )]
    MissingState {
        /// The activity type name.
        activity: &'static str,
        /// Its function.
        function: &'static str,
        /// The type of the missing state.
        type_name: &'static str,
    },
    /// Several of the above, all found in one pass.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Several(Vec<RegistryError>),
}
