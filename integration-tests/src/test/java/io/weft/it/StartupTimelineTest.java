package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.am.WeftSubmit;
import io.weft.am.master.StartupTimeline;
import io.weft.am.master.StartupTimeline.Phase;
import io.weft.am.submit.YarnClientBackend;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import io.weft.examples.TextCorpus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up timeline that {@code WeftSubmit} (cluster mode) prints and a client-mode session records: every phase
 * from submission to the client's end is there, each from the process that saw it (client, ApplicationMaster,
 * driver, executors), in the order they happen. No wall-time assertions: only presence and order.
 */
class StartupTimelineTest {

    private static final List<Phase> CLUSTER_MODE = List.of(Phase.CLIENT_START, Phase.CLIENT_READY, Phase.STAGED,
            Phase.SUBMITTED, Phase.AM_START,
            Phase.AM_REGISTERED, Phase.EXECUTORS_REQUESTED, Phase.SESSION_CREATED, Phase.ALLOCATED, Phase.LAUNCHED,
            Phase.EXECUTOR_JVM_START, Phase.EXECUTOR_REGISTERED, Phase.FIRST_TASK, Phase.RESULT,
            Phase.AM_UNREGISTERING, Phase.CLIENT_SAW_END, Phase.CLIENT_EXIT);

    private static final List<Phase> CLIENT_MODE = List.of(Phase.CLIENT_START, Phase.CLIENT_READY, Phase.STAGED,
            Phase.SUBMITTED, Phase.AM_START,
            Phase.AM_REGISTERED, Phase.EXECUTORS_REQUESTED, Phase.ALLOCATED, Phase.LAUNCHED,
            Phase.EXECUTOR_JVM_START, Phase.EXECUTOR_REGISTERED, Phase.FIRST_TASK, Phase.RESULT,
            Phase.CLIENT_SAW_END, Phase.CLIENT_EXIT);

    private static org.apache.hadoop.fs.Path corpus(MiniClusters clusters, Path local, String name)
            throws Exception {
        FileSystem fs = clusters.fs();
        new TextCorpus(1_000, 1.0).write(local, 64 << 10, 1, 3);
        org.apache.hadoop.fs.Path input = fs.makeQualified(new org.apache.hadoop.fs.Path("/data/" + name));
        fs.mkdirs(input);
        for (Path file : Files.list(local).toList()) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(file.toUri()), input);
        }
        return input;
    }

    @Test
    void weftSubmitPrintsEveryPhaseInOrder(@TempDir Path local) throws Exception {
        MiniClusters clusters = MiniClusters.get();
        org.apache.hadoop.fs.Path input = corpus(clusters, local, "timeline-cluster");
        String output = clusters.fs().makeQualified(new org.apache.hadoop.fs.Path("/out/timeline-cluster"))
                .toString();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = WeftSubmit.run(new String[] {"--num-executors", "2", "--executor-memory", "256m",
            "--driver-memory", "256m", "--conf", "weft.yarn.hadoopConfDir=" + clusters.confDir,
            "--conf", "weft.yarn.javaHome=" + System.getProperty("java.home"),
            "io.weft.it.apps.CountWordsApp", input.toString(), output},
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        String line = text.lines().filter(l -> l.startsWith("Timeline (seconds from client start): ")).findFirst()
                .orElseThrow(() -> new AssertionError("No timeline in:\n" + text));
        Map<Phase, Double> phases = parse(line);
        assertThat(phases.keySet()).as(line).containsExactlyElementsOf(CLUSTER_MODE);
        // The executors' phases overlap the program's start (weft.yarn.earlyExecutors): the session is created at
        // some point while they start (EarlyExecutorsTest proves they come first); every other phase is in order.
        Double session = phases.remove(Phase.SESSION_CREATED);
        assertThat(new ArrayList<>(phases.values())).as(line).isSorted();
        assertThat(session).as(line).isGreaterThanOrEqualTo(phases.get(Phase.AM_REGISTERED))
                .isLessThanOrEqualTo(phases.get(Phase.FIRST_TASK));
        // The AM's own diagnostics carry the timeline, but the user is not shown it as diagnostics.
        assertThat(text).doesNotContain("weft-timeline:");
    }

    @Test
    void aClientModeSessionRecordsEveryPhaseInOrder(@TempDir Path local) throws Exception {
        MiniClusters clusters = MiniClusters.get();
        org.apache.hadoop.fs.Path input = corpus(clusters, local, "timeline-client");
        StartupTimeline timeline;
        try (WeftSession weft = clusters.clientSession("timeline").getOrCreate()) {
            assertThat(io.weft.examples.WordCount.count(weft, input.toString()).count()).isPositive();
            timeline = ((YarnClientBackend) ((DriverEngine) weft.engine()).backend()).timeline();
        }
        assertThat(timeline.phases()).as(timeline.format()).containsExactlyElementsOf(CLIENT_MODE);
        List<Long> times = new ArrayList<>();
        for (Phase phase : CLIENT_MODE) {
            times.add(phase == Phase.RESULT ? timeline.last(phase).getAsLong() : timeline.first(phase).getAsLong());
        }
        assertThat(times).as(timeline.format()).isSorted();
    }

    /** {@code Timeline (seconds from X): a 0.50, b 1.90/2.20, ...} to each phase's first time (a result's last). */
    private static Map<Phase, Double> parse(String line) {
        Map<Phase, Double> phases = new LinkedHashMap<>();
        String origin = line.substring("Timeline (seconds from ".length(), line.indexOf("):"));
        phases.put(phaseNamed(origin), 0.0);
        for (String item : line.substring(line.indexOf("): ") + 3).split(", ")) {
            int space = item.lastIndexOf(' ');
            phases.put(phaseNamed(item.substring(0, space)),
                    Double.parseDouble(item.substring(space + 1).split("/")[0]));
        }
        return phases;
    }

    private static Phase phaseNamed(String label) {
        for (Phase phase : Phase.values()) {
            if (phase.label().equals(label)) {
                return phase;
            }
        }
        throw new AssertionError("Unknown phase " + label);
    }
}
