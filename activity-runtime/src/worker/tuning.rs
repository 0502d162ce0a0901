//! The tuning and versioning that Temporal Core offers a worker, as options of
//! [`WorkerBuilder`](super::WorkerBuilder): slots that follow the host's resources, pollers
//! that follow the backlog, and the worker deployment it belongs to.

use std::sync::Arc;
use std::time::Duration;

use temporalio_common::worker::{
    VersioningBehavior as CoreVersioningBehavior, WorkerDeploymentOptions, WorkerDeploymentVersion,
};
use temporalio_sdk_core::{
    PollerBehavior, ResourceBasedTuner, ResourceSlotOptions, WorkerTuner, WorkerVersioningStrategy,
};

/// Activity slots handed out while the host's memory and CPU use stay under targets (Core's
/// resource-based slot supplier), for activities whose cost varies too much for a fixed
/// number: see [`WorkerBuilder::resource_based_slots`](super::WorkerBuilder::resource_based_slots).
///
/// Beyond `min_slots`, a slot is handed out only when both targets allow it, and at most one
/// every `ramp_throttle`, so that a burst does not take slots faster than the new activities'
/// use of memory and CPU can show.
///
/// ```
/// use std::time::Duration;
/// use activity_runtime::worker::ResourceBasedSlots;
///
/// // Keep memory under 80 % and CPU under 90 %, with 2 to 200 activities at once.
/// let slots = ResourceBasedSlots::new(0.8, 0.9)
///     .min_slots(2)
///     .max_slots(200)
///     .ramp_throttle(Duration::from_millis(20));
/// # let _ = slots;
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResourceBasedSlots {
    target_memory_usage: f64,
    target_cpu_usage: f64,
    min_slots: usize,
    max_slots: usize,
    ramp_throttle: Duration,
}

impl ResourceBasedSlots {
    /// Targets, each a fraction of the host's total between 0 and 1; with Core's defaults of 1
    /// to 10,000 slots and a 50 ms ramp.
    pub fn new(target_memory_usage: f64, target_cpu_usage: f64) -> Self {
        Self {
            target_memory_usage,
            target_cpu_usage,
            min_slots: 1,
            max_slots: 10_000,
            ramp_throttle: Duration::from_millis(50),
        }
    }

    /// Slots always handed out, whatever the resources say. Default 1.
    #[must_use]
    pub fn min_slots(mut self, slots: usize) -> Self {
        self.min_slots = slots;
        self
    }

    /// Slots never exceeded, whatever the resources allow. Default 10,000.
    #[must_use]
    pub fn max_slots(mut self, slots: usize) -> Self {
        self.max_slots = slots;
        self
    }

    /// The least time between two slots handed out beyond `min_slots`. Default 50 ms.
    #[must_use]
    pub fn ramp_throttle(mut self, throttle: Duration) -> Self {
        self.ramp_throttle = throttle;
        self
    }

    pub(super) fn max(&self) -> usize {
        self.max_slots
    }

    /// Core's tuner, once the options make sense.
    pub(super) fn tuner(&self) -> Result<Arc<dyn WorkerTuner + Send + Sync>, String> {
        for (name, target) in [
            ("target_memory_usage", self.target_memory_usage),
            ("target_cpu_usage", self.target_cpu_usage),
        ] {
            if !(target > 0.0 && target <= 1.0) {
                return Err(format!(
                    "resource-based slots: {name} is {target}; expected a fraction of the \
                     host's total above 0 and at most 1, such as 0.8"
                ));
            }
        }
        if self.min_slots > self.max_slots || self.max_slots == 0 {
            return Err(format!(
                "resource-based slots: min_slots is {} and max_slots {}; expected \
                 1 <= max_slots and min_slots <= max_slots",
                self.min_slots, self.max_slots
            ));
        }
        let mut tuner = ResourceBasedTuner::new(self.target_memory_usage, self.target_cpu_usage);
        tuner.with_activity_slots_options(ResourceSlotOptions::new(
            self.min_slots,
            self.max_slots,
            self.ramp_throttle,
        ));
        Ok(Arc::new(tuner))
    }
}

/// Pollers that Core scales between `minimum` and `maximum` on the server's feedback: more
/// while tasks are waiting, fewer while polls come back empty; see
/// [`WorkerBuilder::poller_autoscaling`](super::WorkerBuilder::poller_autoscaling).
///
/// ```
/// use activity_runtime::worker::PollerAutoscaling;
///
/// let pollers = PollerAutoscaling::new().maximum(20);
/// # let _ = pollers;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollerAutoscaling {
    minimum: usize,
    maximum: usize,
    initial: usize,
}

impl PollerAutoscaling {
    /// The other SDKs' defaults: at least 1 poll, at most 100, 5 to begin with.
    pub fn new() -> Self {
        Self {
            minimum: 1,
            maximum: 100,
            initial: 5,
        }
    }

    /// Polls always open, slots allowing. Default 1; at least 1.
    #[must_use]
    pub fn minimum(mut self, pollers: usize) -> Self {
        self.minimum = pollers;
        self
    }

    /// Polls never exceeded. Default 100.
    #[must_use]
    pub fn maximum(mut self, pollers: usize) -> Self {
        self.maximum = pollers;
        self
    }

    /// Polls open before the first feedback. Default 5; between the two bounds.
    #[must_use]
    pub fn initial(mut self, pollers: usize) -> Self {
        self.initial = pollers;
        self
    }

    pub(super) fn behavior(&self) -> PollerBehavior {
        PollerBehavior::Autoscaling {
            minimum: self.minimum,
            maximum: self.maximum,
            initial: self.initial,
        }
    }
}

impl Default for PollerAutoscaling {
    fn default() -> Self {
        Self::new()
    }
}

/// How a workflow moves between versions of a worker deployment: the default a deployment's
/// workers declare for the workflows they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VersioningBehavior {
    /// A workflow stays on the version it started on.
    Pinned,
    /// A workflow moves to the deployment's current version at its next task.
    AutoUpgrade,
}

/// The worker deployment and version a worker belongs to (Worker Versioning): see
/// [`WorkerBuilder::deployment`](super::WorkerBuilder::deployment).
///
/// ```
/// use activity_runtime::worker::WorkerDeployment;
///
/// let deployment = WorkerDeployment::new("billing", "2026-11-26.1");
/// # let _ = deployment;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerDeployment {
    name: String,
    build_id: String,
    use_worker_versioning: bool,
    default_versioning_behavior: Option<VersioningBehavior>,
}

impl WorkerDeployment {
    /// Version `build_id` of deployment `name`, taking part in Worker Versioning: the server
    /// sends this worker only the tasks that the deployment's routing (its current and ramping
    /// versions) sends to this version.
    pub fn new(name: impl Into<String>, build_id: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            build_id: build_id.into(),
            use_worker_versioning: true,
            default_versioning_behavior: None,
        }
    }

    /// Reports the version without taking part in Worker Versioning: the server routes as for
    /// an unversioned worker, and shows the version on the worker. Default: taking part.
    #[must_use]
    pub fn without_versioning(mut self) -> Self {
        self.use_worker_versioning = false;
        self
    }

    /// The behaviour the deployment's workers declare for workflows that name none. It
    /// concerns the workflows that this version's workflow workers run; an activity worker
    /// only reports it. Default: none.
    #[must_use]
    pub fn default_versioning_behavior(mut self, behavior: VersioningBehavior) -> Self {
        self.default_versioning_behavior = Some(behavior);
        self
    }

    pub(super) fn strategy(&self) -> WorkerVersioningStrategy {
        let version = WorkerDeploymentVersion::builder()
            .deployment_name(self.name.clone())
            .build_id(self.build_id.clone())
            .build();
        WorkerVersioningStrategy::WorkerDeploymentBased(
            WorkerDeploymentOptions::new(version)
                .use_worker_versioning(self.use_worker_versioning)
                .maybe_default_versioning_behavior(self.default_versioning_behavior.map(
                    |behavior| match behavior {
                        VersioningBehavior::Pinned => CoreVersioningBehavior::Pinned,
                        VersioningBehavior::AutoUpgrade => CoreVersioningBehavior::AutoUpgrade,
                    },
                ))
                .build(),
        )
    }
}
