package io.weft.am.submit;

import io.weft.api.WeftException;
import io.weft.conf.WeftConf;
import io.weft.driver.Poll;
import io.weft.yarnconf.HadoopConfigurations;
import io.weft.yarnconf.YarnConfigKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.net.NetUtils;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * The submitting client's connection to the ResourceManager, made the way a user can follow: it says at once
 * which ResourceManager it contacts and where that address came from, waits at most
 * {@code weft.yarn.connectTimeout} for one to accept a connection, and otherwise fails naming the address, the
 * setting and {@code HADOOP_CONF_DIR} / {@code YARN_CONF_DIR}, as spark-submit refuses {@code --master yarn}
 * without a Hadoop configuration. Left alone, Hadoop's client retries for 15 minutes without a word. The client
 * it returns also gives up within that time if the ResourceManager goes away later; the configuration shipped to
 * containers keeps Hadoop's own retry settings.
 */
public final class ResourceManagerConnection {

    private static final long PROBE_INTERVAL_MILLIS = 500;

    private ResourceManagerConnection() {
    }

    /**
     * Called on the submitting thread.
     *
     * @param yarn the cluster's configuration, as loaded
     * @param conf the settings
     * @param environment the process environment, to say where the configuration came from
     * @param say hears, once, which ResourceManager is contacted
     * @return a started client
     * @throws WeftException when no ResourceManager answers in time
     */
    public static YarnClient open(YarnConfiguration yarn, WeftConf conf, Map<String, String> environment,
            Consumer<String> say) {
        long timeoutMillis = conf.get(YarnConfigKeys.CONNECT_TIMEOUT);
        List<String> addresses = addresses(yarn);
        String source = HadoopConfigurations.describeSource(conf, environment);
        String where = String.join(", ", addresses) + " (" + YarnConfiguration.RM_ADDRESS + " from "
                + propertySource(yarn) + "; " + source + ")";
        say.accept("Contacting the ResourceManager at " + where);
        boolean answered;
        try {
            answered = Poll.until(() -> addresses.stream().anyMatch(a -> accepts(a, timeoutMillis)), timeoutMillis,
                    PROBE_INTERVAL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeftException("Interrupted while contacting the ResourceManager at " + where, e);
        }
        if (!answered) {
            throw new WeftException("No ResourceManager answered at " + where + " within " + timeoutMillis
                    + " ms. Fix: set HADOOP_CONF_DIR (or YARN_CONF_DIR, or " + YarnConfigKeys.HADOOP_CONF_DIR.name()
                    + ") to the directory holding the cluster's yarn-site.xml, whose " + YarnConfiguration.RM_ADDRESS
                    + " names the ResourceManager, or start the ResourceManager; "
                    + YarnConfigKeys.CONNECT_TIMEOUT.name() + " sets how long to wait.");
        }
        YarnConfiguration bounded = new YarnConfiguration(yarn);
        bounded.setLong(YarnConfiguration.RESOURCEMANAGER_CONNECT_MAX_WAIT_MS, timeoutMillis);
        bounded.setLong(YarnConfiguration.RESOURCEMANAGER_CONNECT_RETRY_INTERVAL_MS,
                Math.max(100, Math.min(1000, timeoutMillis / 10)));
        bounded.setInt("ipc.client.connect.max.retries", 2);
        bounded.setInt("ipc.client.connect.max.retries.on.timeouts", 2);
        YarnClient client = YarnClient.createYarnClient();
        client.init(bounded);
        client.start();
        return client;
    }

    /** The ResourceManagers' client addresses: one, or one per RM id with high availability. */
    static List<String> addresses(YarnConfiguration yarn) {
        List<String> addresses = new ArrayList<>();
        if (yarn.getBoolean(YarnConfiguration.RM_HA_ENABLED, YarnConfiguration.DEFAULT_RM_HA_ENABLED)) {
            for (String id : yarn.getTrimmedStrings(YarnConfiguration.RM_HA_IDS)) {
                String address = yarn.get(YarnConfiguration.RM_ADDRESS + "." + id);
                if (address == null) {
                    String host = yarn.get(YarnConfiguration.RM_HOSTNAME + "." + id);
                    address = host == null ? null : host + ":" + YarnConfiguration.DEFAULT_RM_PORT;
                }
                if (address != null) {
                    addresses.add(address);
                }
            }
        }
        if (addresses.isEmpty()) {
            InetSocketAddress address = yarn.getSocketAddr(YarnConfiguration.RM_ADDRESS,
                    YarnConfiguration.DEFAULT_RM_ADDRESS, YarnConfiguration.DEFAULT_RM_PORT);
            addresses.add(address.getHostString() + ":" + address.getPort());
        }
        return addresses;
    }

    private static String propertySource(YarnConfiguration yarn) {
        String[] sources = yarn.getPropertySources(YarnConfiguration.RM_ADDRESS);
        String raw = yarn.getRaw(YarnConfiguration.RM_ADDRESS);
        String text = sources == null ? "no file" : String.join(", ", Arrays.asList(sources));
        if (raw != null && raw.contains("${" + YarnConfiguration.RM_HOSTNAME + "}")) {
            String[] hostSources = yarn.getPropertySources(YarnConfiguration.RM_HOSTNAME);
            text += ", its host from " + YarnConfiguration.RM_HOSTNAME + " in "
                    + (hostSources == null ? "no file" : String.join(", ", Arrays.asList(hostSources)));
        }
        return text;
    }

    private static boolean accepts(String hostPort, long timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(NetUtils.createSocketAddr(hostPort), (int) Math.max(100, Math.min(2000, timeoutMillis)));
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
