package io.weft.am.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import io.weft.conf.WeftConf;
import io.weft.driver.DriverAttempt;
import io.weft.driver.DriverContext;
import io.weft.driver.Poll;
import io.weft.planner.ClusterEvents;
import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.runtime.serial.KryoPool;
import io.weft.yarnconf.YarnSettings;
import java.util.Map;
import java.util.Set;
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
    void aSessionWantingMoreThanTheEarlyExecutorsTakesTheirSocketAndAsksForTheRest() throws Exception {
        Credentials credentials = new Credentials();
        ApplicationSecrets.addTo(credentials, new byte[32]);
        UserGroupInformation.getCurrentUser().addCredentials(credentials);
        ExecutorLauncher launcher = yarn.launcher(2, new LaunchPolicy(10, 0, true, 2, 60_000));
        launcher.startEventThread();
        EarlyExecutors early = EarlyExecutors.start(WeftConf.validate(Map.of("weft.driver.bindAddress",
                "127.0.0.1")), launcher, 2, Map.of()).orElseThrow();
        Poll.until(() -> yarn.outstanding().size() == 2, 10_000, 10);
        AmContext base = context(launcher);
        AmBackend backend = new AmBackend(new AmContext(launcher, base.settings(), base.stagingDir(),
                base.applicationId(), null, DriverAttempt.ONLY, base.timeline(), early));
        // The program's own settings ask for three executors at first; none registers, so the start times out.
        WeftConf session = WeftConf.validate(Map.of("weft.driver.bindAddress", "127.0.0.1",
                "weft.dynamicAllocation.enabled", "true", "weft.dynamicAllocation.initialExecutors", "3",
                "weft.executor.registrationTimeout", "2s"));
        try {
            assertThatThrownBy(() -> backend.start(new RecordingClusterEvents(), new DriverContext("application_1_0001", session,
                    new Configuration(false), new Path("/shuffle"), new KryoPool(getClass().getClassLoader()))))
                    .isInstanceOf(WeftException.class).hasMessageContaining("0 of 3 executors registered");
            assertThat(yarn.outstanding()).as("the two asked for early and one more").hasSize(3);
            assertThat(early.take("127.0.0.1", true)).as("the session took the socket").isEmpty();
        } finally {
            backend.close();
        }
    }

    @Test
    void aLauncherThatGivesUpFailsTheDriversJobsWithItsReason() throws Exception {
        Credentials credentials = new Credentials();
        ApplicationSecrets.addTo(credentials, new byte[32]);
        UserGroupInformation.getCurrentUser().addCredentials(credentials);
        ExecutorLauncher launcher = yarn.launcher(2, new LaunchPolicy(2, 0, false, 2, 60_000));
        launcher.startEventThread();
        RecordingClusterEvents scheduler = new RecordingClusterEvents();
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
        assertThat(scheduler.aborted).singleElement().asString().contains("2 executor containers failed");
    }
}
