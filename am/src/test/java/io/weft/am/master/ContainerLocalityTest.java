package io.weft.am.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.lineage.Dependency;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.TaskContext;
import io.weft.planner.ResultStage;
import io.weft.planner.StagePlanner;
import io.weft.planner.TaskDescription;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.junit.jupiter.api.Test;

/** Container requests follow the input of waiting tasks; allocations are matched back to the right request. */
class ContainerLocalityTest {

    /** An input whose partition i lives on the hosts given for it. */
    private static final class LocatedInput extends Node<String> {
        private final List<List<String>> hosts;

        LocatedInput(List<List<String>> hosts) {
            super(0, "input");
            this.hosts = hosts;
        }

        @Override
        public int numPartitions() {
            return hosts.size();
        }

        @Override
        public List<Dependency<?>> dependencies() {
            return List.of();
        }

        @Override
        public List<String> preferredLocations(int partition) {
            return hosts.get(partition);
        }

        @Override
        protected Iterator<String> compute(int partition, TaskContext context) {
            return List.<String>of().iterator();
        }
    }

    private static TaskDescription task(int stageId, int partition) {
        return new TaskDescription(partition, stageId, 0, partition, 0, null, Map.of(), null, List.of());
    }

    @Test
    void countsHostsOfTasksThatHaveNotStarted() {
        AtomicInteger newStages = new AtomicInteger();
        PendingTaskLocality locality = new PendingTaskLocality(newStages::incrementAndGet);
        ResultStage stage = new StagePlanner().resultStage(new LocatedInput(List.of(List.of("a", "b"),
                List.of("b", "c"), List.of("b"), List.of())), it -> 1, new int[] {0, 1, 2, 3});

        locality.stageSubmitted(stage, 0, 4);
        assertThat(newStages).hasValue(1);
        assertThat(locality.hostCounts()).isEqualTo(Map.of("a", 1, "b", 3, "c", 1));

        locality.taskStarted(task(stage.id(), 1), "1");
        assertThat(locality.hostCounts()).isEqualTo(Map.of("a", 1, "b", 2));
        // A resubmitted stage counts its tasks again, not twice.
        locality.stageSubmitted(stage, 1, 4);
        assertThat(locality.hostCounts()).isEqualTo(Map.of("a", 1, "b", 3, "c", 1));
        locality.taskStarted(task(stage.id(), 1), "1");
        locality.stageCompleted(stage);
        assertThat(locality.hostCounts()).isEmpty();
    }

    @Test
    void aStageWithoutInputLocationsDoesNotTriggerRelocalization() {
        AtomicInteger newStages = new AtomicInteger();
        PendingTaskLocality locality = new PendingTaskLocality(newStages::incrementAndGet);
        locality.stageSubmitted(new StagePlanner().resultStage(new LocatedInput(List.of(List.of(), List.of())),
                it -> 1, new int[] {0, 1}), 0, 2);
        assertThat(newStages).hasValue(0);
        assertThat(locality.hostCounts()).isEmpty();
    }

    @Test
    void requestsPreferTheBusiestHostsWithRelaxedLocality() {
        ContainerRequest request = ContainerRequests.build(Resource.newInstance(1024, 1), Priority.newInstance(1),
                null, Map.of("a", 1, "b", 5, "c", 3, "d", 3));
        assertThat(request.getNodes()).containsExactly("b", "c", "d");
        assertThat(request.getRelaxLocality()).isTrue();
        assertThat(request.getRacks()).isNullOrEmpty();

        assertThat(ContainerRequests.build(Resource.newInstance(1024, 1), Priority.newInstance(1), null, Map.of())
                .getNodes()).isNullOrEmpty();
        // YARN refuses node preferences combined with a node-label expression.
        ContainerRequest labelled = ContainerRequests.build(Resource.newInstance(1024, 1), Priority.newInstance(1),
                "gpu", Map.of("a", 1));
        assertThat(labelled.getNodes()).isNullOrEmpty();
        assertThat(labelled.getNodeLabelExpression()).isEqualTo("gpu");
    }

    @Test
    void anAllocationSatisfiesTheRequestForItsHostThenAnUnplacedOne() {
        Resource size = Resource.newInstance(1024, 1);
        Priority priority = Priority.newInstance(1);
        ContainerRequest onA = ContainerRequests.build(size, priority, null, Map.of("a", 2));
        ContainerRequest anywhere = ContainerRequests.build(size, priority, null, Map.of());
        ContainerRequest onB = ContainerRequests.build(size, priority, null, Map.of("b", 2));
        List<ContainerRequest> outstanding = new ArrayList<>(List.of(onA, anywhere, onB));

        assertThat(ContainerRequests.matching(container("b"), outstanding)).isSameAs(onB);
        assertThat(ContainerRequests.matching(container("z"), outstanding)).isSameAs(anywhere);
        assertThat(ContainerRequests.matching(container("z"), List.of(onA, onB))).isSameAs(onA);
        assertThat(ContainerRequests.matching(container("a"), List.of())).isNull();
    }

    private static Container container(String host) {
        ApplicationAttemptId attempt = ApplicationAttemptId.newInstance(ApplicationId.newInstance(1, 1), 1);
        return Container.newInstance(ContainerId.newContainerId(attempt, 2), NodeId.newInstance(host, 1234),
                host + ":8042", Resource.newInstance(1024, 1), Priority.newInstance(1), null);
    }
}
