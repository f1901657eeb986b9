package io.weft.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The dynamic-allocation policy on a hand-driven clock: ramp-up rounds, withdrawal, idle and cached timeouts. */
@Timeout(10)
class ExecutorAllocationPolicyTest {

    private final AtomicLong now = new AtomicLong(1_000);

    private ExecutorAllocationPolicy policy(int min, int max, int initial, int cores, long cachedIdle) {
        return new ExecutorAllocationPolicy(new AllocationSettings(min, max, initial, cores, 2_000, cachedIdle,
                1_000, 500), now::get);
    }

    @Test
    void aBacklogAsksForExecutorsInDoublingRoundsCappedByTheTasks() {
        ExecutorAllocationPolicy policy = policy(0, 100, 0, 1, Long.MAX_VALUE);
        assertThat(policy.decide(10, 0).target()).as("before the backlog timeout").isZero();
        now.addAndGet(999);
        assertThat(policy.decide(10, 0).target()).isZero();
        now.addAndGet(1);
        assertThat(policy.decide(10, 0).target()).as("first round").isEqualTo(1);
        now.addAndGet(499);
        assertThat(policy.decide(10, 0).target()).as("before the sustained timeout").isEqualTo(1);
        now.addAndGet(1);
        assertThat(policy.decide(10, 0).target()).as("second round").isEqualTo(3);
        now.addAndGet(500);
        assertThat(policy.decide(10, 0).target()).as("third round").isEqualTo(7);
        now.addAndGet(500);
        assertThat(policy.decide(10, 0).target()).as("capped by the ten tasks").isEqualTo(10);
        now.addAndGet(500);
        assertThat(policy.decide(10, 0).target()).isEqualTo(10);
    }

    @Test
    void theTargetCountsCoresAndStopsAtTheMaximum() {
        ExecutorAllocationPolicy policy = policy(0, 3, 0, 4, Long.MAX_VALUE);
        for (int round = 0; round < 5; round++) {
            now.addAndGet(1_000);
            policy.decide(9, 0);
        }
        assertThat(policy.target()).as("9 tasks on 4-core executors need 3").isEqualTo(3);
        policy = policy(0, 2, 0, 4, Long.MAX_VALUE);
        for (int round = 0; round < 5; round++) {
            now.addAndGet(1_000);
            policy.decide(100, 0);
        }
        assertThat(policy.target()).as("the maximum").isEqualTo(2);
    }

    @Test
    void whenTheBacklogGoesTheTargetFallsToWhatRunningTasksNeedAndTheRampStartsAgain() {
        ExecutorAllocationPolicy policy = policy(1, 100, 1, 1, Long.MAX_VALUE);
        for (int round = 0; round < 4; round++) {
            now.addAndGet(1_000);
            policy.decide(50, 0);
        }
        assertThat(policy.target()).as("the backlog starts at the first call").isEqualTo(1 + 1 + 2 + 4);
        assertThat(policy.decide(0, 2).target()).as("unsatisfied requests are withdrawn at once").isEqualTo(2);
        assertThat(policy.decide(0, 0).target()).as("never below the minimum").isEqualTo(1);
        assertThat(policy.decide(5, 0).target()).as("a new backlog waits for its timeout").isEqualTo(1);
        now.addAndGet(1_000);
        assertThat(policy.decide(5, 0).target()).as("and starts with one").isEqualTo(2);
    }

    @Test
    void theInitialTargetHoldsUntilWorkArrivesOrAnExecutorTimesOut() {
        ExecutorAllocationPolicy policy = policy(0, 10, 3, 1, Long.MAX_VALUE);
        policy.executorAdded("1");
        policy.executorAdded("2");
        policy.executorAdded("3");
        now.addAndGet(1_999);
        assertThat(policy.decide(0, 0)).isEqualTo(new ExecutorAllocationPolicy.Decision(3, List.of()));
        now.addAndGet(1);
        assertThat(policy.decide(0, 0)).as("idle for the timeout: the start is over")
                .isEqualTo(new ExecutorAllocationPolicy.Decision(0, List.of("1", "2", "3")));
    }

    @Test
    void anExecutorRunningATaskIsNeverReleasedAndIdleTimeStartsWhenItsLastTaskEnds() {
        ExecutorAllocationPolicy policy = policy(0, 10, 0, 2, Long.MAX_VALUE);
        policy.executorAdded("1");
        policy.executorAdded("2");
        policy.taskStarted("1");
        policy.taskStarted("1");
        now.addAndGet(5_000);
        assertThat(policy.decide(0, 2).release()).as("the busy one stays; the idle one is not needed")
                .containsExactly("2");
        policy.executorRemoved("2");
        policy.taskEnded("1");
        now.addAndGet(5_000);
        assertThat(policy.decide(0, 1).release()).as("one task still runs").isEmpty();
        policy.taskEnded("1");
        now.addAndGet(1_999);
        assertThat(policy.decide(0, 0).release()).isEmpty();
        now.addAndGet(1);
        assertThat(policy.decide(0, 0).release()).containsExactly("1");
    }

    @Test
    void idleExecutorsAreKeptDownToTheTargetAndTheMinimumOldestIdleGoingFirst() {
        ExecutorAllocationPolicy policy = policy(1, 10, 1, 1, Long.MAX_VALUE);
        for (String id : List.of("1", "2", "3", "4")) {
            policy.executorAdded(id);
            policy.taskStarted(id);
        }
        for (String id : List.of("3", "1", "2")) {
            policy.taskEnded(id);
            now.addAndGet(10);
        }
        now.addAndGet(3_000);
        // One task runs (on 4): the target is 1, and 4 is busy, so all three idle ones go, oldest idle first.
        assertThat(policy.decide(0, 1).release()).containsExactly("3", "1", "2");
        ExecutorAllocationPolicy min = policy(2, 10, 2, 1, Long.MAX_VALUE);
        for (String id : List.of("1", "2", "3")) {
            min.executorAdded(id);
        }
        now.addAndGet(3_000);
        assertThat(min.decide(0, 0).release()).as("the minimum stays").containsExactly("1");
    }

    @Test
    void executorsHoldingCachedBlocksHaveTheirOwnTimeout() {
        ExecutorAllocationPolicy forever = policy(0, 10, 0, 1, Long.MAX_VALUE);
        forever.executorAdded("1");
        forever.executorAdded("2");
        forever.holdsCachedBlocks("1", true);
        now.addAndGet(1_000_000);
        assertThat(forever.decide(0, 0).release()).as("cached: kept for ever by default").containsExactly("2");
        forever.holdsCachedBlocks("1", false);
        assertThat(forever.decide(0, 0).release()).as("once unpersisted, the ordinary timeout")
                .containsExactlyInAnyOrder("2", "1");

        ExecutorAllocationPolicy cached = policy(0, 10, 0, 1, 10_000);
        cached.executorAdded("1");
        cached.holdsCachedBlocks("1", true);
        now.addAndGet(9_999);
        assertThat(cached.decide(0, 0).release()).isEmpty();
        now.addAndGet(1);
        assertThat(cached.decide(0, 0).release()).containsExactly("1");
    }
}
