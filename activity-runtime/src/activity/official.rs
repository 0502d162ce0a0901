//! The definition side of hosting our activities on the official SDK's worker (feature
//! `temporalio-sdk`). The official worker routes tasks by a static type per activity, so each
//! activity gets one, [`Raw<A>`], taking and returning raw payloads: the worker side's
//! [`OfficialExecutor`] then runs the task through our own dispatcher.

use std::marker::PhantomData;
use std::sync::Arc;

use futures::future::BoxFuture;
use temporalio_common::data_converters::RawValue;
use temporalio_sdk::activities::{
    ActivityContext as OfficialContext, ActivityDefinitions, ActivityError as OfficialError,
    ActivityImplementer, ExecutableActivity,
};

use super::{Activity, ActivityDefinition};

/// Runs the official worker's tasks of our activities.
pub(crate) trait OfficialExecutor: Send + Sync {
    /// Runs one task of the activity type `activity_type`.
    fn execute(
        &self,
        activity_type: &'static str,
        context: OfficialContext,
        input: RawValue,
    ) -> BoxFuture<'static, Result<RawValue, OfficialError>>;

    /// Begins the activities' shutdown, which the official worker does not announce.
    fn begin_shutdown(&self);
}

/// A set of our activities, ready to register on the official SDK's worker with
/// `WorkerOptions::register_activities`. Make one with
/// [`official::Activities::new`](crate::official::Activities::new) or its builder.
pub struct OfficialActivities {
    pub(crate) executor: Arc<dyn OfficialExecutor>,
    pub(crate) definitions: Vec<ActivityDefinition>,
}

impl std::fmt::Debug for OfficialActivities {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Activities")
            .field(
                "activities",
                &self
                    .definitions
                    .iter()
                    .map(ActivityDefinition::name)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl ActivityImplementer for OfficialActivities {
    fn register_all(self: Arc<Self>, definitions: &mut ActivityDefinitions) {
        for definition in &self.definitions {
            (definition.register_official)(definitions, Arc::clone(&self));
        }
    }
}

/// Activity `A` as the official worker registers it: raw payloads in and out.
pub(crate) struct Raw<A>(PhantomData<fn() -> A>);

impl<A: Activity> temporalio_common::ActivityDefinition for Raw<A> {
    type Input = RawValue;
    type Output = RawValue;

    fn name(&self) -> &str {
        A::NAME
    }
}

impl<A: Activity> ExecutableActivity for Raw<A> {
    type Implementer = OfficialActivities;
    const REQUIRES_INSTANCE: bool = true;

    fn definition() -> Self {
        Self(PhantomData)
    }

    fn execute(
        receiver: Option<Arc<OfficialActivities>>,
        context: OfficialContext,
        input: RawValue,
    ) -> BoxFuture<'static, Result<RawValue, OfficialError>> {
        let activities = receiver.expect("registered with its instance (REQUIRES_INSTANCE)");
        activities.executor.execute(A::NAME, context, input)
    }
}

/// Registers activity `A` on the official worker's definitions.
pub(crate) fn register<A: Activity>(
    definitions: &mut ActivityDefinitions,
    activities: Arc<OfficialActivities>,
) {
    definitions.register_activity::<Raw<A>>(activities);
}
