package io.weft.benchmarks.sched;

import io.weft.api.RemoteTaskException;
import io.weft.api.SerializableFunction;
import io.weft.benchmarks.sched.SimulatedCluster.Launch;
import io.weft.planner.DagScheduler;
import io.weft.planner.JobProperties;
import io.weft.planner.MapOutputJournal;
import io.weft.planner.SchedulerConfig;
import io.weft.planner.SchedulerListener;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskMetrics;
import io.weft.planner.TaskOutcome;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The real scheduler ({@link DagScheduler}, on its own thread, through its public ports) driving simulated
 * executors: a discrete-event loop moves a fake clock from one task end (or timer tick) to the next, tells the
 * scheduler which tasks ended, waits until the scheduler has handled everything, and gives each task it launched
 * a simulated duration (log-normal around {@code --task-ms}) and, at {@code --failure-rate}, a failure.
 *
 * <p>Prints per run: scheduler CPU per launched task (CPU time of the scheduler thread, so including the offers
 * that launched nothing), the simulated time from a task's readiness to its launch, the share of core time left
 * idle while tasks waited, and the locality achieved. Run:
 * {@code mvn -B -o -q -DskipTests -Pbench package -pl benchmarks -am
 * -Dbench.main=io.weft.benchmarks.sched.SchedulerSimulation -Dbench.args="--tasks 100000"}.
 */
@Command(name = "scheduler-simulation", mixinStandardHelpOptions = true,
        description = "Drives Weft's scheduler with simulated executors, racks, task durations and failures.")
public final class SchedulerSimulation implements Callable<Integer> {

    @Option(names = "--executors", defaultValue = "1000", description = "Executors, one per host")
    int executors;

    @Option(names = "--cores", defaultValue = "4", description = "Cores per executor")
    int cores;

    @Option(names = "--racks", defaultValue = "50", description = "Racks, hosts dealt round them")
    int racks;

    @Option(names = "--tasks", defaultValue = "100000", description = "Tasks in the stage")
    int tasks;

    @Option(names = "--replicas", defaultValue = "3", description = "Input hosts per task, chosen at random")
    int replicas;

    @Option(names = "--input-hosts", defaultValue = "0",
            description = "Hosts holding input (the first --executors of them run executors); 0: as many as executors")
    int inputHosts;

    @Option(names = "--task-ms", defaultValue = "2000", description = "Median simulated task duration")
    long taskMillis;

    @Option(names = "--failure-rate", defaultValue = "0.001", description = "Fraction of attempts that fail")
    double failureRate;

    @Option(names = "--waits", split = ",", defaultValue = "3000,0",
            description = "Locality waits (ms, node and rack) to run with, one run each")
    long[] waits;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--speculation", description = "Turn speculative execution on (defaults otherwise)")
    boolean speculation;

    @Option(names = "--mode", defaultValue = "FIFO", description = "weft.scheduler.mode: FIFO or FAIR")
    SchedulerConfig.Mode mode;

    @Option(names = "--pools", defaultValue = "1",
            description = "Jobs submitted at once, each in a pool of its own, sharing the --tasks between them")
    int pools;

    private static final long TICK_MILLIS = 100;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SchedulerSimulation()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        inputHosts = Math.max(inputHosts, executors);
        System.out.printf("%d executors x %d cores on %d racks; %d tasks, input on %d of %d hosts each; median task"
                + " %d ms; failure rate %.4f; %s, %d pools%n", executors, cores, racks, tasks, replicas, inputHosts,
                taskMillis, failureRate, mode, pools);
        System.out.println("wait ms | sched CPU us/task | ready->launch ms p50/p99/max | idle while waiting %"
                + " | node/rack/any % | attempts | simulated s | wall s | each pool's end s");
        for (long wait : waits) {
            run(wait);
        }
        return 0;
    }

    private void run(long wait) throws Exception {
        Random random = new Random(seed);
        SimulatedCluster cluster = new SimulatedCluster(inputHosts, racks);
        List<String> hosts = cluster.hosts();
        @SuppressWarnings("unchecked")
        List<String>[] inputHosts = new List[tasks];
        for (int p = 0; p < tasks; p++) {
            List<String> where = new ArrayList<>(replicas);
            while (where.size() < Math.min(replicas, hosts.size())) {
                String host = hosts.get(random.nextInt(hosts.size()));
                if (!where.contains(host)) {
                    where.add(host);
                }
            }
            inputHosts[p] = List.copyOf(where);
        }
        SchedulerConfig base = speculation ? new SchedulerConfig(4, 4, SchedulerConfig.Exclusion.DEFAULTS,
                new SchedulerConfig.Speculation(true, 0.75, 1.5, 1_000)) : SchedulerConfig.DEFAULTS;
        SchedulerConfig config = base.withLocality(new SchedulerConfig.Locality(wait, wait)).withMode(mode);
        AtomicReference<Thread> schedulerThread = new AtomicReference<>();
        DagScheduler scheduler = newScheduler(config, cluster, r -> {
            Thread t = new Thread(r, "weft-scheduler");
            t.setDaemon(true);
            schedulerThread.set(t);
            return t;
        });
        long wallStart = System.nanoTime();
        try {
            scheduler.start();
            for (int e = 0; e < executors; e++) {
                scheduler.executorAdded("exec-" + e, hosts.get(e), cores);
            }
            idle(scheduler);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuStart = threads.getThreadCpuTime(schedulerThread.get().getId());
            SerializableFunction<Iterator<Integer>, Integer> count = it -> 1;
            List<CompletableFuture<List<byte[]>>> jobs = new ArrayList<>();
            Stats stats = new Stats();
            for (int j = 0; j < pools; j++) {
                // Job j takes tasks j, j + pools, ...: equal shares of the same input placement.
                int first = j;
                @SuppressWarnings("unchecked")
                List<String>[] share = IntStream.range(0, tasks).filter(p -> p % pools == first)
                        .mapToObj(p -> inputHosts[p]).toArray(List[]::new);
                int[] partitions = IntStream.range(0, share.length).toArray();
                CompletableFuture<List<byte[]>> job = scheduler.submitJob(new SimulatedInput(j, share), count,
                        partitions, "simulated count " + j, new JobProperties(null, null, false, "pool-" + j));
                int index = j;
                job.thenRun(() -> stats.poolEnds[index] = cluster.clock.get());
                jobs.add(job);
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new));
            loop(scheduler, cluster, all, random, stats);
            long cpu = threads.getThreadCpuTime(schedulerThread.get().getId()) - cpuStart;
            all.get(1, TimeUnit.MINUTES);
            stats.print(wait, cpu, (System.nanoTime() - wallStart) / 1e9);
        } finally {
            scheduler.close();
        }
    }

    /** The one place that builds the scheduler (the figures before the index were taken with its 8-argument form). */
    private static DagScheduler newScheduler(SchedulerConfig config, SimulatedCluster cluster,
            java.util.concurrent.ThreadFactory threads) {
        return new DagScheduler(config, cluster, cluster, cluster, new SchedulerListener() {
        }, MapOutputJournal.NONE, cluster.clock::get, cluster, threads);
    }

    /** A simulated attempt's end. */
    private record End(long atMillis, long taskId, String executorId, boolean fails) {
    }

    private void loop(DagScheduler scheduler, SimulatedCluster cluster, CompletableFuture<?> job,
            Random random, Stats stats) throws Exception {
        Map<Long, Long> readyAt = new HashMap<>();
        PriorityQueue<End> ends = new PriorityQueue<>((a, b) -> Long.compare(a.atMillis, b.atMillis));
        long nextTick = TICK_MILLIS;
        long now = 0;
        int running = 0;
        int waiting = tasks;
        idle(scheduler);
        while (!job.isDone()) {
            for (Launch launch; (launch = cluster.launches.poll()) != null; ) {
                TaskDescription task = launch.task();
                running++;
                waiting--;
                stats.launched(task, launch, cluster, readyAt.getOrDefault(Stats.key(task), 0L));
                long duration = Math.max(1, (long) (taskMillis * Math.exp(0.5 * random.nextGaussian())));
                boolean fails = random.nextDouble() < failureRate;
                ends.add(new End(launch.atMillis() + (fails ? duration / 2 : duration), task.taskId(),
                        launch.executorId(), fails));
            }
            long next = ends.isEmpty() ? nextTick : Math.min(ends.peek().atMillis(), nextTick);
            if (next > 24 * 3_600_000L) {
                throw new IllegalStateException("No progress after a simulated day; " + ends.size() + " running");
            }
            // Cores left idle while tasks waited: what delay scheduling (and any scheduler latency) costs.
            stats.idleCoreMillis += Math.min((long) executors * cores - running, Math.max(0, waiting)) * (next - now);
            now = next;
            cluster.clock.set(next);
            if (next == nextTick) {
                scheduler.tick();
                nextTick += TICK_MILLIS;
            }
            while (!ends.isEmpty() && ends.peek().atMillis() <= next) {
                End end = ends.poll();
                running--;
                if (end.fails()) {
                    waiting++;
                }
                if (end.fails()) {
                    stats.failed(end.taskId(), next, readyAt);
                    scheduler.taskEnded(end.taskId(), new TaskOutcome.Failed(new RemoteTaskException(
                            "java.io.IOException", "simulated failure", new StackTraceElement[0], null)));
                } else {
                    scheduler.taskEnded(end.taskId(), new TaskOutcome.Success(new byte[0], null, Map.of(),
                            TaskMetrics.EMPTY));
                }
            }
            idle(scheduler);
        }
        stats.endMillis = cluster.clock.get();
    }

    /** Waits until the scheduler has handled every event posted so far. */
    private static void idle(DagScheduler scheduler) throws Exception {
        scheduler.inspect(view -> view.runningTasks()).get(1, TimeUnit.MINUTES);
    }

    /** What the runs measure. */
    private final class Stats {
        private final Map<Long, Long> partitionOfTask = new HashMap<>();
        final long[] poolEnds = new long[pools];
        private final long[] readyToLaunch = new long[tasks * 2];
        private int launches;
        long idleCoreMillis;
        private long nodeLocal;
        private long rackLocal;
        private long anywhere;
        long endMillis;

        void launched(TaskDescription task, Launch launch, SimulatedCluster cluster, long readyAt) {
            partitionOfTask.put(task.taskId(), key(task));
            if (launches < readyToLaunch.length) {
                readyToLaunch[launches] = launch.atMillis() - readyAt;
            }
            launches++;
            String host = "host-" + launch.executorId().substring("exec-".length());
            if (task.preferredHosts().contains(host)) {
                nodeLocal++;
            } else if (task.preferredHosts().stream().map(cluster::rackOf).anyMatch(cluster.rackOf(host)::equals)) {
                rackLocal++;
            } else {
                anywhere++;
            }
        }

        /** @return the task's partition of its job's stage, as one number */
        static long key(TaskDescription task) {
            return ((long) task.stageId() << 32) | task.partition();
        }

        void failed(long taskId, long now, Map<Long, Long> readyAt) {
            readyAt.put(partitionOfTask.get(taskId), now);
        }

        void print(long wait, long cpuNanos, double wallSeconds) {
            int n = Math.min(launches, readyToLaunch.length);
            long[] ready = Arrays.copyOf(readyToLaunch, n);
            Arrays.sort(ready);
            double coreMillis = (double) executors * cores * endMillis;
            System.out.printf("%7d | %17.1f | %8d / %6d / %6d | %20.2f | %5.1f / %4.1f / %4.1f | %8d | %11.1f"
                    + " | %6.1f | %s%n", wait, cpuNanos / 1e3 / launches, ready[n / 2], ready[(int) (n * 0.99)],
                    ready[n - 1], 100.0 * idleCoreMillis / coreMillis,
                    100.0 * nodeLocal / launches, 100.0 * rackLocal / launches, 100.0 * anywhere / launches,
                    launches, endMillis / 1e3, wallSeconds, Arrays.stream(poolEnds)
                            .mapToObj(e -> String.format("%.1f", e / 1e3)).collect(Collectors.joining(" ")));
        }
    }
}
