package io.weft.am.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.conf.WeftConf;
import io.weft.yarnconf.YarnConfigKeys;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The AM's failure budget, node exclusion and how they travel to the client-mode launcher. */
class ExecutorFailurePoliciesTest {

    private final AtomicLong now = new AtomicLong(10_000);

    @Test
    void theBudgetIsSpentByFailuresWithinTheWindowOnly() {
        ExecutorFailureBudget budget = new ExecutorFailureBudget(3, 1_000, now::get);
        assertThat(budget.recordFailure()).isFalse();
        now.addAndGet(600);
        assertThat(budget.recordFailure()).isFalse();
        now.addAndGet(600);
        // The first failure is 1.2 s old: it no longer counts.
        assertThat(budget.recordFailure()).isFalse();
        assertThat(budget.count()).isEqualTo(2);
        assertThat(budget.recordFailure()).isTrue();
        assertThat(budget.describe()).isEqualTo("3 within 1 s");
    }

    @Test
    void withoutAWindowFailuresCountForEver() {
        ExecutorFailureBudget budget = new ExecutorFailureBudget(2, 0, now::get);
        budget.recordFailure();
        now.addAndGet(1_000_000_000L);
        assertThat(budget.recordFailure()).isTrue();
    }

    @Test
    void aNodeWithRepeatedContainerFailuresIsBlacklistedThenReleased() {
        NodeExclusions exclusions = new NodeExclusions(true, 2, 5_000);
        assertThat(exclusions.containerFailed("bad", 1_000)).isFalse();
        assertThat(exclusions.containerFailed("good", 1_000)).isFalse();
        assertThat(exclusions.containerFailed("bad", 2_000)).isTrue();
        assertThat(exclusions.update(2_000)).isEqualTo(new NodeExclusions.BlacklistChange(Set.of("bad"), Set.of()));
        assertThat(exclusions.update(3_000).isEmpty()).isTrue();
        exclusions.schedulerExcluded(Set.of("flaky"));
        assertThat(exclusions.update(3_000)).isEqualTo(new NodeExclusions.BlacklistChange(Set.of("flaky"), Set.of()));
        assertThat(exclusions.excluded(3_000)).containsExactly("bad", "flaky");
        exclusions.schedulerExcluded(Set.of());
        assertThat(exclusions.update(7_001)).isEqualTo(new NodeExclusions.BlacklistChange(Set.of(),
                Set.of("bad", "flaky")));
    }

    @Test
    void failuresFarApartDoNotExcludeANode() {
        NodeExclusions exclusions = new NodeExclusions(true, 2, 5_000);
        exclusions.containerFailed("h", 1_000);
        assertThat(exclusions.containerFailed("h", 7_000)).isFalse();
    }

    @Test
    void disabledExclusionExcludesNothing() {
        NodeExclusions exclusions = new NodeExclusions(false, 1, 5_000);
        assertThat(exclusions.containerFailed("h", 1_000)).isFalse();
        exclusions.schedulerExcluded(Set.of("x"));
        assertThat(exclusions.excluded(1_000)).isEmpty();
    }

    @Test
    void thePolicyDefaultsToTwiceTheExecutorsAndSurvivesTheCommandLine() {
        WeftConf defaults = WeftConf.validate(Map.of());
        assertThat(LaunchPolicy.from(defaults, 1).maxFailures()).isEqualTo(3);
        assertThat(LaunchPolicy.from(defaults, 4).maxFailures()).isEqualTo(8);
        assertThat(LaunchPolicy.from(defaults, 4).failuresValidityMillis()).isZero();
        WeftConf set = WeftConf.validate(Map.of("weft.executor.maxFailures", "5",
                "weft.executor.failuresValidityInterval", "10m", "weft.exclude.maxContainerFailuresPerNode", "3"));
        LaunchPolicy policy = LaunchPolicy.from(set, 4);
        assertThat(policy).isEqualTo(new LaunchPolicy(5, 600_000, true, 3, 3_600_000));
        assertThat(LaunchPolicy.decode(policy.encode())).isEqualTo(policy);
    }

    @Test
    void theDriversExcludedHostsReachTheLauncherOnceEachChange(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.getLocal(
                new org.apache.hadoop.conf.Configuration());
        org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(dir.toUri());
        ExcludedNodesFile driver = new ExcludedNodesFile(fs, staging);
        ExcludedNodesFile launcher = new ExcludedNodesFile(fs, staging);
        assertThat(launcher.readIfChanged()).isEmpty();
        driver.write(Set.of("h2", "h1"));
        assertThat(launcher.readIfChanged()).contains(Set.of("h1", "h2"));
        assertThat(launcher.readIfChanged()).isEmpty();
        driver.write(Set.of());
        assertThat(launcher.readIfChanged()).contains(Set.of());
        assertThat(java.nio.file.Files.list(dir).map(p -> p.getFileName().toString())
                .filter(n -> !n.startsWith(".") || !n.endsWith(".crc")).toList()).containsExactly("excluded-nodes");
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void theDriversInputHostsReachTheLauncherOnceEachChange(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.getLocal(
                new org.apache.hadoop.conf.Configuration());
        org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(dir.toUri());
        InputHostsFile driver = new InputHostsFile(fs, staging);
        InputHostsFile launcher = new InputHostsFile(fs, staging);
        assertThat(launcher.readIfChanged()).isEmpty();
        driver.write(Map.of("dn2", 3, "dn1", 7));
        assertThat(launcher.readIfChanged()).contains(Map.of("dn1", 7, "dn2", 3));
        assertThat(launcher.readIfChanged()).isEmpty();
        driver.write(Map.of("dn1", 7));
        assertThat(launcher.readIfChanged()).contains(Map.of("dn1", 7));
    }
}
