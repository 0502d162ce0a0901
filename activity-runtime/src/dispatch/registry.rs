//! The checked lookup table that a worker or test environment dispatches through.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::activity::{ActivityDefinition, ActivitySet};
use crate::context::state::StateMap;
use crate::error::{ActivityError, RegistryError, RuntimeFailure};

/// Activities by type name, with at most one dynamic activity, and the state they need.
///
/// Built once, when a worker or test environment is built, so that every mistake in the set
/// is found before the first task arrives, and reported together.
#[derive(Debug)]
pub(crate) struct Registry {
    by_name: HashMap<&'static str, ActivityDefinition>,
    dynamic: Option<ActivityDefinition>,
    state: Arc<StateMap>,
}

impl Registry {
    /// Checks `set` against `state`: unique names, at most one dynamic activity, and every
    /// required state present.
    pub(crate) fn new(set: ActivitySet, mut state: StateMap) -> Result<Self, RegistryError> {
        let (definitions, set_state) = set.into_parts();
        state.extend(set_state);
        let mut problems = Vec::new();
        let mut by_name = HashMap::<&'static str, ActivityDefinition>::new();
        let mut dynamic: Option<ActivityDefinition> = None;
        for definition in definitions {
            for requirement in definition.state() {
                if !state.satisfies(requirement) {
                    problems.push(RegistryError::MissingState {
                        activity: definition.name(),
                        function: definition.function(),
                        type_name: requirement.type_name(),
                    });
                }
            }
            if definition.is_dynamic() {
                match &dynamic {
                    Some(first) if first.function() != definition.function() => {
                        problems.push(RegistryError::SecondDynamic {
                            first: first.function(),
                            second: definition.function(),
                        });
                    }
                    _ => dynamic = Some(definition),
                }
                continue;
            }
            // The same function listed twice, say by `all_activities()` and `activity_set![..]`,
            // is one activity, not a conflict.
            match by_name.get(definition.name()) {
                Some(first) if first.function() != definition.function() => {
                    problems.push(RegistryError::DuplicateName {
                        name: definition.name(),
                        first: first.function(),
                        second: definition.function(),
                    });
                }
                _ => {
                    by_name.insert(definition.name(), definition);
                }
            }
        }
        match problems.len() {
            0 => {}
            1 => return Err(problems.remove(0)),
            _ => return Err(RegistryError::Several(problems)),
        }
        Ok(Self {
            by_name,
            dynamic,
            state: Arc::new(state),
        })
    }

    /// The definition that runs tasks of `activity_type`: the registered one, or else the
    /// dynamic one; else a retryable `NotFoundError` that lists what is registered, since a
    /// worker that has it may poll the same task queue.
    pub(crate) fn resolve(&self, activity_type: &str) -> Result<ActivityDefinition, ActivityError> {
        let definition = self.by_name.get(activity_type).or(self.dynamic.as_ref());
        definition.copied().ok_or_else(|| {
            RuntimeFailure::NotFound.with_message(format!(
                "activity type `{activity_type}` is not registered on this worker; registered: {}",
                NameList(&self.names())
            ))
        })
    }

    /// The registered names, sorted, for the `NotFoundError` message; sorted only then, since
    /// only a failing task needs them.
    pub(crate) fn names(&self) -> Vec<&'static str> {
        let mut names = self.by_name.keys().copied().collect::<Vec<_>>();
        names.sort_unstable();
        names
    }

    pub(crate) fn state(&self) -> &Arc<StateMap> {
        &self.state
    }
}

/// The registered names as a message lists them.
pub(crate) struct NameList<'a>(pub(crate) &'a [&'static str]);

impl fmt::Display for NameList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        for (index, name) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{name}`")?;
        }
        Ok(())
    }
}
