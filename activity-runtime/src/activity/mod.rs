//! What `#[activity]` generates for each function: an [`Activity`] companion, and its
//! type-erased [`ActivityDefinition`] that sets and workers hold.

pub(crate) mod arguments;
pub(crate) mod invocation;
#[cfg(feature = "temporalio-sdk")]
mod official;
pub(crate) mod plumbing;
pub mod signature;
mod typed;

use std::sync::Arc;

use crate::context::state::StateMap;
use crate::context::{ActivityContext, StateRequirement};
use crate::error::ActivityError;
use crate::payload::Payload;

pub use arguments::Arguments;
pub(crate) use invocation::{Execution, Invocation, Outcome};
#[cfg(feature = "temporalio-sdk")]
pub use official::OfficialActivities;
#[cfg(feature = "temporalio-sdk")]
pub(crate) use official::OfficialExecutor;
pub use typed::{OfficialArguments, Typed};

/// The companion that `#[activity]` generates for a function, named like the function.
///
/// The function stays callable as written; the companion, a braced struct that lives in the
/// type namespace only, is what `activity_set![your_activity]` and typed callers name. Implement
/// it by hand only for activities that no function describes.
///
/// ```
/// use activity_runtime::activity;
/// use activity_runtime::definition::{Activity, Execution};
///
/// #[activity(name = "your_activity")]
/// async fn your_activity(greeting: String, name: String) -> String {
///     format!("{greeting}, {name}!")
/// }
///
/// assert_eq!(<your_activity as Activity>::NAME, "your_activity");
/// assert_eq!(<your_activity as Activity>::EXECUTION, Execution::Async);
/// let _typed: <your_activity as Activity>::Input = ("Hello".to_string(), "World".to_string());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an activity",
    label = "not an `#[activity]` function",
    note = "put `#[activity]` on the function, then name the function: `activity_set![your_activity]`"
)]
pub trait Activity: 'static {
    /// The arguments decoded from payloads, in order, as a tuple (the context excluded).
    type Input;
    /// What a successful attempt returns (the `T` of `Result<T, E>`).
    type Output;
    /// The activity type name that callers use.
    const NAME: &'static str;
    /// Whether the body is async or blocking.
    const EXECUTION: Execution;
    /// The Rust path of the function, for messages that must point at code.
    const FUNCTION: &'static str;
    /// Whether this is the `#[activity(dynamic)]` that handles every unregistered type.
    const DYNAMIC: bool = false;
    /// The types of the `State<T>` parameters, which the worker must provide.
    const STATE: &'static [StateRequirement] = &[];

    /// Decodes the arguments and prepares the call, without running any user code. The
    /// generated code implements it; its types are not a public API.
    ///
    /// # Errors
    /// When the arguments do not decode into the parameters' types, or their count is wrong.
    #[doc(hidden)]
    fn start(context: ActivityContext, arguments: Arguments) -> Result<Invocation, ActivityError>;
}

/// An activity with its types erased, so that activities of every signature sit in one
/// [`ActivitySet`].
#[derive(Clone, Copy)]
pub struct ActivityDefinition {
    name: &'static str,
    function: &'static str,
    execution: Execution,
    dynamic: bool,
    state: &'static [StateRequirement],
    start: fn(ActivityContext, Arguments) -> Result<Invocation, ActivityError>,
    #[cfg(feature = "temporalio-sdk")]
    pub(crate) register_official: fn(
        &mut temporalio_sdk::activities::ActivityDefinitions,
        std::sync::Arc<OfficialActivities>,
    ),
}

impl ActivityDefinition {
    /// The definition of the activity `A`.
    ///
    /// ```
    /// use activity_runtime::activity;
    /// use activity_runtime::definition::ActivityDefinition;
    ///
    /// #[activity]
    /// fn compute_total(prices: Vec<u64>) -> u64 {
    ///     prices.iter().sum()
    /// }
    ///
    /// let definition = ActivityDefinition::of::<compute_total>();
    /// assert_eq!(definition.name(), "compute_total");
    /// assert!(definition.function().ends_with("::compute_total"));
    /// ```
    pub const fn of<A: Activity>() -> Self {
        Self {
            name: A::NAME,
            function: A::FUNCTION,
            execution: A::EXECUTION,
            dynamic: A::DYNAMIC,
            state: A::STATE,
            start: A::start,
            #[cfg(feature = "temporalio-sdk")]
            register_official: official::register::<A>,
        }
    }

    /// The activity type name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The Rust path of the function that implements it.
    pub fn function(&self) -> &'static str {
        self.function
    }

    /// Whether its body is async or blocking.
    pub fn execution(&self) -> Execution {
        self.execution
    }

    /// Whether this is the dynamic activity, which handles every unregistered type.
    pub fn is_dynamic(&self) -> bool {
        self.dynamic
    }

    /// The types of state the activity takes as `State<T>` parameters.
    pub fn state(&self) -> &'static [StateRequirement] {
        self.state
    }

    /// Decodes `payloads` as the activity's arguments and prepares the call.
    ///
    /// # Errors
    /// A non-retryable error naming the argument's position and expected type when the
    /// payloads do not fit the parameters.
    ///
    /// ```
    /// use activity_runtime::{ActivityContext, activity, payload};
    /// use activity_runtime::context::ActivityInfo;
    /// use activity_runtime::definition::ActivityDefinition;
    ///
    /// #[activity]
    /// fn double(n: u32) -> u32 {
    ///     n * 2
    /// }
    ///
    /// let definition = ActivityDefinition::of::<double>();
    /// let ctx = ActivityContext::new(ActivityInfo::new("double"));
    /// let error = definition.start(ctx, vec![payload::encode("two").unwrap()]).err().unwrap();
    /// assert!(error.message().contains("argument 0 (`n`)"));
    /// ```
    #[doc(hidden)]
    pub fn start(
        &self,
        context: ActivityContext,
        payloads: Vec<Payload>,
    ) -> Result<Invocation, ActivityError> {
        let converter = context.custom_converter().cloned();
        (self.start)(
            context,
            Arguments::new(self.name, payloads).converted_by(converter),
        )
    }
}

impl std::fmt::Debug for ActivityDefinition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActivityDefinition")
            .field("name", &self.name)
            .field("function", &self.function)
            .field("execution", &self.execution)
            .field("dynamic", &self.dynamic)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

inventory::collect!(ActivityDefinition);

/// A set of activities for a worker or a test environment: from
/// [`activity_set!`](crate::activity_set), or every `#[activity]` in the binary from
/// [`all_activities`](crate::all_activities).
///
/// ```
/// use activity_runtime::{activity_set, activity};
///
/// #[activity]
/// async fn greet(name: String) -> String {
///     format!("Hello, {name}!")
/// }
///
/// #[activity(name = "compute_total")]
/// fn total(prices: Vec<u64>) -> u64 {
///     prices.iter().sum()
/// }
///
/// let set = activity_set![greet, total];
/// assert_eq!(set.names().collect::<Vec<_>>(), ["greet", "compute_total"]);
/// assert!(set.get("compute_total").is_some());
/// ```
#[derive(Debug, Clone, Default)]
pub struct ActivitySet {
    definitions: Vec<ActivityDefinition>,
    /// The instances of `#[activities]` impl blocks, which their methods reach as state.
    state: StateMap,
}

/// What `#[activities]` implements for the type of an `impl` block: the activities that its
/// `#[activity]` methods define.
pub trait ActivityImpl: Send + Sync + 'static {
    /// The definitions of the block's activities; each reaches the instance as state.
    fn definitions() -> Vec<ActivityDefinition>;
}

impl ActivitySet {
    /// A set of these definitions, in this order.
    pub fn new(definitions: impl IntoIterator<Item = ActivityDefinition>) -> Self {
        Self {
            definitions: definitions.into_iter().collect(),
            state: StateMap::default(),
        }
    }

    /// The activities of an `#[activities]` impl block, run on `instance`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use activity_runtime::{ActivitySet, activities};
    ///
    /// struct Inventory {
    ///     warehouse: String,
    /// }
    ///
    /// #[activities]
    /// impl Inventory {
    ///     #[activity]
    ///     async fn reserve(&self, sku: String) -> String {
    ///         format!("{sku} reserved in {}", self.warehouse)
    ///     }
    ///
    ///     #[activity(name = "release_stock")]
    ///     fn release(self: Arc<Self>, sku: String) -> String {
    ///         format!("{sku} released in {}", self.warehouse)
    ///     }
    /// }
    ///
    /// let set = ActivitySet::from_instance(Inventory { warehouse: "north".into() });
    /// assert_eq!(set.names().collect::<Vec<_>>(), ["reserve", "release_stock"]);
    /// ```
    pub fn from_instance<T: ActivityImpl>(instance: T) -> Self {
        Self::from_shared_instance(Arc::new(instance))
    }

    /// The activities of an `#[activities]` impl block, run on an instance that the caller
    /// also keeps.
    pub fn from_shared_instance<T: ActivityImpl>(instance: Arc<T>) -> Self {
        let mut set = Self::new(T::definitions());
        set.state.insert::<T>(instance);
        set
    }

    /// The definitions, in order.
    pub fn iter(&self) -> impl Iterator<Item = &ActivityDefinition> {
        self.definitions.iter()
    }

    /// The activity type names, in order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.definitions.iter().map(ActivityDefinition::name)
    }

    /// The first definition with this activity type name.
    pub fn get(&self, name: &str) -> Option<&ActivityDefinition> {
        self.definitions
            .iter()
            .find(|definition| definition.name == name)
    }

    /// How many definitions the set holds.
    pub fn len(&self) -> usize {
        self.definitions.len()
    }

    /// Whether the set holds none.
    pub fn is_empty(&self) -> bool {
        self.definitions.is_empty()
    }

    /// This set followed by `other`.
    pub fn merge(mut self, other: ActivitySet) -> Self {
        self.definitions.extend(other.definitions);
        self.state.extend(other.state);
        self
    }

    pub(crate) fn into_parts(self) -> (Vec<ActivityDefinition>, StateMap) {
        (self.definitions, self.state)
    }
}

impl<'a> IntoIterator for &'a ActivitySet {
    type Item = &'a ActivityDefinition;
    type IntoIter = std::slice::Iter<'a, ActivityDefinition>;
    fn into_iter(self) -> Self::IntoIter {
        self.definitions.iter()
    }
}

/// Every `#[activity]` function linked into this binary, sorted by name.
///
/// Collected at start-up by `inventory`, without a list to keep up to date. The linker keeps
/// only crates the binary uses: an activity in a library crate appears once anything else of
/// that crate is used, so list such activities with [`activity_set!`](crate::activity_set) where
/// that is not certain.
///
/// ```
/// use activity_runtime::activity;
///
/// #[activity]
/// async fn collected_everywhere() {}
///
/// assert!(activity_runtime::all_activities().get("collected_everywhere").is_some());
/// ```
pub fn all_activities() -> ActivitySet {
    let mut definitions = inventory::iter::<ActivityDefinition>
        .into_iter()
        .copied()
        .collect::<Vec<_>>();
    definitions.sort_by_key(|definition| (definition.name, definition.function));
    ActivitySet::new(definitions)
}
