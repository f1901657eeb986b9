package io.weft.it.apps;

import io.weft.api.WeftSession;
import io.weft.driver.Poll;
import java.util.List;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * Cluster mode only. Before creating any session, waits until the ResourceManager has allocated the executors'
 * containers to this ApplicationMaster's attempt (besides the AM's own), and fails if it has not within two
 * minutes: so it only succeeds when executors are asked for before the program's session exists. Then, with argument {@code session},
 * creates a session and runs a job on them; with {@code none}, returns without ever creating one.
 */
public final class EarlyExecutorsApp {

    private EarlyExecutorsApp() {
    }

    /**
     * @param args {@code session} or {@code none}, then how many executors to wait for
     * @throws Exception when no executor container appears, or the job fails
     */
    public static void main(String[] args) throws Exception {
        int executors = Integer.parseInt(args[1]);
        ApplicationAttemptId attempt = ContainerId.fromString(System.getenv("CONTAINER_ID"))
                .getApplicationAttemptId();
        YarnClient yarn = YarnClient.createYarnClient();
        yarn.init(new YarnConfiguration());
        yarn.start();
        try {
            boolean seen = Poll.until(() -> {
                try {
                    // The attempt's live containers (allocated or running), the AM's own among them.
                    return yarn.getContainers(attempt).size() >= 1 + executors;
                } catch (Exception e) {
                    throw new IllegalStateException("Cannot list this attempt's containers: " + e, e);
                }
            }, 120_000, 100);
            if (!seen) {
                throw new IllegalStateException("The executors' containers were not allocated before the session existed");
            }
        } finally {
            yarn.stop();
        }
        System.out.println("Executor containers were allocated before the session was created");
        if (args[0].equals("none")) {
            return;
        }
        try (WeftSession weft = WeftSession.builder().getOrCreate()) {
            long count = weft.parallelize(List.of(1, 2, 3, 4), 2).count();
            if (count != 4) {
                throw new IllegalStateException("counted " + count + " of 4");
            }
        }
    }
}
