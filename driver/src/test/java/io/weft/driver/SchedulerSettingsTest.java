package io.weft.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.conf.WeftConf;
import io.weft.api.WeftException;
import io.weft.planner.AllocationSettings;
import io.weft.planner.SchedulerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scheduler's policies as the driver reads them from {@code weft.*} settings. */
@Timeout(30)
class SchedulerSettingsTest {

    @Test
    void localityWaitsDefaultToThreeSecondsAndThePerLevelKeysToTheCommonOne() {
        assertThat(DriverEngine.schedulerConfig(WeftConf.validate(Map.of()), true).locality())
                .isEqualTo(new SchedulerConfig.Locality(3_000, 3_000));
        assertThat(DriverEngine.schedulerConfig(WeftConf.validate(Map.of("weft.locality.wait", "500ms")), true)
                .locality()).isEqualTo(new SchedulerConfig.Locality(500, 500));
        assertThat(DriverEngine.schedulerConfig(WeftConf.validate(Map.of("weft.locality.wait", "0",
                "weft.locality.wait.rack", "2s")), false).locality())
                .isEqualTo(new SchedulerConfig.Locality(0, 2_000));
        assertThat(DriverEngine.schedulerConfig(WeftConf.validate(Map.of("weft.locality.wait.node", "10s")), true)
                .locality()).isEqualTo(new SchedulerConfig.Locality(10_000, 3_000));
    }

    @Test
    void dynamicAllocationIsOffByDefaultAndItsDefaultsAreSparks() {
        assertThat(DynamicAllocationSettings.from(WeftConf.validate(Map.of()), 2)).isEmpty();
        assertThat(DynamicAllocationSettings.initialExecutors(WeftConf.validate(Map.of()), 5)).isEqualTo(5);
        assertThat(DynamicAllocationSettings.from(WeftConf.validate(Map.of("weft.dynamicAllocation.enabled",
                "true")), 2)).contains(new AllocationSettings(0, Integer.MAX_VALUE, 0, 2, 60_000, Long.MAX_VALUE,
                        1_000, 1_000));
        WeftConf set = WeftConf.validate(Map.of("weft.dynamicAllocation.enabled", "true",
                "weft.dynamicAllocation.minExecutors", "1", "weft.dynamicAllocation.maxExecutors", "8",
                "weft.dynamicAllocation.initialExecutors", "3", "weft.dynamicAllocation.cachedExecutorIdleTimeout",
                "5m", "weft.dynamicAllocation.sustainedSchedulerBacklogTimeout", "2s"));
        assertThat(DynamicAllocationSettings.from(set, 1)).contains(new AllocationSettings(1, 8, 3, 1, 60_000,
                300_000, 1_000, 2_000));
        assertThat(DynamicAllocationSettings.initialExecutors(set, 5)).isEqualTo(3);
        assertThat(DynamicAllocationSettings.defaultParallelism(set, 5, 4)).isEqualTo(12);
        assertThat(DynamicAllocationSettings.defaultParallelism(WeftConf.validate(Map.of()), 5, 4)).isEqualTo(20);
    }

    @Test
    void contradictoryDynamicAllocationNumbersAreRefusedNamingTheKeys() {
        assertThatThrownBy(() -> DynamicAllocationSettings.from(WeftConf.validate(Map.of(
                "weft.dynamicAllocation.enabled", "true", "weft.dynamicAllocation.minExecutors", "5",
                "weft.dynamicAllocation.maxExecutors", "2")), 1)).isInstanceOf(WeftException.class)
                .hasMessageContaining("weft.dynamicAllocation.minExecutors = 5")
                .hasMessageContaining("weft.dynamicAllocation.maxExecutors = 2");
        assertThatThrownBy(() -> DynamicAllocationSettings.from(WeftConf.validate(Map.of(
                "weft.dynamicAllocation.enabled", "true", "weft.dynamicAllocation.minExecutors", "2",
                "weft.dynamicAllocation.initialExecutors", "1")), 1)).isInstanceOf(WeftException.class)
                .hasMessageContaining("weft.dynamicAllocation.initialExecutors = 1 is outside");
    }

    @Test
    void oneTaskInFlightPerCoreUnlessSetAndNeverFewer() {
        assertThat(DriverEngine.schedulerConfig(WeftConf.validate(Map.of()), true).tasksInFlightPerCore())
                .isEqualTo(1);
        assertThat(DriverEngine.schedulerConfig(WeftConf.validate(Map.of("weft.scheduler.tasksInFlightPerCore",
                "2")), true).tasksInFlightPerCore()).isEqualTo(2);
        assertThatThrownBy(() -> WeftConf.validate(Map.of("weft.scheduler.tasksInFlightPerCore", "0")))
                .hasMessageContaining("weft.scheduler.tasksInFlightPerCore");
    }

    @Test
    void fifoUnlessFairIsSetAndNothingElse() {
        assertThat(DriverEngine.schedulerConfig(WeftConf.validate(Map.of()), true).mode())
                .isEqualTo(io.weft.planner.SchedulerConfig.Mode.FIFO);
        assertThat(DriverEngine.schedulerConfig(WeftConf.validate(Map.of("weft.scheduler.mode", "fair")), true)
                .mode()).isEqualTo(io.weft.planner.SchedulerConfig.Mode.FAIR);
        assertThatThrownBy(() -> WeftConf.validate(Map.of("weft.scheduler.mode", "ROUND_ROBIN")))
                .hasMessageContaining("weft.scheduler.mode").hasMessageContaining("FIFO or FAIR");
    }
}
