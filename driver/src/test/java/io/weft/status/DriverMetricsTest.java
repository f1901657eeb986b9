package io.weft.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.stream.IntStream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** Driver metrics over JMX, and executor JVM metrics from real executor processes' heartbeats. */
class DriverMetricsTest {

    @Test
    void executorHeartbeatsCarryJvmHealthAndTheDriverShowsItOverJmx() throws Exception {
        try (WeftSession weft = WeftSession.builder().master("local-cluster[2,1,256]")
                .config("weft.executor.heartbeatInterval", "200ms").getOrCreate()) {
            DriverEngine engine = (DriverEngine) weft.engine();
            assertThat(weft.parallelize(IntStream.range(0, 100).boxed().toList(), 4).map(x -> x + 1)
                    .reduce(Integer::sum)).isEqualTo(5050);
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("io.weft:type=Driver,application="
                    + ObjectName.quote(weft.applicationId()));
            assertThat(jmx.getAttribute(name, "CompletedTasks")).isEqualTo(4L);
            assertThat(jmx.getAttribute(name, "RunningExecutors")).isEqualTo(2);
            assertThat(jmx.getAttribute(name, "PendingTasks")).isEqualTo(0L);

            // Both executors' heartbeats (every 200 ms) reach the executors page and the JMX total.
            long deadline = System.currentTimeMillis() + 10_000;
            List<AppStatusStore.ExecutorInfo> executors = List.of();
            while (System.currentTimeMillis() < deadline) {
                executors = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                        java.net.URI.create(engine.statusUrl().orElseThrow() + "api/v1/executors").toURL(),
                        new com.fasterxml.jackson.core.type.TypeReference<List<AppStatusStore.ExecutorInfo>>() { });
                if (executors.size() == 2 && executors.stream().allMatch(e -> e.heapMax() > 0)) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(executors).hasSize(2).allSatisfy(e -> {
                assertThat(e.heapMax()).isBetween(100L << 20, 300L << 20);
                assertThat(e.heapUsed()).isPositive();
                assertThat(e.threads()).isPositive();
            });
            assertThat((Long) jmx.getAttribute(name, "ExecutorHeapUsedBytes")).isPositive();
        }
        assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("io.weft:type=Driver,*"),
                null)).isEmpty();
    }
}
