package io.weft.driver;

import io.weft.api.spi.Engine;
import io.weft.api.spi.EngineFactory;
import io.weft.conf.WeftConf;
import io.weft.driver.backend.LocalBackend;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Master {@code retried-driver}: a local-threads driver that plays one attempt of an application whose driver may
 * be restarted, as a YARN ApplicationMaster attempt does, so journal recovery can be tested without YARN.
 */
public final class RetriedDriverEngineFactory implements EngineFactory {

    /** The application id every attempt shares. */
    static volatile String applicationId = "retried-app";
    /** The attempt the next session plays. */
    static volatile DriverAttempt attempt = DriverAttempt.ONLY;

    @Override
    public boolean accepts(String master) {
        return master.equals("retried-driver");
    }

    @Override
    public Engine create(String appName, String master, Map<String, String> config) {
        WeftConf conf = WeftConf.validate(config);
        return new DriverEngine(applicationId, conf, conf.hadoopConfiguration(new Configuration()),
                new LocalBackend(2), null, attempt);
    }
}
