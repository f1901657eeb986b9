package io.weft.am.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.am.master.StartupTimeline.Phase;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start-up timeline: how it travels in diagnostics and in the staging file, and how it reads. */
class StartupTimelineTest {

    @Test
    void travelsInDiagnosticsAndComesBackWhole() {
        StartupTimeline am = new StartupTimeline();
        am.mark(Phase.AM_START, 1_000);
        am.mark(Phase.AM_REGISTERED, 1_500);
        am.mark(Phase.ALLOCATED, 2_000);
        am.mark(Phase.ALLOCATED, 2_300);
        am.executors(Map.of("1", new long[] {2_600, 3_000}, "2", new long[] {0, 3_400}));
        String diagnostics = "The driver failed: boom\n\tat Main.main\n" + am.encode();

        StartupTimeline client = new StartupTimeline();
        client.mark(Phase.CLIENT_START, 100);
        client.mark(Phase.SUBMITTED, 600);
        client.merge(StartupTimeline.decode(diagnostics).orElseThrow());

        assertThat(client.phases()).containsExactly(Phase.CLIENT_START, Phase.SUBMITTED, Phase.AM_START,
                Phase.AM_REGISTERED, Phase.ALLOCATED, Phase.EXECUTOR_JVM_START, Phase.EXECUTOR_REGISTERED);
        assertThat(client.first(Phase.ALLOCATED)).hasValue(2_000);
        assertThat(client.last(Phase.ALLOCATED)).hasValue(2_300);
        // An executor that did not say when its JVM started adds nothing rather than a time of 0.
        assertThat(client.first(Phase.EXECUTOR_JVM_START)).hasValue(2_600);
        assertThat(client.last(Phase.EXECUTOR_REGISTERED)).hasValue(3_400);
        assertThat(StartupTimeline.strip(diagnostics)).isEqualTo("The driver failed: boom\n\tat Main.main");
        assertThat(client.format()).isEqualTo("Timeline (seconds from client start): submitted 0.50, AM JVM start"
                + " 0.90, AM registered 1.40, containers allocated 1.90/2.20, executor JVMs started 2.50,"
                + " executors registered 2.90/3.30");
    }

    @Test
    void executorsThatRegisterAfterTheStartAreMarkedOnceAndOnlyThoseOfTheStart() {
        StartupTimeline timeline = new StartupTimeline();
        timeline.mark(Phase.SUBMITTED, 1_000);
        timeline.startingExecutors(2);
        timeline.executors(Map.of("1", new long[] {2_000, 2_500}));
        // As the listener sees them: every registration so far, each time another executor is added.
        TimelineListener listener = new TimelineListener(timeline, () -> Map.of("1", new long[] {2_000, 2_500},
                "2", new long[] {2_200, 3_000}));
        listener.executorAdded("2", "host", 1, null, null);
        listener.executorAdded("2", "host", 1, null, null);
        // A third, from dynamic allocation a minute later, is no part of the start.
        timeline.executors(Map.of("1", new long[] {2_000, 2_500}, "2", new long[] {2_200, 3_000},
                "3", new long[] {60_000, 61_000}));

        assertThat(timeline.encode()).contains("EXECUTOR_JVM_START=2000/2200/2", "EXECUTOR_REGISTERED=2500/3000/2");
    }

    @Test
    void anExecutorThatRegisteredBeforeTheListenerWasAddedIsMarkedWhenAJobEnds() {
        StartupTimeline timeline = new StartupTimeline();
        timeline.startingExecutors(2);
        timeline.executors(Map.of("1", new long[] {2_000, 2_500}));
        TimelineListener listener = new TimelineListener(timeline, () -> Map.of("1", new long[] {2_000, 2_500},
                "2", new long[] {2_200, 2_700}));

        listener.jobEnded(0, null);

        assertThat(timeline.encode()).contains("EXECUTOR_REGISTERED=2500/2700/2");
    }

    @Test
    void aTextWithoutATimelineHasNoneAndStaysAsItIs() {
        assertThat(StartupTimeline.decode("Application killed by user")).isEmpty();
        assertThat(StartupTimeline.decode(null)).isEmpty();
        assertThat(StartupTimeline.strip("Application killed by user")).isEqualTo("Application killed by user");
    }

    @Test
    void phasesOfAnotherVersionAreSkipped() {
        StartupTimeline decoded = StartupTimeline.decode(StartupTimeline.PREFIX
                + " AM_START=5/5/1 SOMETHING_NEW=6/6/1 RESULT=9/9/1").orElseThrow();
        assertThat(decoded.phases()).containsExactly(Phase.AM_START, Phase.RESULT);
    }

    @Test
    void theResultIsTheLastJobsEnd() {
        StartupTimeline timeline = new StartupTimeline();
        timeline.mark(Phase.SUBMITTED, 1_000);
        timeline.mark(Phase.RESULT, 2_000);
        timeline.mark(Phase.RESULT, 4_000);
        assertThat(timeline.format()).isEqualTo("Timeline (seconds from submitted): result 3.00");
    }
}
