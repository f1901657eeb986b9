package io.weft.am.master;

import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.apache.hadoop.yarn.api.records.ContainerStatus;

/**
 * What an executor container's end means: whether it counts against the application's executor failure budget,
 * and a message for the AM's log and diagnostics that names the cause and, for memory kills, the setting to raise.
 */
final class ContainerExits {

    private ContainerExits() {
    }

    /**
     * @param failure whether the loss counts as an executor failure
     * @param message what happened, for logs and diagnostics
     * @param causedByTasks whether the tasks running there may have caused it (memory kills, crashes), so that it
     *     counts against them; false for preemption, release, node loss and other decisions of YARN or the AM
     */
    record Exit(boolean failure, String message, boolean causedByTasks) {

        Exit(boolean failure, String message) {
            this(failure, message, failure);
        }
    }

    /**
     * @param status the container's final status from the ResourceManager
     * @param containerMb the container's memory
     * @param heapMb the executor heap inside it
     * @return the classification
     */
    static Exit classify(ContainerStatus status, int containerMb, int heapMb) {
        int code = status.getExitStatus();
        String id = status.getContainerId().toString();
        String diagnostics = status.getDiagnostics() == null ? "" : status.getDiagnostics().trim();
        return switch (code) {
            case ContainerExitStatus.SUCCESS -> new Exit(false, id + " exited normally");
            case ContainerExitStatus.PREEMPTED -> new Exit(false, id + " was preempted by YARN for another"
                    + " application; a replacement is requested and this does not count as a failure");
            case ContainerExitStatus.KILLED_BY_APPMASTER -> new Exit(false, id + " was stopped by the"
                    + " ApplicationMaster");
            case ContainerExitStatus.ABORTED -> new Exit(false, id + " was released or its node was lost or"
                    + " decommissioned; it does not count as a failure");
            case ContainerExitStatus.KILLED_BY_RESOURCEMANAGER, ContainerExitStatus.KILLED_AFTER_APP_COMPLETION,
                    ContainerExitStatus.KILLED_FOR_EXCESS_LOGS -> new Exit(false, id + " was killed by YARN (exit "
                    + code + "): " + diagnostics);
            case ContainerExitStatus.KILLED_EXCEEDED_PMEM -> new Exit(true, id + " was killed for exceeding its"
                    + " physical memory limit of " + containerMb + " MB (heap " + heapMb + " MB plus overhead). Fix:"
                    + " raise weft.executor.memoryOverhead (off-heap use: threads, buffers, metaspace) or"
                    + " weft.executor.memory. NodeManager: " + diagnostics);
            case ContainerExitStatus.KILLED_EXCEEDED_VMEM -> new Exit(true, id + " was killed for exceeding its"
                    + " virtual memory limit (container " + containerMb + " MB times"
                    + " yarn.nodemanager.vmem-pmem-ratio). Fix: raise weft.executor.memoryOverhead, or ask the"
                    + " cluster's administrators about yarn.nodemanager.vmem-check-enabled. NodeManager: "
                    + diagnostics);
            case ContainerExitStatus.DISKS_FAILED -> new Exit(true, id + " failed because its node's disks"
                    + " failed: " + diagnostics, false);
            default -> new Exit(true, id + " failed with exit status " + code + ": " + diagnostics);
        };
    }
}
