//! Shared dependencies that a worker hands to its activities: database pools, HTTP clients,
//! configuration. An activity asks for them by type, with a [`State<T>`] parameter or
//! [`ActivityContext::state`](crate::ActivityContext::state).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use super::ActivityContext;
use crate::error::{ActivityError, RuntimeFailure};

/// A shared value of type `T` that the worker provides, taken as an activity parameter
/// (axum's `State`). It is not decoded from a payload, so callers never send it.
///
/// A worker or test environment that runs an activity taking `State<T>` refuses to start unless
/// a `T` was given to it, and the error names `T`.
///
/// ```
/// use activity_runtime::{State, activity_set, activity, testing::ActivityEnvironment};
///
/// struct Greeter {
///     punctuation: &'static str,
/// }
///
/// #[activity]
/// async fn greet(greeter: State<Greeter>, name: String) -> String {
///     format!("Hello, {name}{}", greeter.punctuation)
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let env = ActivityEnvironment::builder(activity_set![greet])
///     .state(Greeter { punctuation: "!" })
///     .build()
///     .unwrap();
/// let greeting = env.run(greet::ACTIVITY, "World".to_string()).await.unwrap();
/// assert_eq!(greeting, "Hello, World!");
///
/// // The function stays a plain function, callable with a `State` made by hand.
/// let greeter = State::new(Greeter { punctuation: "?" });
/// assert_eq!(greet(greeter, "World".to_string()).await, "Hello, World?");
/// # }
/// ```
pub struct State<T: ?Sized>(Arc<T>);

impl<T> State<T> {
    /// A state holding `value`, for calling an activity function directly, as a test does.
    pub fn new(value: T) -> Self {
        Self(Arc::new(value))
    }
}

impl<T: ?Sized> From<Arc<T>> for State<T> {
    /// A state sharing `value` with the other holders of the `Arc`.
    fn from(value: Arc<T>) -> Self {
        Self(value)
    }
}

impl<T: ?Sized> State<T> {
    /// The shared handle itself, for moving into a spawned task.
    pub fn into_arc(self) -> Arc<T> {
        self.0
    }
}

impl<T: ?Sized> Deref for State<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized> Clone for State<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for State<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("State").field(&self.0).finish()
    }
}

/// The type of a value that an activity needs from the worker, recorded by `#[activity]` so that
/// a missing value is found at construction, before any task arrives.
#[derive(Clone, Copy)]
pub struct StateRequirement {
    type_id: fn() -> TypeId,
    type_name: fn() -> &'static str,
}

impl StateRequirement {
    /// The requirement of a value of type `T`.
    pub const fn of<T: Send + Sync + 'static>() -> Self {
        Self {
            type_id: TypeId::of::<T>,
            type_name: std::any::type_name::<T>,
        }
    }

    /// The required type's id.
    pub fn type_id(&self) -> TypeId {
        (self.type_id)()
    }

    /// The required type's name, as the error shows it.
    pub fn type_name(&self) -> &'static str {
        (self.type_name)()
    }
}

impl fmt::Debug for StateRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.type_name())
    }
}

/// A parameter that the worker supplies rather than a payload: what `#[activity]` accepts in a
/// parameter spelled `State<...>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a state parameter",
    label = "`#[activity]` takes a parameter spelled `State<...>` for `activity_runtime::State`",
    note = "import `activity_runtime::State`, or rename your own type so that it is not spelled `State`"
)]
pub trait StateParameter: Sized {
    /// The type the worker must provide.
    const REQUIREMENT: StateRequirement;

    /// Takes the value from the running activity's context.
    ///
    /// # Errors
    /// When the worker was given no value of this type.
    fn from_context(context: &ActivityContext) -> Result<Self, ActivityError>;
}

impl<T: Send + Sync + 'static> StateParameter for State<T> {
    const REQUIREMENT: StateRequirement = StateRequirement::of::<T>();

    fn from_context(context: &ActivityContext) -> Result<Self, ActivityError> {
        context.state::<T>()
    }
}

/// The values a worker provides, one per type.
#[derive(Clone, Default)]
pub(crate) struct StateMap {
    values: HashMap<TypeId, (&'static str, Arc<dyn Any + Send + Sync>)>,
}

impl StateMap {
    /// Adds `value`, replacing any earlier value of the same type.
    pub(crate) fn insert<T: Send + Sync + 'static>(&mut self, value: impl Into<Arc<T>>) {
        self.values.insert(
            TypeId::of::<T>(),
            (
                std::any::type_name::<T>(),
                value.into() as Arc<dyn Any + Send + Sync>,
            ),
        );
    }

    /// The value of type `T`, if one was provided.
    pub(crate) fn get<T: Send + Sync + 'static>(&self) -> Option<State<T>> {
        let (_, value) = self.values.get(&TypeId::of::<T>())?;
        Arc::clone(value).downcast::<T>().ok().map(State)
    }

    /// Whether a value of the required type was provided.
    pub(crate) fn satisfies(&self, requirement: &StateRequirement) -> bool {
        self.values.contains_key(&requirement.type_id())
    }

    /// Adds every value of `other`, which wins over a value of the same type in `self`.
    pub(crate) fn extend(&mut self, other: StateMap) {
        self.values.extend(other.values);
    }
}

impl fmt::Debug for StateMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.values.values().map(|(name, _)| name))
            .finish()
    }
}

/// The error for a state that no one provided, shared by the parameter and
/// [`ActivityContext::state`](crate::ActivityContext::state).
pub(crate) fn missing_state(activity: &str, type_name: &str) -> ActivityError {
    RuntimeFailure::MissingState.with_message(format!(
        "activity `{activity}` asked for state of type `{type_name}`, but the worker was given \
         none; provide it with `.state(value)` on the worker or test environment builder"
    ))
}
