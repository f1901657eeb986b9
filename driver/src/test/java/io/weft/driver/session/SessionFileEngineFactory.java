package io.weft.driver.session;

import io.weft.api.WeftException;
import io.weft.api.spi.Engine;
import io.weft.api.spi.EngineFactory;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Tests only: master {@code weft-session-file:<local path of an endpoint file>} attaches to the session whose
 * endpoint file that is (the YARN factory finds the file in the application's staging directory instead).
 */
public final class SessionFileEngineFactory implements EngineFactory {

    static final String PREFIX = "weft-session-file:";

    @Override
    public boolean accepts(String master) {
        return master.startsWith(PREFIX);
    }

    @Override
    public Engine create(String appName, String master, Map<String, String> config) {
        Path file = new Path(master.substring(PREFIX.length()));
        try {
            SessionEndpoint endpoint = SessionEndpoint.readFrom(FileSystem.getLocal(new Configuration()), file);
            return SessionClientEngine.connect(endpoint, appName, config, List.of());
        } catch (IOException e) {
            throw new WeftException("Cannot read the session endpoint file " + file + ": " + e.getMessage(), e);
        }
    }
}
