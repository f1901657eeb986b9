package io.weft.benchmarks;

import io.weft.api.WeftSession;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scheduling throughput (issue 14): empty tasks per second through the driver to {@code local-cluster} executor
 * JVMs. Each round opens a session (encryption on or off, alternating which goes first), warms the executors with
 * a few jobs, then runs one stage of {@code --tasks} empty tasks ({@code count} over as many one-element
 * partitions: {@code range} by default, {@code parallelize} with {@code --source parallelize}) {@code --repeats} times and prints
 * {@code crypto=<on|off> run=<n> tasks=<n> seconds=<s> tasks/s=<r> peak-heap-after-gc-mb=<m>}.
 *
 * <p>Besides the wall time, which other load on the machine inflates, it prints the CPU time the driver and the
 * executor JVMs spent per task during the stage (from the JVM and {@code /proc}), which it inflates much less.
 *
 * <p>The heap figure is the driver's used heap just after the collector last ran, sampled every 50 ms during the
 * stage (the largest "collection usage" over the heap pools): the live set at its peak, not garbage. With
 * {@code --flight-recorder DIR} the driver and the executors record JDK Flight Recorder files into {@code DIR}
 * (the driver's through this JVM's own {@code -XX:StartFlightRecording}, if given; the executors' through
 * {@code weft.executor.extraJavaOptions}).
 */
@Command(name = "weft-task-rate-bench", mixinStandardHelpOptions = true,
        description = "Empty tasks per second through the driver to local-cluster executors.")
public final class TaskRateBench implements Callable<Integer> {

    @Option(names = "--master", defaultValue = "local-cluster[2,2,1024]",
            description = "Weft master (default: ${DEFAULT-VALUE})")
    String master;

    @Option(names = "--tasks", defaultValue = "20000", description = "Empty tasks per measured stage")
    int tasks;

    @Option(names = "--repeats", defaultValue = "2", description = "Measured stages per session")
    int repeats;

    @Option(names = "--rounds", defaultValue = "1", description = "Rounds (each: crypto on then off, or off then on)")
    int rounds;

    @Option(names = "--crypto", defaultValue = "both", description = "on, off or both (default: ${DEFAULT-VALUE})")
    String crypto;

    @Option(names = "--flight-recorder", description = "Directory for the executors' JFR files (off if absent)")
    String flightRecorder;

    @Option(names = "--source", defaultValue = "range",
            description = "range: range(0, n, 1, n), each task computes its one value; parallelize: parallelize(list,"
                    + " n), whose stage binary carries the whole list (default: ${DEFAULT-VALUE})")
    String source;

    @Option(names = "--gc-probe-ms", defaultValue = "0",
            description = "If > 0: this many ms into each measured stage, run a full GC and print the heap then")
    long gcProbeMillis;

    @Option(names = "--conf", description = "Extra session settings, key=value")
    List<String> settings = List.of();

    /**
     * @param args see --help
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new TaskRateBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        System.out.printf("master=%s tasks=%d repeats=%d%n", master, tasks, repeats);
        for (int round = 0; round < rounds; round++) {
            boolean first = round % 2 == 0;
            if (!crypto.equals("off")) {
                run(crypto.equals("on") || first);
            }
            if (crypto.equals("both")) {
                run(!first);
            } else if (crypto.equals("off")) {
                run(false);
            }
        }
        return 0;
    }

    private void run(boolean encrypt) throws InterruptedException {
        WeftSession.Builder builder = WeftSession.builder().appName("task-rate-bench").master(master)
                .config("weft.network.crypto.enabled", String.valueOf(encrypt)).config("weft.ui.enabled", "false");
        if (flightRecorder != null) {
            builder.config("weft.executor.extraJavaOptions", "-XX:StartFlightRecording=filename=" + flightRecorder
                    + "/executor-" + (encrypt ? "on" : "off") + "-%p.jfr,settings=profile");
        }
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            builder.config(setting.substring(0, eq), setting.substring(eq + 1));
        }
        List<Integer> range = IntStream.range(0, tasks).boxed().toList();
        try (WeftSession weft = builder.getOrCreate()) {
            for (int i = 0; i < 3; i++) { // warm the executors and the driver's JIT
                stage(weft, Math.min(2000, tasks), range).count();
            }
            for (int run = 1; run <= repeats; run++) {
                System.gc();
                HeapSampler sampler = new HeapSampler(gcProbeMillis);
                sampler.start();
                long driverCpu = driverCpuNanos();
                long executorCpu = executorCpuTicks();
                long start = System.nanoTime();
                long count = stage(weft, tasks, range).count();
                double seconds = (System.nanoTime() - start) / 1e9;
                sampler.stop();
                double driverUs = (driverCpuNanos() - driverCpu) / 1e3 / tasks;
                double executorUs = (executorCpuTicks() - executorCpu) * 1e6 / TICKS_PER_SECOND / tasks;
                if (count != tasks) {
                    throw new IllegalStateException("counted " + count + " of " + tasks);
                }
                if (gcProbeMillis > 0) {
                    System.out.printf("heap-after-full-gc-at-%d-ms-mb=%.1f%n", gcProbeMillis,
                            sampler.probed() / 1048576.0);
                }
                System.out.printf("source=%s crypto=%s run=%d tasks=%d seconds=%.2f tasks/s=%.0f peak-heap-after-gc-mb=%.1f"
                        + " driver-cpu-us/task=%.0f executors-cpu-us/task=%.0f%n",
                        source, encrypt ? "on" : "off", run, tasks, seconds, tasks / seconds, sampler.peak() / 1048576.0, driverUs, executorUs);
            }
        }
    }

    /** Linux's clock ticks per second for {@code /proc/PID/stat} (USER_HZ), 100 on every common kernel. */
    private static final long TICKS_PER_SECOND = 100;

    /** @return this JVM's CPU time (all threads, user and system) */
    private static long driverCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** @return the CPU ticks (user and system) of this JVM's descendant processes, the executor JVMs; 0 off Linux */
    private static long executorCpuTicks() {
        return ProcessHandle.current().descendants().mapToLong(p -> {
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", String.valueOf(p.pid()),
                        "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            } catch (java.io.IOException | RuntimeException e) {
                return 0;
            }
        }).sum();
    }

    private io.weft.api.Dataset<?> stage(WeftSession weft, int n, List<Integer> list) {
        return source.equals("parallelize") ? weft.parallelize(list.subList(0, n), n) : weft.range(0, n, 1, n);
    }

    /** Samples the heap pools' usage after the last collection on its own thread, keeping the largest sum. */
    private static final class HeapSampler {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong peak = new AtomicLong();
        private final long probeMillis;
        private volatile long probed = -1;

        HeapSampler(long probeMillis) {
            this.probeMillis = probeMillis;
        }
        private final Thread thread = new Thread(this::loop, "heap-sampler");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            long start = System.nanoTime();
            while (running.get()) {
                if (probeMillis > 0 && probed < 0 && System.nanoTime() - start >= probeMillis * 1_000_000) {
                    System.gc();
                    probed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                }
                sample();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sample() {
            long used = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                    used += pool.getCollectionUsage().getUsed();
                }
            }
            peak.accumulateAndGet(used, Math::max);
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
            sample();
        }

        /** @return the used heap right after the probe's full GC, or -1 if the stage ended before it */
        long probed() {
            return probed;
        }

        long peak() {
            return peak.get();
        }
    }
}
