/**
 * From lineage to stages to tasks: {@link io.weft.planner.StagePlanner} cuts a job's lineage at shuffle
 * dependencies; {@link io.weft.planner.DagScheduler} runs stages in dependency order, one task per partition,
 * retries failed tasks, resubmits lost map outputs, and hands tasks to a {@link io.weft.planner.TaskLauncher}.
 * Nothing here knows about Kryo, Hadoop or YARN: those sit behind {@link io.weft.planner.StageSerializer} and
 * {@link io.weft.planner.TaskLauncher}.
 */
package io.weft.planner;
