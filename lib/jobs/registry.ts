import { cleanupJob } from "../cleanup/job";
import { erasureJob } from "../erasure/jobs";
import { preventionJob } from "../prevention/job";
import { purgeJob } from "../softdelete/worker";
import { sweepJob } from "../sweeps/job";
import { sweepFinishJob, sweepPartJob } from "../sweeps/part-jobs";
import type { JobDefinition } from "./definition";

/**
 * Every job kind, the one place that lists them (anchor: formbricks' processor registry).
 * Each feature declares its own definition; a new kind is a definition file and a line here.
 */
// (handlers are declared as methods, so each kind's definition is a JobDefinition of unknown data)
export const JOB_DEFINITIONS: readonly JobDefinition<unknown>[] = [sweepJob, sweepPartJob, sweepFinishJob, cleanupJob, purgeJob, erasureJob, preventionJob];
