//! Per-invocation and per-isolate limits, with the documented defaults of each plan
//! (semantics.md §1.1). Every value is configurable because the platform's limits move often.

use serde::{Deserialize, Serialize};

/// Cloudflare account plan: decides the default CPU and subrequest limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    Free,
    #[default]
    Paid,
}

impl std::str::FromStr for Plan {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "free" => Ok(Plan::Free),
            "paid" => Ok(Plan::Paid),
            other => Err(format!(
                "unknown plan {other:?}: expected \"free\" or \"paid\""
            )),
        }
    }
}

/// Hard ceiling for `limits.cpu_ms` on the Paid plan (5 minutes, since 2025-03-25).
pub const CPU_MS_MAX: u64 = 300_000;
/// Ceiling for `limits.subrequests` on the Paid plan (since 2026-02-11).
pub const SUBREQUESTS_MAX: u32 = 10_000_000;
/// Memory per isolate on every plan.
pub const MEMORY_BYTES_DEFAULT: usize = 128 * 1024 * 1024;
/// Parsing plus top-level evaluation must finish within this much CPU (since 2025-10-10).
pub const STARTUP_CPU_MS: u64 = 1_000;
/// After the response, `waitUntil` work may run this much longer before it is cancelled.
pub const WAIT_UNTIL_GRACE_MS: u64 = 30_000;
/// Default of [`Limits::runaway_cpu_limit_ms`]. QuickJS interprets a tight loop about 33 times slower
/// than V8 runs it, so this much simulated CPU costs at most ~10 s of wall time.
pub const RUNAWAY_CPU_MS_DEFAULT: u64 = 250;
/// Active timeouts one context may hold (workerd `MAX_TIMEOUTS`).
pub const TIMERS_MAX: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub plan: Plan,
    /// CPU one invocation may use (`limits.cpu_ms` in wrangler).
    #[serde(rename = "cpu_ms")]
    pub cpu_limit_ms: u64,
    /// Subrequests to the Internet (`fetch()`), per invocation.
    pub subrequests_external: u32,
    /// Subrequests to Cloudflare services (KV, R2, D1, DO, Queues, Cache), per invocation.
    pub subrequests_services: u32,
    pub memory_bytes: usize,
    /// CPU the Worker's top-level code may use when an isolate starts.
    #[serde(rename = "startup_cpu_ms")]
    pub startup_cpu_limit_ms: u64,
    /// Not a platform limit: the simulator stops any invocation (or startup) after this much
    /// simulated CPU, so a runaway loop under a 30 s production limit ends in seconds of wall
    /// time. The invocation ends as `exceededCpu` with a log line naming this guard.
    #[serde(rename = "runaway_cpu_ms")]
    pub runaway_cpu_limit_ms: u64,
}

impl Limits {
    pub fn for_plan(plan: Plan) -> Self {
        match plan {
            Plan::Free => Limits {
                plan,
                cpu_limit_ms: 10,
                subrequests_external: 50,
                subrequests_services: 1_000,
                memory_bytes: MEMORY_BYTES_DEFAULT,
                startup_cpu_limit_ms: STARTUP_CPU_MS,
                runaway_cpu_limit_ms: RUNAWAY_CPU_MS_DEFAULT,
            },
            Plan::Paid => Limits {
                plan,
                cpu_limit_ms: 30_000,
                subrequests_external: 10_000,
                subrequests_services: 10_000,
                memory_bytes: MEMORY_BYTES_DEFAULT,
                startup_cpu_limit_ms: STARTUP_CPU_MS,
                runaway_cpu_limit_ms: RUNAWAY_CPU_MS_DEFAULT,
            },
        }
    }

    /// The CPU an invocation may use here: the plan's limit, or the runaway guard if lower.
    pub fn effective_cpu_limit_ms(&self) -> u64 {
        self.cpu_limit_ms.min(self.runaway_cpu_limit_ms)
    }

    /// The CPU startup may use here: the startup limit, or the runaway guard if lower.
    pub fn effective_startup_cpu_limit_ms(&self) -> u64 {
        self.startup_cpu_limit_ms.min(self.runaway_cpu_limit_ms)
    }

    /// Applies a Worker's `[limits]` table. The Free plan cannot raise its CPU limit.
    pub fn with_overrides(mut self, cpu_limit_ms: Option<u64>, subrequests: Option<u32>) -> Self {
        if let Some(ms) = cpu_limit_ms {
            self.cpu_limit_ms = match self.plan {
                Plan::Free => ms.min(self.cpu_limit_ms),
                Plan::Paid => ms.min(CPU_MS_MAX),
            };
        }
        if let Some(n) = subrequests {
            let n = n.min(SUBREQUESTS_MAX);
            self.subrequests_external = n;
            if self.plan == Plan::Paid {
                self.subrequests_services = n;
            }
        }
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::for_plan(Plan::Paid)
    }
}
