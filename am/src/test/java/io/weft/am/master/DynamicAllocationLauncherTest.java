package io.weft.am.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's side of dynamic allocation on a hand-written YARN: a target met by adding or withdrawing
 * container requests, and released executors whose ends cost nothing and are not replaced.
 */
@Timeout(30)
class DynamicAllocationLauncherTest {

    /** Budget of 3 failures. */
    private static final LaunchPolicy POLICY = new LaunchPolicy(3, 0, true, 2, 60_000);

    private final TestingYarn yarn = new TestingYarn();
    private ExecutorLauncher launcher;

    @BeforeEach
    void start() throws Exception {
        launcher = yarn.launcher(1, POLICY);
        launcher.requestExecutors("driver.example", 7077);
        yarn.drain(launcher);
    }

    private Container launched(String node) throws InterruptedException {
        Container container = yarn.allocate(node);
        yarn.drain(launcher);
        return container;
    }

    @Test
    void aHigherTargetAddsRequestsAndALowerOneWithdrawsTheNewestButNeverStopsRunningExecutors() throws Exception {
        launched("n1:1");
        launcher.setTargetExecutors(5);
        yarn.drain(launcher);
        assertThat(yarn.outstanding()).hasSize(4);
        List<?> firstTwo = yarn.outstanding().subList(0, 2);
        launcher.setTargetExecutors(3);
        yarn.drain(launcher);
        assertThat(yarn.outstanding()).as("the oldest requests stay").hasSize(2).isEqualTo(firstTwo);
        launcher.setTargetExecutors(0);
        yarn.drain(launcher);
        assertThat(yarn.outstanding()).isEmpty();
        assertThat(yarn.released).as("the running executor stays").isEmpty();
        assertThat(launcher.runningAndOutstanding()).containsExactly(1, 0);
        // A container YARN allocated for a withdrawn request is surplus.
        Container late = launched("n2:2");
        assertThat(yarn.released).containsExactly(late.getId());
        assertThat(yarn.started).hasSize(1);
    }

    @Test
    void releasedExecutorsEndAsReleasedWithoutCountingAndAreNotReplaced() throws Exception {
        launcher.setTargetExecutors(5);
        yarn.drain(launcher);
        Container[] containers = new Container[5];
        for (int i = 0; i < 5; i++) {
            containers[i] = launched("n" + (i % 2 + 1) + ":" + (i % 2 + 1));
        }
        launcher.setTargetExecutors(1);
        launcher.releaseExecutors(List.of("1", "2", "3", "4"), "released: idle");
        yarn.drain(launcher);
        assertThat(yarn.released).containsExactlyInAnyOrder(containers[0].getId(), containers[1].getId(),
                containers[2].getId(), containers[3].getId());
        for (int i = 0; i < 4; i++) {
            yarn.complete(containers[i], ContainerExitStatus.ABORTED, "Container released by application");
        }
        yarn.drain(launcher);
        assertThat(yarn.exits).containsExactly("1 does not count: released: idle", "2 does not count: released: idle",
                "3 does not count: released: idle", "4 does not count: released: idle");
        assertThat(yarn.outstanding()).as("not replaced").isEmpty();
        assertThat(yarn.fatal).as("four releases, a budget of three failures").isEmpty();
        assertThat(launcher.finalStatus()).isEqualTo(FinalApplicationStatus.SUCCEEDED);
        assertThat(launcher.runningAndOutstanding()).containsExactly(1, 0);
        // A crash of the one left is still a failure, and is replaced to meet the target.
        yarn.crash(containers[4]);
        yarn.drain(launcher);
        assertThat(yarn.exits).last().asString().startsWith("5 counts: ");
        assertThat(yarn.outstanding()).hasSize(1);
    }

    @Test
    void clientModeRequestsTravelThroughTheStagingFileAndApplyingThemTwiceDoesNothingMore(@TempDir java.nio.file.Path dir)
            throws Exception {
        org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.getLocal(
                new org.apache.hadoop.conf.Configuration());
        org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(dir.toUri());
        io.weft.planner.ExecutorAllocationClient driver = new AllocationRequestsFile(fs, staging).writer(Runnable::run);
        AllocationRequestsFile am = new AllocationRequestsFile(fs, staging);
        assertThat(am.readIfChanged()).isEmpty();
        launcher.setTargetExecutors(3);
        yarn.drain(launcher);
        Container first = launched("n1:1");
        launched("n2:2");
        launched("n1:1");
        driver.requestTotalExecutors(1);
        driver.releaseExecutors(List.of("1", "2"), "released: idle");
        AllocationRequestsFile.Requests requests = am.readIfChanged().orElseThrow();
        assertThat(requests).isEqualTo(new AllocationRequestsFile.Requests(1,
                java.util.Map.of("1", "released: idle", "2", "released: idle")));
        assertThat(am.readIfChanged()).as("unchanged").isEmpty();
        AllocationRequestsFile.apply(requests, launcher);
        AllocationRequestsFile.apply(requests, launcher);
        yarn.drain(launcher);
        assertThat(yarn.released).hasSize(2).contains(first.getId());
        assertThat(launcher.runningAndOutstanding()).containsExactly(1, 0);
    }
}
