/**
 * From lineage to stages to tasks. {@link io.weft.planner.StagePlanner} cuts a job's lineage at shuffle
 * dependencies. {@link io.weft.planner.DagScheduler} is the scheduler's front door and event loop; behind it the
 * DAG layer ({@code StageScheduler}: jobs, stages, map outputs, fetch-failure resubmission) and the task layer
 * ({@code TaskScheduler}: offers, launches, retries, exclusion, speculation) share one thread. Nothing here knows
 * about Kryo, Hadoop or YARN: those sit behind the ports {@link io.weft.planner.StageSerializer},
 * {@link io.weft.planner.TaskLauncher}, {@link io.weft.planner.MapOutputJournal} and, in the other direction,
 * {@link io.weft.planner.ClusterEvents}.
 */
package io.weft.planner;
