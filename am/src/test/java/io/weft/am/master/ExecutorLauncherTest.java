package io.weft.am.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The launcher's own logic on a hand-written YARN: its event loop, the bookkeeping of requests, allocations and
 * releases, the replacement of lost executors, the failure budget and YARN's blacklist.
 */
class ExecutorLauncherTest {

    /** Budget of 3 failures, node exclusion after 2 failures on a node for 60 s. */
    private static final LaunchPolicy POLICY = new LaunchPolicy(3, 0, true, 2, 60_000);

    private final TestingYarn yarn = new TestingYarn();
    private ExecutorLauncher launcher;

    @BeforeEach
    void start() throws Exception {
        launcher = yarn.launcher(2, POLICY);
        launcher.requestExecutors("driver.example", 7077);
        yarn.drain(launcher);
    }

    private Container launched(String node) throws InterruptedException {
        Container container = yarn.allocate(node);
        yarn.drain(launcher);
        return container;
    }

    @Test
    void asksForEachExecutorAndLaunchesOneInEachAllocationThenReleasesSurplus() throws Exception {
        assertThat(yarn.requests).hasSize(2);
        launched("n1:1");
        launched("n2:2");
        Container surplus = launched("n1:1");
        assertThat(yarn.started).hasSize(2);
        assertThat(yarn.started).extracting(s -> s.context().getCommands().get(0))
                .containsExactly("executor 1 for driver.example:7077", "executor 2 for driver.example:7077");
        assertThat(yarn.outstanding()).isEmpty();
        assertThat(yarn.released).containsExactly(surplus.getId());
        // A surplus container's completion is none of the driver's business.
        yarn.complete(surplus, ContainerExitStatus.ABORTED, "released");
        yarn.drain(launcher);
        assertThat(yarn.exits).isEmpty();
        assertThat(yarn.requests).hasSize(2);
    }

    @Test
    void aCrashedExecutorIsReportedToTheDriverCountedAndReplaced() throws Exception {
        Container first = launched("n1:1");
        launched("n2:2");
        yarn.crash(first);
        yarn.drain(launcher);
        assertThat(yarn.exits).singleElement().asString().startsWith("1 counts: ");
        assertThat(yarn.requests).hasSize(3);
        assertThat(yarn.outstanding()).hasSize(1);
        Container replacement = launched("n2:2");
        assertThat(yarn.started).last().extracting(s -> s.container().getId()).isEqualTo(replacement.getId());
        assertThat(yarn.started.get(2).context().getCommands().get(0)).startsWith("executor 3 ");
        assertThat(yarn.fatal).isEmpty();
        assertThat(launcher.finalStatus()).isEqualTo(FinalApplicationStatus.SUCCEEDED);
    }

    @Test
    void aPreemptedExecutorIsReplacedWithoutCountingAgainstTheBudgetOrItsTasks() throws Exception {
        for (int i = 0; i < 5; i++) {
            yarn.preempt(launched("n1:1"));
            yarn.drain(launcher);
        }
        assertThat(yarn.exits).hasSize(5).allMatch(e -> e.contains("does not count"));
        assertThat(yarn.fatal).isEmpty();
        assertThat(yarn.blacklist).isEmpty();
        assertThat(yarn.outstanding()).hasSize(2);
    }

    @Test
    void aCleanExitIsNotReplaced() throws Exception {
        Container container = launched("n1:1");
        yarn.complete(container, ContainerExitStatus.SUCCESS, "");
        yarn.drain(launcher);
        assertThat(yarn.exits).isEmpty();
        assertThat(yarn.outstanding()).hasSize(1);
    }

    @Test
    void nothingIsReplacedOnceTheDriverIsUnreachable() throws Exception {
        Container container = launched("n1:1");
        yarn.driverReachable = false;
        yarn.crash(container);
        yarn.drain(launcher);
        assertThat(yarn.exits).hasSize(1);
        assertThat(yarn.outstanding()).hasSize(1);
    }

    @Test
    void aContainerThatCannotStartIsReleasedCountedAndReplaced() throws Exception {
        Container container = launched("n1:1");
        yarn.failStart(container);
        yarn.drain(launcher);
        assertThat(yarn.released).containsExactly(container.getId());
        assertThat(yarn.outstanding()).hasSize(2);
        // YARN then reports the released container's end: nothing more happens.
        yarn.complete(container, ContainerExitStatus.ABORTED, "released");
        yarn.drain(launcher);
        assertThat(yarn.outstanding()).hasSize(2);
        assertThat(yarn.exits).isEmpty();
    }

    @Test
    void theBudgetRunningOutFailsTheApplicationWhileJobsRunAndStopsReplacing() throws Exception {
        yarn.nodes = 10;
        for (int i = 0; i < 3; i++) {
            yarn.crash(launched("n" + i + ":1"));
            yarn.drain(launcher);
        }
        assertThat(yarn.fatal).singleElement().asString().contains("3 executor containers failed")
                .contains("weft.executor.maxFailures").contains("weft.executor.failuresValidityInterval");
        assertThat(launcher.failure()).contains(yarn.fatal.get(0));
        assertThat(launcher.finalStatus()).isEqualTo(FinalApplicationStatus.FAILED);
        int requested = yarn.requests.size();
        yarn.crash(launched("n9:1"));
        yarn.drain(launcher);
        assertThat(yarn.requests).hasSize(requested);
        assertThat(yarn.fatal).hasSize(1);
    }

    @Test
    void failuresOutsideTheValidityWindowStopCounting() throws Exception {
        launcher = yarn.launcher(2, new LaunchPolicy(2, 10_000, false, 2, 60_000));
        launcher.requestExecutors("driver.example", 7077);
        yarn.drain(launcher);
        yarn.crash(launched("n1:1"));
        yarn.drain(launcher);
        yarn.now.addAndGet(20_000);
        yarn.crash(launched("n1:1"));
        yarn.drain(launcher);
        assertThat(yarn.fatal).isEmpty();
        yarn.crash(launched("n1:1"));
        yarn.drain(launcher);
        assertThat(yarn.fatal).hasSize(1);
    }

    @Test
    void aNodeWhereContainersKeepFailingGoesOnTheBlacklistAndComesOffAfterTheTimeout() throws Exception {
        yarn.nodes = 3;
        yarn.crash(launched("n1:1"));
        yarn.drain(launcher);
        assertThat(yarn.blacklist).isEmpty();
        yarn.crash(launched("n1:1"));
        yarn.drain(launcher);
        assertThat(yarn.blacklist).containsExactly("n1:1");
        yarn.now.addAndGet(61_000);
        launcher.schedulerExcludedNodes(Set.of());
        yarn.drain(launcher);
        assertThat(yarn.blacklist).isEmpty();
    }

    @Test
    void everyNodeExcludedFailsTheApplicationSayingSo() throws Exception {
        launcher = yarn.launcher(2, new LaunchPolicy(100, 0, true, 1, 60_000));
        launcher.requestExecutors("driver.example", 7077);
        yarn.drain(launcher);
        yarn.crash(launched("n1:1"));
        yarn.drain(launcher);
        assertThat(yarn.fatal).isEmpty();
        yarn.crash(launched("n2:2"));
        yarn.drain(launcher);
        assertThat(yarn.blacklist).containsExactly("n1:1", "n2:2");
        assertThat(yarn.fatal).singleElement().asString().contains("Every node of the cluster (n1:1, n2:2)")
                .contains("weft.exclude.enabled=false");
    }

    @Test
    void hostsTheSchedulerExcludesReachTheBlacklistAsTheNodesThatRanOurContainers() throws Exception {
        yarn.nodes = 5;
        launched("shared:1");
        launched("shared:2");
        // Cluster mode: the driver's scheduler calls the launcher directly with host names.
        launcher.schedulerExcludedNodes(Set.of("shared", "never-used"));
        yarn.drain(launcher);
        assertThat(yarn.blacklist).containsExactly("never-used", "shared:1", "shared:2");
        launcher.schedulerExcludedNodes(Set.of());
        yarn.drain(launcher);
        assertThat(yarn.blacklist).isEmpty();
    }

    @Test
    void outstandingRequestsMoveToTheHostsOfWaitingInputOnceKnown() throws Exception {
        launcher.preferInputHosts(() -> Map.of("data1", 5, "data2", 1));
        launcher.relocalizeOutstanding();
        yarn.drain(launcher);
        assertThat(yarn.outstanding()).hasSize(2)
                .allSatisfy(r -> assertThat(r.getNodes()).containsExactly("data1", "data2"));
        assertThat(yarn.removedRequests).hasSize(2).allSatisfy(r -> assertThat(r.getNodes()).isNullOrEmpty());
        launched("data1:1");
        assertThat(yarn.outstanding()).hasSize(1);
    }

    @Test
    void aShutdownRequestEndsTheApplicationKilled() throws Exception {
        yarn.shutDown();
        yarn.drain(launcher);
        assertThat(launcher.finalStatus()).isEqualTo(FinalApplicationStatus.KILLED);
        assertThat(launcher.failure()).isEmpty();
        launcher.finish(launcher.finalStatus(), launcher.finalMessage(), "");
        assertThat(yarn.unregistered).isEqualTo(FinalApplicationStatus.KILLED);
        assertThat(yarn.diagnostics).contains("asked the AM to shut down");
    }

    @Test
    void anEventThatThrowsDoesNotStopTheLoop() throws Exception {
        launcher.preferInputHosts(() -> {
            throw new IllegalStateException("boom");
        });
        launcher.relocalizeOutstanding();
        yarn.drain(launcher);
        launched("n1:1");
        assertThat(yarn.started).hasSize(1);
        assertThat(yarn.outstanding()).hasSize(1).allSatisfy(r -> assertThat(r.getNodes()).isNullOrEmpty());
        assertThat(List.of(launcher.finalStatus())).containsExactly(FinalApplicationStatus.SUCCEEDED);
    }
}
