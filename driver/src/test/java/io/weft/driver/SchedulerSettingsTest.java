package io.weft.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.conf.WeftConf;
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
}
