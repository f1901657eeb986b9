package io.weft.am.master;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerState;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.junit.jupiter.api.Test;

/** Container exit statuses: what counts as a failure, and what the message tells the user to change. */
class ContainerExitsTest {

    private static ContainerStatus status(int exit, String diagnostics) {
        ContainerId id = ContainerId.newContainerId(ApplicationAttemptId.newInstance(
                ApplicationId.newInstance(1, 7), 1), 3);
        return ContainerStatus.newInstance(id, ContainerState.COMPLETE, diagnostics, exit);
    }

    @Test
    void preemptionReleaseAndTheAmsOwnStopAreNotFailures() {
        for (int exit : new int[] {ContainerExitStatus.PREEMPTED, ContainerExitStatus.ABORTED,
                ContainerExitStatus.KILLED_BY_APPMASTER, ContainerExitStatus.SUCCESS,
                ContainerExitStatus.KILLED_BY_RESOURCEMANAGER}) {
            ContainerExits.Exit classified = ContainerExits.classify(status(exit, ""), 1408, 1024);
            assertThat(classified.failure()).as("exit %d", exit).isFalse();
            assertThat(classified.causedByTasks()).as("tasks blamed for exit %d", exit).isFalse();
        }
        assertThat(ContainerExits.classify(status(ContainerExitStatus.DISKS_FAILED, "disk"), 1408, 1024)
                .causedByTasks()).as("a node's failed disks are not its tasks' doing").isFalse();
        assertThat(ContainerExits.classify(status(ContainerExitStatus.PREEMPTED, ""), 1408, 1024).message())
                .contains("container_1_0007_01_000003").contains("preempted");
    }

    @Test
    void aMemoryKillNamesTheContainerItsLimitAndTheSettingsToRaise() {
        ContainerExits.Exit exit = ContainerExits.classify(status(ContainerExitStatus.KILLED_EXCEEDED_PMEM,
                "Container is running beyond physical memory limits. Current usage: 1.5 GB of 1.4 GB"), 1408, 1024);
        assertThat(exit.failure()).isTrue();
        assertThat(exit.causedByTasks()).as("the running tasks count it as a failed attempt").isTrue();
        assertThat(exit.message()).contains("container_1_0007_01_000003").contains("1408 MB")
                .contains("weft.executor.memoryOverhead").contains("weft.executor.memory")
                .contains("Current usage: 1.5 GB of 1.4 GB");
        assertThat(ContainerExits.classify(status(ContainerExitStatus.KILLED_EXCEEDED_VMEM, "vmem"), 1408, 1024)
                .message()).contains("virtual memory").contains("weft.executor.memoryOverhead");
    }

    @Test
    void anyOtherExitIsAFailureWithItsStatusAndDiagnostics() {
        ContainerExits.Exit exit = ContainerExits.classify(status(1, "Unrecognized VM option 'Nope'"), 1408, 1024);
        assertThat(exit.failure()).isTrue();
        assertThat(exit.message()).contains("exit status 1").contains("Unrecognized VM option 'Nope'");
    }
}
