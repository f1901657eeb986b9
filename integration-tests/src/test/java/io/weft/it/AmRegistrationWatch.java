package io.weft.it;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * Notes when each application first shows as RUNNING in the ResourceManager, which is when its ApplicationMaster
 * has registered, by polling every 20 ms on a daemon thread (for benchmark timelines; the RM's reports carry no
 * registration time).
 */
final class AmRegistrationWatch {

    private final Map<String, Long> runningAt = new ConcurrentHashMap<>();

    /** @param conf the cluster's configuration */
    AmRegistrationWatch(YarnConfiguration conf) {
        Thread poller = new Thread(() -> poll(conf), "am-registration-watch");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll(YarnConfiguration conf) {
        YarnClient client = YarnClient.createYarnClient();
        client.init(conf);
        client.start();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try {
            while (true) {
                for (ApplicationReport report : client.getApplications(Set.of("WEFT"),
                        EnumSet.of(YarnApplicationState.RUNNING))) {
                    String id = report.getApplicationId().toString();
                    if (seen.add(id)) {
                        runningAt.put(id, System.nanoTime());
                    }
                }
                Thread.sleep(20);
            }
        } catch (Exception stopped) {
            client.stop();
        }
    }

    /**
     * @param appId the application
     * @param startNanos a {@link System#nanoTime()} before its submission
     * @return seconds from then to its AM's registration, or NaN when it was not seen running
     */
    double secondsFrom(String appId, long startNanos) {
        Long at = runningAt.get(appId);
        return at == null ? Double.NaN : (at - startNanos) / 1e9;
    }
}
