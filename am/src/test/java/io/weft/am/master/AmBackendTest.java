package io.weft.am.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import io.weft.conf.WeftConf;
import io.weft.driver.DriverAttempt;
import io.weft.driver.DriverContext;
import io.weft.driver.Poll;
import io.weft.planner.ClusterEvents;
import io.weft.planner.ExecutorJvmMetrics;
import io.weft.planner.TaskOutcome;
import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.runtime.serial.KryoPool;
import io.weft.yarnconf.YarnSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode's wiring between the driver and the ApplicationMaster's launcher, which share a JVM: the hosts the
 * scheduler excludes reach YARN's blacklist, and a launcher that gives up fails the driver's jobs.
 */
class AmBackendTest {

    private final TestingYarn yarn = new TestingYarn();

    private AmContext context(ExecutorLauncher launcher) {
        return new AmContext(launcher, YarnSettings.from(WeftConf.validate(Map.of("weft.executor.instances", "2"))),
                new Path("/staging"), "application_1_0001", null, DriverAttempt.ONLY, new StartupTimeline(),
                null);
    }

    @Test
    void hostsTheSchedulerExcludesGoOnYarnsBlacklistDirectly() throws Exception {
        ExecutorLauncher launcher = yarn.launcher(2, new LaunchPolicy(10, 0, true, 2, 60_000));
        launcher.requestExecutors("driver", 1);
        yarn.drain(launcher);
        yarn.allocate("shared:1");
        yarn.allocate("shared:2");
        yarn.drain(launcher);
        yarn.nodes = 5;
        AmBackend backend = new AmBackend(context(launcher));
        // What the scheduler calls (TaskLauncher.excludedNodesChanged) when it excludes a host.
        backend.excludedNodesChanged(Set.of("shared"));
        yarn.drain(launcher);
        assertThat(yarn.blacklist).containsExactly("shared:1", "shared:2");
    }

    @Test
    void aLauncherThatGivesUpFailsTheDriversJobsWithItsReason() throws Exception {
        Credentials credentials = new Credentials();
        ApplicationSecrets.addTo(credentials, new byte[32]);
        UserGroupInformation.getCurrentUser().addCredentials(credentials);
        ExecutorLauncher launcher = yarn.launcher(2, new LaunchPolicy(2, 0, false, 2, 60_000));
        launcher.startEventThread();
        List<String> aborted = new CopyOnWriteArrayList<>();
        ClusterEvents scheduler = new ClusterEvents() {
            @Override
            public void executorAdded(String executorId, String host, int cores, String containerId,
                    String logUrl) {
            }

            @Override
            public void executorHeartbeat(String executorId, ExecutorJvmMetrics metrics) {
            }

            @Override
            public void executorDisconnected(String executorId) {
            }

            @Override
            public void executorLost(String executorId, String reason, boolean causedByTasks) {
            }

            @Override
            public void taskEnded(long taskId, TaskOutcome outcome) {
            }

            @Override
            public void abort(String reason) {
                aborted.add(reason);
            }
        };
        AmBackend backend = new AmBackend(context(launcher));
        Thread crasher = new Thread(() -> {
            // Every container YARN gives crashes at once: the budget of two runs out while the driver waits.
            try {
                for (int i = 0; i < 2; i++) {
                    Poll.until(() -> !yarn.outstanding().isEmpty(), 10_000, 10);
                    yarn.crash(yarn.allocate("n" + i + ":1"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        crasher.setDaemon(true);
        crasher.start();
        try {
            assertThatThrownBy(() -> backend.start(scheduler, new DriverContext("application_1_0001",
                    WeftConf.validate(Map.of()), new Configuration(false), new Path("/shuffle"),
                    new KryoPool(getClass().getClassLoader()))))
                    .isInstanceOf(WeftException.class).hasMessageContaining("weft.executor.maxFailures");
        } finally {
            crasher.interrupt();
            backend.close();
        }
        assertThat(aborted).singleElement().asString().contains("2 executor containers failed");
    }
}
